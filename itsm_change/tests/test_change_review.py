from odoo.exceptions import AccessError, UserError

from .common import WorkflowCase
from .test_request import RefusedContext


class TestChangeReview(WorkflowCase):
    """Review and closure (CHG-9): the main business flows of the changed
    services are checked one by one after the implementation, by its
    implementers; a change closes as successful only when they all work,
    as failed with its rollback; a failed change opens the incident of what
    it broke; a problem raises the change of its permanent fix."""

    def refused(self, exception, text):
        return RefusedContext(self, exception, text)

    def test_the_flows_are_checked_after_the_implementation(self):
        change = self.implemented_change()
        self.assertFalse(change.check_ids, "not before the implementation ends")
        change.with_user(self.users["resolver"]).action_finish()
        self.assertEqual(
            change.check_ids.mapped("name"),
            ["Calls reach their queue", "Calls are recorded"],
        )
        manager = change.with_user(self.users["change_manager"])
        with self.refused(UserError, "check the business flows first"):
            manager.action_close()
        first, second = change.check_ids
        # Not an implementer: refused, nothing written.
        with self.refused(AccessError, "only a change manager or one of its"):
            first.with_user(self.users["other_reporter"]).result = "ok"
        self.assertFalse(first.result)
        first.with_user(self.users["resolver"]).result = "ok"
        self.assertEqual(first.checked_by_id, self.users["resolver"])
        second.with_user(self.users["resolver"]).write(
            {"result": "failed", "note": "Calls are not recorded since 2:10."}
        )
        with self.refused(UserError, "Calls are recorded does not work"):
            manager.action_close()
        self.assertEqual(change.state, "review")
        # Failed: the rollback first, then the incident of what it broke.
        with self.refused(UserError, "record its rollback first"):
            manager.action_close_failed()
        manager.write(
            {"rollback_done": True, "rollback_result": "Restored the old menu."}
        )
        manager.action_close_failed()
        self.assertEqual((change.state, change.result), ("closed", "failed"))
        with self.refused(UserError, "after its implementation, while it is in"):
            second.with_user(self.users["resolver"]).result = "ok"
        action = manager.action_open_incident()
        incident = self.env["helpdesk.ticket"].browse(action["res_id"])
        self.assertEqual(incident.declaration_type, "incident")
        self.assertEqual(incident.service_id, self.hotline)
        self.assertIn("Calls are not recorded since 2:10.", incident.description)
        self.assertIn("Restored the old menu.", incident.description)
        self.assertIn(incident, change.ticket_ids)
        self.assertEqual(change.incident_count, 1)

    def test_a_successful_change_opens_no_incident(self):
        change = self.implemented_change()
        change.with_user(self.users["resolver"]).action_finish()
        change.check_ids.with_user(self.users["resolver"]).write({"result": "ok"})
        change.with_user(self.users["change_manager"]).action_close()
        with self.refused(UserError, "did not fail"):
            change.action_open_incident()
        self.assertFalse(change.ticket_ids)

    def test_the_checks_come_from_the_services_only(self):
        change = self.implemented_change()
        with self.refused(UserError, "come from its services' business flows"):
            self.env["itsm.change.check"].with_user(self.users["resolver"]).create(
                {"change_id": change.id, "name": "Anything"}
            )

    def test_a_problem_raises_its_change(self):
        problem = self.env["itsm.problem"].create(
            {
                "name": "Calls dropped after 30 minutes",
                "service_id": self.hotline.id,
                "description": "<p>The switch's timeout.</p>",
            }
        )
        with self.refused(AccessError, "Only the people who handle problems"):
            problem.with_user(self.users["reporter"]).action_raise_change()
        action = problem.with_user(self.users["resolver"]).action_raise_change()
        change = self.env["itsm.change"].browse(action["res_id"])
        self.assertEqual(change.state, "draft")
        self.assertEqual(change.service_ids, self.hotline)
        self.assertEqual(change.problem_ids, problem)
        self.assertEqual(problem.change_ids, change)
