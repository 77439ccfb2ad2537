from freezegun import freeze_time

from odoo.exceptions import ValidationError

from .common import RUN_TIME, BillingCase, utc


class TestBillingDeadline(BillingCase):
    """BIL-5: a run's deadline — its results checked before 00:00 on the
    2nd (billing) or the 10th (settlement) of the next month, in Shanghai —
    is a tracked deadline on the escalation ladder: three quarters of the
    way and at the deadline, the operator's supervisor and department
    manager are told."""

    def clock(self, run):
        return self.env["itsm.deadline"].search(
            [("res_model", "=", run._name), ("res_id", "=", run.id)]
        )

    def notices(self, run):
        return self.env["mail.mail"].search(
            [("model", "=", run._name), ("res_id", "=", run.id)]
        )

    def sweep(self, at):
        with freeze_time(at):
            self.env["itsm.deadline"]._cron_sweep()

    def test_billing_due_before_the_2nd(self):
        run = self.new_run()
        clock = self.clock(run)
        self.assertEqual(clock.kind, "billing")
        self.assertEqual(clock.name, "Billing finished")
        self.assertEqual(clock.deadline, utc(2026, 12, 2, 0, 0))
        # 16 hours from 8:00 on the 1st: warned at 20:00.
        self.assertEqual(clock.warn_at, utc(2026, 12, 1, 20, 0))

    def test_settlement_due_before_the_10th_and_a_setting(self):
        self.assertEqual(
            self.clock(self.new_run(run_type="settlement")).deadline,
            utc(2026, 12, 10, 0, 0),
        )
        self.env["ir.config_parameter"].set_param("itsm_billing.billing_due_day", 3)
        self.assertEqual(self.clock(self.new_run()).deadline, utc(2026, 12, 3, 0, 0))

    def test_warning_and_breach_reach_supervisor_and_manager(self):
        run = self.new_run()
        supervisor = self.users["division_leader"].partner_id
        manager = self.users["department_head"].partner_id
        self.sweep(utc(2026, 12, 1, 19, 55))
        self.assertFalse(self.notices(run))
        self.sweep(utc(2026, 12, 1, 20, 5))
        warnings = self.notices(run)
        self.assertEqual(warnings.recipient_ids, supervisor | manager)
        self.sweep(utc(2026, 12, 1, 23, 55))
        self.assertEqual(self.notices(run), warnings)
        self.sweep(utc(2026, 12, 2, 0, 5))
        breaches = self.notices(run) - warnings
        self.assertEqual(breaches.recipient_ids, supervisor | manager)
        self.assertIn("Billing 2026-11 #1", breaches[0].subject)

    def test_who_may_not_read_billing_runs_is_not_told(self):
        """The ladder tells only those who may read the run (security review
        H1): a department manager outside the billing groups gets nothing,
        the supervisor still does."""
        self.users["department_head"].groups_id -= self.env.ref(
            "itsm_billing.group_itsm_billing_checker"
        ) | self.env.ref("itsm_billing.group_itsm_billing_operator")
        run = self.new_run()
        self.sweep(utc(2026, 12, 1, 20, 5))
        self.assertEqual(
            self.notices(run).recipient_ids, self.users["division_leader"].partner_id
        )

    def test_signed_in_time_is_met_and_quiet(self):
        run = self.new_run()
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_check_data()
            self.as_user(run, "operator").action_run()
            self.tick_all(run)
        with freeze_time(utc(2026, 12, 1, 18, 0)):
            self.as_user(run, "checker").action_sign()
        clock = self.clock(run)
        self.assertEqual(clock.state, "done")
        self.assertTrue(clock.met)
        # The end-of-run notice only; the ladder stays quiet.
        finished = self.notices(run)
        self.assertEqual(
            finished.mapped("subject"), ["Run finished: Billing 2026-11 #1"]
        )
        self.sweep(utc(2026, 12, 2, 0, 5))
        self.assertEqual(self.notices(run), finished)

    def test_the_itsm_manager_sets_the_due_days(self):
        Settings = self.env["res.config.settings"].with_user(self.users["manager"])
        Settings.create({"itsm_billing_due_day": 3}).execute()
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("itsm_billing.billing_due_day"),
            "3",
        )
        with self.assertRaisesRegex(ValidationError, "from 1 to 28"):
            Settings.create({"itsm_billing_due_day": 31}).execute()
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("itsm_billing.billing_due_day"),
            "3",
        )
