from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError

from .common import WorkflowCase, utc
from .test_request import RefusedContext

# Thursday 26 March 2026, 02:00 in Shanghai.
FIRST = utc(2026, 3, 25, 18, 0)


class TestMaintenancePlans(WorkflowCase):
    """Periodic maintenance (CHG-11, S3 §2): a plan approved once by another
    change manager prepares the standard change of each occurrence ahead of
    it, approved on the plan's authority; a schedule the rules refuse is not
    prepared and the plan says why; the change closes with the effect of
    the maintenance."""

    def refused(self, exception, text):
        return RefusedContext(self, exception, text)

    def make_plan(self, **vals):
        return (
            self.env["itsm.maintenance.plan"]
            .with_user(self.users["change_manager"])
            .create(
                {
                    "name": "Monthly patching of the hotline",
                    "service_ids": [(6, 0, self.hotline.ids)],
                    "description": "<p>OS patches of the switch servers.</p>",
                    "implementer_ids": [(6, 0, self.users["resolver"].ids)],
                    "next_start": FIRST,
                    "duration_hours": 2,
                    "lead_days": 7,
                    **vals,
                }
            )
        )

    def generate(self, at):
        with freeze_time(at):
            return self.env["itsm.maintenance.plan"].sudo()._cron_generate_changes()

    def test_an_approved_plan_prepares_each_occurrence_once(self):
        plan = self.make_plan()
        with self.refused(UserError, "someone other than its author"):
            plan.action_approve()
        with self.refused(AccessError, "Only a change manager"):
            plan.with_user(self.users["cab"]).action_approve()
        self.generate(utc(2026, 3, 20, 0, 0))
        self.assertFalse(plan.change_ids, "a draft plan prepares nothing")
        plan.with_user(self.users["change_manager2"]).action_approve()
        self.assertEqual(plan.approved_by_id, self.users["change_manager2"])
        # Seven days ahead, not before.
        self.generate(utc(2026, 3, 18, 17, 0))
        self.assertFalse(plan.change_ids)
        self.generate(utc(2026, 3, 18, 18, 0))
        change = plan.change_ids
        self.assertEqual(len(change), 1)
        self.assertEqual((change.change_type, change.state), ("standard", "approved"))
        self.assertEqual(change.approved_by_id, self.users["change_manager2"])
        self.assertEqual(change.requester_id, self.users["change_manager"])
        self.assertEqual(
            (change.planned_start, change.planned_end),
            (FIRST, utc(2026, 3, 25, 20, 0)),
        )
        self.assertEqual(change.implementer_ids, self.users["resolver"])
        self.assertEqual(
            change._itsm_deadline_clocks(["change_notice"]).state,
            "running",
            "its notice to the users is due (CHG-7)",
        )
        self.assertEqual(plan.next_start, utc(2026, 4, 25, 18, 0), "a month on")
        self.generate(utc(2026, 3, 19, 0, 0))
        self.assertEqual(len(plan.change_ids), 1, "once per occurrence")

    def test_a_refused_schedule_is_not_prepared_and_the_plan_says_why(self):
        self.env["itsm.change.freeze"].create(
            {
                "name": "Quarter closing",
                "recurrence": "once",
                "date_from": utc(2026, 3, 25, 0, 0),
                "date_to": utc(2026, 3, 27, 0, 0),
            }
        )
        plan = self.make_plan()
        plan.with_user(self.users["change_manager2"]).action_approve()
        self.generate(utc(2026, 3, 18, 18, 0))
        self.assertFalse(plan.change_ids)
        self.assertIn("Quarter closing", plan.message_ids[0].body)
        self.assertEqual(plan.next_start, utc(2026, 4, 25, 18, 0), "the next one")

    def test_missed_occurrences_are_not_prepared_late(self):
        plan = self.make_plan(interval_type="weeks")
        plan.with_user(self.users["change_manager2"]).action_approve()
        self.generate(utc(2026, 4, 10, 0, 0))
        self.assertEqual(
            plan.change_ids.planned_start,
            utc(2026, 4, 15, 18, 0),
            "the next occurrence within the seven days, none in the past",
        )

    def test_an_approved_plan_is_reworked_in_draft(self):
        plan = self.make_plan()
        plan.with_user(self.users["change_manager2"]).action_approve()
        with self.refused(UserError, "only after going back to draft"):
            plan.with_user(self.users["change_manager"]).duration_hours = 5
        plan.with_user(self.users["change_manager"]).action_draft()
        plan.with_user(self.users["change_manager"]).duration_hours = 5
        self.assertEqual((plan.state, plan.duration_hours), ("draft", 5))

    def test_the_change_closes_with_the_effect_of_the_maintenance(self):
        plan = self.make_plan()
        plan.with_user(self.users["change_manager2"]).action_approve()
        self.generate(utc(2026, 3, 18, 18, 0))
        change = plan.change_ids
        with self.refused(UserError, "when the plan prepares it"):
            self.make_change().maintenance_plan_id = plan
        implementer = change.with_user(self.users["resolver"])
        with freeze_time(utc(2026, 3, 25, 18, 5)):
            implementer.action_start_testing()
            implementer.test_result = "<p>Patches applied in test.</p>"
            implementer.action_record_test()
            implementer.action_implement()
            implementer.action_finish()
        change.check_ids.with_user(self.users["resolver"]).write({"result": "ok"})
        manager = change.with_user(self.users["change_manager"])
        with self.refused(UserError, "write the effect of the maintenance"):
            manager.action_close()
        manager.maintenance_evaluation = "<p>No more memory alarms.</p>"
        manager.action_close()
        self.assertEqual((change.state, change.result), ("closed", "successful"))
