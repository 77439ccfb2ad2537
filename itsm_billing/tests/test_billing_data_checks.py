from datetime import date

from odoo.exceptions import AccessError, ValidationError

from .common import BillingCase

OCTOBER = date(2026, 10, 1)


class TestBillingDataChecks(BillingCase):
    """The data checks are records a billing supervisor edits and extends
    (S4 数据检查); the month is compared with the previous one."""

    def found(self, run):
        return {check.code: check.found_count for check in run.check_item_ids}

    def test_an_outlying_month_is_shown_not_blocked(self):
        october = self.run_to("computed", self.new_run(period=OCTOBER))
        self.assertEqual(october.amount_total, 16000.0)
        # November: customer A's fee doubles (+100%), B's stays.
        self.contract_a.contract_line_ids.price_unit = 20000.0
        run = self.run_to("data_checked")
        self.assertEqual(run.state, "data_checked")
        self.assertEqual(self.found(run)["outlying"], 1)
        outlying = self.env["itsm.billing.item"].search(
            run._itsm_item_domain() + [("is_outlying", "=", True)]
        )
        self.assertEqual(outlying.contract_id, self.contract_a)
        self.assertEqual(run.anomaly_count, 0)
        # Beyond 150% only: nothing is outlying on the next check.
        self.env["ir.config_parameter"].set_param("itsm_billing.outlier_share", "150")
        run = self.run_to("data_checked", run)
        self.assertEqual(self.found(run)["outlying"], 0)

    def test_a_month_with_no_previous_run_has_no_outliers(self):
        run = self.run_to("data_checked")
        self.assertEqual(self.found(run)["outlying"], 0)

    def test_a_supervisor_adds_a_blocking_check(self):
        check = (
            self.env["itsm.billing.data.check"]
            .with_user(self.billing["billing_supervisor"])
            .create(
                {
                    "name": "Fees above 5 000",
                    "code": "large_fee",
                    "domain": "[('price_unit', '>', 5000)]",
                    "run_type": "billing",
                }
            )
        )
        run = self.run_to("data_checked")
        # Contract A's fee (10 000) is found: the run stays a draft.
        self.assertEqual(run.state, "draft")
        self.assertEqual(self.found(run)["large_fee"], 1)
        self.assertEqual(run.anomaly_count, 1)
        # Not blocking: the run goes on, what it found still shown.
        check.with_user(self.billing["billing_supervisor"]).blocking = False
        run = self.run_to("data_checked", run)
        self.assertEqual(run.state, "data_checked")
        self.assertEqual(self.found(run)["large_fee"], 1)
        # Archived: no longer run.
        check.with_user(self.billing["billing_supervisor"]).active = False
        run = self.run_to("data_checked", run)
        self.assertNotIn("large_fee", self.found(run))

    def test_a_check_that_finds_nothing_it_could_is_refused(self):
        Check = self.env["itsm.billing.data.check"].with_user(
            self.billing["billing_supervisor"]
        )
        before = Check.search_count([])
        for domain in ("[('no_such_field', '=', 1)]", "not a domain"):
            with (
                self.subTest(domain=domain),
                self.assertRaises(ValidationError) as refused,
                self.env.cr.savepoint(),
            ):
                Check.create({"name": "Broken", "domain": domain})
            self.assertIn("does not find billable items", str(refused.exception))
        self.assertEqual(Check.search_count([]), before)

    def test_operators_and_checkers_only_read_the_checks(self):
        for role in ("operator", "checker"):
            Check = self.env["itsm.billing.data.check"].with_user(self.billing[role])
            self.assertTrue(Check.search([]))
            with (
                self.subTest(role=role),
                self.assertRaises(AccessError),
                self.env.cr.savepoint(),
            ):
                Check.create({"name": "Mine", "domain": "[]"})
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                Check.search([], limit=1).blocking = False
