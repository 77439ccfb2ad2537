from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from odoo.addons.itsm_incident.tests.common import utc

from .common import RUN_TIME, BillingCase

BACKGROUND = (
    "odoo.addons.itsm_billing.models.itsm_billing_run_background.ItsmBillingRun"
)


class TestBillingNotice(BillingCase):
    """BIL-5's notices: whether a run succeeds or fails, a text to the
    operator's supervisor and department manager and an e-mail to the
    department with the manager in copy — only to those who may read the
    run; and the operator's one-click anomaly report to the supervisor and
    manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supervisor = cls.users["division_leader"].partner_id
        cls.manager = cls.users["department_head"].partner_id
        cls.supervisor.mobile = "+86 138 0000 0001"
        cls.manager.mobile = "+86 138 0000 0002"
        # A billing colleague in the operator's department; the reporter,
        # also in it, has no billing role.
        cls.env["hr.employee"].create(
            {
                "name": "Billing colleague",
                "user_id": cls.billing["checker2"].id,
                "department_id": cls.business.id,
            }
        )
        cls.colleague = cls.billing["checker2"].partner_id
        cls.operator = cls.billing["operator"].partner_id

    def texts(self, run, start):
        return self.env["sms.sms"].search([("body", "like", f"{start}%{run.name}")])

    def mails(self, run, subject):
        return self.env["mail.mail"].search(
            [("model", "=", run._name), ("res_id", "=", run.id)]
            + [("subject", "=like", f"{subject}%")]
        )

    def test_a_finished_run_is_told(self):
        run = self.run_to("computed")
        texts = self.texts(run, "Run finished")
        self.assertEqual(texts.partner_id, self.supervisor | self.manager)
        self.assertEqual(
            sorted(texts.mapped("number")), ["+86 138 0000 0001", "+86 138 0000 0002"]
        )
        self.assertIn("2 invoices", texts[0].body)
        mail = self.mails(run, "Run finished")
        self.assertEqual(len(mail), 1)
        # The department (its members who may read runs), the manager in
        # copy; the reporter of the department reads no runs.
        self.assertEqual(mail.recipient_ids, self.operator | self.colleague)
        self.assertEqual(mail.email_cc, self.manager.email)
        self.assertIn("16,000.00", mail.body_html)
        self.assertIn(run.result_digest, mail.body_html)
        self.assertIn(
            "Notice “ITSM: billing run finished” sent to",
            "".join(run.message_ids.mapped("body")),
        )

    def without_sale_journal(self):
        """A real cause of failure: the company has no sale journal to
        invoice in (OCA contract refuses to prepare the invoices). Returns
        what to restore."""
        journals = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.env.company.id)]
        )
        contracts = self.env["contract.contract"].search([("journal_id", "!=", False)])
        contract_journals = {contract: contract.journal_id for contract in contracts}
        contracts.write({"journal_id": False})
        journals.active = False
        return journals, contract_journals

    def restore_sale_journal(self, journals, contract_journals):
        journals.active = True
        for contract, journal in contract_journals.items():
            contract.journal_id = journal

    def test_a_failed_run_is_told_and_undone(self):
        run = self.run_to("data_checked")
        dates = self.contract_a.contract_line_ids.last_date_invoiced
        broken = self.without_sale_journal()
        with (
            freeze_time(RUN_TIME),
            # The failure is logged at ERROR level, as it should be in
            # production; here it is the expected outcome.
            mute_logger("odoo.addons.itsm_billing.models.itsm_billing_run_background"),
        ):
            action = self.as_user(run, "operator").action_run()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("journal", action["params"]["message"])
        # Nothing of the run's work stays (its one chunk undone); it failed.
        self.assertEqual(run.state, "failed")
        self.assertIn("journal", run.failure_message)
        self.assertFalse(run.move_ids)
        self.assertFalse(run.result_digest)
        Item = self.env["itsm.billing.item"]
        self.assertFalse(Item.search([("run_id", "=", run.id)]))
        self.assertEqual(self.contract_a.contract_line_ids.last_date_invoiced, dates)
        texts = self.texts(run, "Run failed")
        self.assertEqual(texts.partner_id, self.supervisor | self.manager)
        mail = self.mails(run, "Run failed")
        self.assertEqual(mail.recipient_ids, self.operator | self.colleague)
        self.assertEqual(mail.email_cc, self.manager.email)
        self.assertIn("journal", mail.body_html)
        self.assertFalse(self.texts(run, "Run finished"))
        # Once the cause is gone, the run is resumed.
        self.restore_sale_journal(*broken)
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_resume()
        self.assertEqual(run.state, "computed")
        self.assertFalse(run.failure_message)
        self.assertEqual(len(self.texts(run, "Run finished")), 2)

    def test_around_midnight_on_the_2nd(self):
        """Billing finished at 23:50 on the 1st: the success notice, and the
        ladder stays quiet; a run that fails at 00:10 on the 2nd: the failure
        notice, and the ladder tells of the breach."""
        # Settlement due on the 2nd too: both runs of the month are due at
        # 00:00 on the 2nd.
        self.env["ir.config_parameter"].set_param("itsm_billing.settlement_due_day", 2)
        done = self.run_to("data_checked")
        late = self.new_run(run_type="settlement")
        with freeze_time(utc(2026, 12, 1, 23, 50)):
            self.as_user(done, "operator").action_run()
            self.tick_all(done)
            self.as_user(done, "checker").action_sign()
            # The settlement settles the month's published billing.
            self.as_user(done, "billing_supervisor").action_review()
            self.as_user(done, "billing_supervisor").action_publish()
            self.as_user(late, "operator").action_check_data()
        self.assertEqual(len(self.texts(done, "Run finished")), 2)
        with (
            freeze_time(utc(2026, 12, 2, 0, 10)),
            mute_logger("odoo.addons.itsm_billing.models.itsm_billing_run_background"),
            # The billing run's invoices keep the journals from being
            # archived: here the settlement's end step (it has no bills to
            # make) fails by a patch.
            patch(
                f"{BACKGROUND}._itsm_run_finish",
                side_effect=ValidationError("The sale journal is archived."),
                autospec=True,
            ),
        ):
            self.as_user(late, "operator").action_run()
            self.env["itsm.deadline"]._cron_sweep()
        self.assertEqual(len(self.texts(late, "Run failed")), 2)
        self.assertEqual(len(self.mails(late, "Run failed")), 1)
        self.assertTrue(self.mails(late, "Billing run deadline"))
        self.assertFalse(self.mails(done, "Billing run deadline"))

    def test_the_operator_reports_an_anomaly_in_one_click(self):
        run = self.run_to("data_checked")
        with freeze_time(RUN_TIME):
            action = self.as_user(run, "operator").action_report_anomaly()
        self.assertIn("Anomaly reported to", action["params"]["message"])
        texts = self.texts(run, "Anomaly reported on")
        self.assertEqual(texts.partner_id, self.supervisor | self.manager)
        self.assertIn(self.billing["operator"].name, texts[0].body)
        mail = self.mails(run, "Anomaly reported")
        self.assertEqual(mail.recipient_ids, self.supervisor | self.manager)
        self.assertFalse(mail.email_cc)

    def test_anomaly_reports_refused_change_nothing(self):
        run = self.run_to("published")
        with self.assertRaisesRegex(UserError, "Reporting an anomaly is not possible"):
            self.as_user(run, "operator").action_report_anomaly()
        draft = self.new_run(run_type="settlement")
        with self.assertRaises(AccessError):
            draft.with_user(self.users["reporter"]).action_report_anomaly()
        self.assertFalse(self.texts(run, "Anomaly") | self.texts(draft, "Anomaly"))
        self.assertFalse(self.mails(run, "Anomaly") | self.mails(draft, "Anomaly"))

    def test_without_org_chart_the_billing_supervisors_are_told(self):
        # The checker, with no employee, runs: the billing supervisors get
        # the texts and, with no department known, the e-mail.
        self.billing["billing_supervisor"].partner_id.mobile = "+86 138 0000 0003"
        run = self.new_run(user=self.billing["checker"])
        with freeze_time(RUN_TIME):
            self.as_user(run, "checker").action_check_data()
            self.as_user(run, "checker").action_run()
        texts = self.texts(run, "Run finished")
        self.assertIn(self.billing["billing_supervisor"].partner_id, texts.partner_id)
        self.assertIn(
            self.billing["billing_supervisor"].partner_id,
            self.mails(run, "Run finished").recipient_ids,
        )
