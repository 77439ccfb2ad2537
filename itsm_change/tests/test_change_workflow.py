from odoo.exceptions import AccessError, UserError, ValidationError

from .common import NOW, WorkflowCase, utc


class TestChangeWorkflow(WorkflowCase):
    """A change from request to closure (CHG-1, CHG-3, CHG-9): numbers,
    the steps and who may take them, the test gate."""

    def test_number_per_company(self):
        first = self.make_change()
        second = self.make_change()
        self.assertRegex(first.number, r"^CHG\d{5}$")
        self.assertEqual(int(second.number[3:]), int(first.number[3:]) + 1)
        other = self.env["res.company"].create({"name": "Other Bank"})
        foreign = (
            self.env["itsm.change"]
            .with_company(other)
            .create({"name": "Elsewhere", "company_id": other.id})
        )
        self.assertEqual(foreign.number, "CHG00001")
        self.assertEqual(foreign.display_name, "[CHG00001] Elsewhere")

    def test_state_only_through_buttons(self):
        change = self.make_change()
        with self.assertRaises(UserError):
            change.write({"state": "approved"})
        with self.assertRaises(UserError):
            self.env["itsm.change"].create({"name": "x", "state": "closed"})
        self.assertEqual(change.state, "draft")

    def test_requester_is_the_creator(self):
        change = self.make_change(requester_id=self.users["cab"].id)
        self.assertEqual(change.requester_id, self.users["reporter"])

    def test_dependants_shown_as_affected(self):
        change = self.make_change(services=self.crm)
        self.assertEqual(
            change.affected_service_ids,
            self.billing_service | self.settlement_service | self.hotline | self.dwh,
        )

    def test_submission_needs_plan_and_schedule(self):
        change = self.make_change(rollback_plan=False)
        with self.assertRaisesRegex(UserError, "Rollback Plan"):
            change.action_submit()
        self.assertEqual(change.state, "draft")

    def test_planned_end_after_start(self):
        change = self.make_change()
        with self.assertRaises(ValidationError):
            change.write(
                {
                    "planned_start": utc(2026, 3, 25, 3, 0),
                    "planned_end": utc(2026, 3, 25, 1, 0),
                }
            )

    def test_full_flow(self):
        change = self.approved_change()
        self.assertEqual(change.state, "approved")
        self.assertEqual(change.approved_by_id, self.users["cab"])
        implementer = change.with_user(self.users["resolver"])
        implementer.action_start_testing()
        self.assertEqual(change.state, "testing")
        self.assertEqual(change.confirmation_ids.department_id, self.business | self.it)
        implementer.test_result = "<p>Orders and bills checked in test.</p>"
        implementer.action_record_test()
        lines = change.confirmation_ids
        business = lines.filtered(lambda line: line.department_id == self.business)
        it = lines - business
        business.with_user(self.users["department_head"]).action_confirm()
        it.with_user(self.users["other_reporter"]).action_confirm()
        implementer.action_implement()
        self.assertEqual(change.state, "implementing")
        self.assertEqual(change.actual_start, NOW)
        implementer.action_finish()
        self.assertEqual(change.state, "review")
        # The hotline's business flows, checked one by one (CHG-9).
        self.assertEqual(len(change.check_ids), 2)
        change.check_ids.with_user(self.users["resolver"]).write({"result": "ok"})
        change.with_user(self.users["change_manager"]).action_close()
        self.assertEqual((change.state, change.result), ("closed", "successful"))

    def test_requester_does_not_approve_own_change(self):
        # A change manager of the business department requests a change.
        self.env["hr.employee"].create(
            {
                "name": "change_manager",
                "user_id": self.users["change_manager"].id,
                "department_id": self.business.id,
            }
        )
        change = self.make_change(
            utc(2026, 3, 25, 1, 0), utc(2026, 3, 25, 3, 0), user="change_manager"
        )
        change.action_submit()
        with self.assertRaisesRegex(UserError, "four eyes"):
            change.action_approve()
        self.assertEqual(change.state, "submitted")

    def test_reporter_does_not_approve(self):
        change = self.make_change(utc(2026, 3, 25, 1, 0), utc(2026, 3, 25, 3, 0))
        change.action_submit()
        with self.assertRaises(AccessError):
            change.with_user(self.users["other_reporter"]).action_approve()
        self.assertEqual(change.state, "submitted")

    def test_requester_edits_only_drafts(self):
        change = self.make_change(utc(2026, 3, 25, 1, 0), utc(2026, 3, 25, 3, 0))
        change.action_submit()
        with self.assertRaises(AccessError):
            change.write({"name": "Other title"})
        change.action_draft()
        change.write({"name": "Other title"})
        self.assertEqual(change.name, "Other title")

    def test_test_gate(self):
        change = self.approved_change()
        implementer = change.with_user(self.users["resolver"])
        implementer.action_start_testing()
        with self.assertRaisesRegex(UserError, "test environment is not recorded"):
            implementer.action_implement()
        with self.assertRaisesRegex(UserError, "Describe the verification"):
            implementer.action_record_test()
        implementer.test_result = "<p>Verified.</p>"
        implementer.action_record_test()
        with self.assertRaisesRegex(UserError, "not yet confirmed by Business, IT"):
            implementer.action_implement()
        business = change.confirmation_ids.filtered(
            lambda line: line.department_id == self.business
        )
        # Someone who does not speak for the department cannot confirm.
        with self.assertRaises(AccessError):
            business.with_user(self.users["other_reporter"]).action_confirm()
        self.assertFalse(business.confirmed)
        business.with_user(self.users["department_head"]).action_confirm()
        with self.assertRaisesRegex(UserError, "not yet confirmed by IT"):
            implementer.action_implement()
        self.assertEqual(change.state, "testing")
        self.assertFalse(change.actual_start)

    def test_confirmation_lines_made_by_the_change_only(self):
        change = self.approved_change()
        with self.assertRaises(AccessError):
            self.env["itsm.change.confirmation"].with_user(
                self.users["change_manager"]
            ).create({"change_id": change.id, "department_id": self.business.id})

    def test_failed_change_records_rollback(self):
        change = self.approved_change(department_ids=False)
        implementer = change.with_user(self.users["resolver"])
        implementer.action_start_testing()
        implementer.test_result = "<p>Verified.</p>"
        implementer.action_record_test()
        implementer.action_implement()
        implementer.action_finish()
        manager = change.with_user(self.users["change_manager"])
        with self.assertRaisesRegex(UserError, "record its rollback"):
            manager.action_close_failed()
        self.assertEqual(change.state, "review")
        implementer.write(
            {
                "rollback_done": True,
                "rollback_date": utc(2026, 3, 25, 2, 30),
                "rollback_result": "Snapshot restored, service back at 02:40.",
            }
        )
        manager.action_close_failed()
        self.assertEqual((change.state, change.result), ("closed", "failed"))

    def test_schedule_fixed_once_implementing(self):
        change = self.approved_change(department_ids=False)
        implementer = change.with_user(self.users["resolver"])
        implementer.action_start_testing()
        implementer.test_result = "<p>Verified.</p>"
        implementer.action_record_test()
        implementer.action_implement()
        with self.assertRaisesRegex(UserError, "fixed once its implementation"):
            change.with_user(self.users["change_manager"]).planned_end = utc(
                2026, 3, 25, 5, 0
            )
        self.assertEqual(change.planned_end, utc(2026, 3, 25, 3, 0))

    def test_cancel(self):
        change = self.approved_change()
        with self.assertRaisesRegex(UserError, "Cancelling is not possible"):
            change.action_cancel()
        change.with_user(self.users["change_manager"]).action_cancel()
        self.assertEqual(change.state, "cancelled")
        with self.assertRaises(UserError):
            change.with_user(self.users["change_manager"]).unlink()

    def test_only_drafts_deleted(self):
        change = self.make_change()
        change.unlink()
        self.assertFalse(change.exists())
