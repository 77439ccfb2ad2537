from datetime import datetime, time

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.tests import TransactionCase


class TestBillingDemo(TransactionCase):
    """The demo shows the billing team's work: the month before last
    billed and settled and published, each step by its role; last month's
    billing run computed and waiting for its four-eyes check. (The tests'
    database is made without the demo's history: the demo's runs are made
    here, on the 5th of the month the demo contracts' lines started three
    months before, as a demo install on that day makes them.)"""

    def test_the_demo_runs_went_through_their_steps_by_role(self):
        operator = self.env.ref("itsm_billing.user_itsm_billing_operator")
        checker = self.env.ref("itsm_billing.user_itsm_billing_checker")
        supervisor = self.env.ref("itsm_billing.user_itsm_billing_supervisor")
        start = min(
            self.env.ref(
                "itsm_billing.contract_demo_operations"
            ).contract_line_ids.mapped("date_start")
        )
        installed = start + relativedelta(months=3, day=5)
        with freeze_time(datetime.combine(installed, time(2, 0))):
            self.env["itsm.billing.run"].with_context(
                itsm_demo_history=True
            )._itsm_demo_runs(
                "itsm_billing.user_itsm_billing_operator",
                "itsm_billing.user_itsm_billing_checker",
                "itsm_billing.user_itsm_billing_supervisor",
            )
        runs = self.env["itsm.billing.run"].search(
            [("operator_id", "=", operator.id)], order="period_start, run_type"
        )
        waiting = runs.filtered(lambda run: run.state == "computed")
        self.assertEqual(len(waiting), 1)
        self.assertEqual(
            (waiting.run_type, waiting.period_start),
            ("billing", start + relativedelta(months=2, day=1)),
        )
        self.assertTrue(waiting.move_ids)
        self.assertEqual(set(waiting.move_ids.mapped("state")), {"draft"})
        published = runs.filtered(lambda run: run.state == "published")
        self.assertEqual(
            sorted(published.mapped("run_type")), ["billing", "settlement"]
        )
        self.assertEqual(
            set(published.mapped("period_start")),
            {start + relativedelta(months=1, day=1)},
        )
        for run in published:
            self.assertEqual(run.checker_id, checker)
            self.assertEqual(run.reviewer_id, supervisor)
            self.assertNotEqual(run.checker_id, run.operator_id)
            self.assertTrue(all(run.report_item_ids.mapped("done")))
            self.assertEqual(set(run.move_ids.mapped("state")), {"posted"})
            self.assertGreater(run.amount_total, 0)
        settlement = published.filtered(lambda run: run.run_type == "settlement")
        self.assertEqual(set(settlement.move_ids.mapped("move_type")), {"in_invoice"})
