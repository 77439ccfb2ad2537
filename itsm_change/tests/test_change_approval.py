from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import WorkflowCase, utc
from .test_request import RefusedContext

ECAB = "itsm_change.group_itsm_change_emergency_cab"


class ApprovalCase(WorkflowCase):
    def refused(self, exception, text):
        return RefusedContext(self, exception, text)

    def submitted(self, day=25, **vals):
        change = self.make_change(
            utc(2026, 3, day, 1, 0), utc(2026, 3, day, 3, 0), **vals
        )
        change.action_submit()
        return change

    def steps(self, change):
        reviews = change.review_ids.sorted("sequence")
        return [(review.name, review.status) for review in reviews]

    def step(self, change, xmlid):
        definition = self.env.ref(f"itsm_change.{xmlid}")
        return change.review_ids.filtered(lambda r: r.definition_id == definition)

    def high_risk(self, change):
        change.with_user(self.users["change_manager"]).write(
            {"risk_override": "high", "risk_reason": "Month-end load."}
        )
        return change


class TestChangeApproval(ApprovalCase):
    """The approval of a change by tiers (CHG-6): the seeded tiers by type
    and risk, the requester never approving, approval refused while a step
    is open or after a rejection, the last step approving the change."""

    def test_normal_change_department_manager_then_cab(self):
        change = self.submitted()
        self.assertNotEqual(change.risk, "high")
        self.assertEqual(
            self.steps(change),
            [("Department manager", "pending"), ("Change manager / CAB", "waiting")],
        )
        self.assertEqual(
            self.step(change, "tier_change_department_manager").reviewer_ids,
            self.users["department_head"],
        )
        cab_step = self.step(change, "tier_change_cab")
        self.assertIn(self.users["cab"], cab_step.reviewer_ids)
        self.assertIn(self.users["change_manager"], cab_step.reviewer_ids)
        self.assertNotIn(self.users["reporter"], cab_step.reviewer_ids)
        self.validate(change, self.users["department_head"], "Needed by sales.")
        self.assertEqual(change.state, "submitted")
        self.assertEqual(change.next_review, "Next: Change manager / CAB")
        self.validate(change, self.users["cab"])
        # The last step's validation approved the change.
        self.assertEqual(change.state, "approved")
        self.assertEqual(change.validation_status, "validated")
        self.assertEqual(change.approved_by_id, self.users["cab"])
        self.assertEqual(
            self.step(change, "tier_change_department_manager").comment,
            "Needed by sales.",
        )

    def test_high_risk_adds_the_division_leader(self):
        change = self.high_risk(
            self.make_change(utc(2026, 3, 25, 1, 0), utc(2026, 3, 25, 3, 0))
        )
        change.action_submit()
        self.assertEqual(
            [name for name, _status in self.steps(change)],
            [
                "Department manager",
                "Change manager / CAB",
                "Division leader (high risk)",
            ],
        )
        self.assertEqual(
            self.step(change, "tier_change_division_leader").reviewer_ids,
            self.users["division_leader"],
        )
        self.validate(change, self.users["department_head"])
        self.validate(change, self.users["cab"])
        self.assertEqual(change.state, "submitted")
        # The division leader, no CAB member, approves through the last step.
        self.validate(change, self.users["division_leader"])
        self.assertEqual(change.state, "approved")
        self.assertEqual(change.approved_by_id, self.users["division_leader"])

    def test_raised_risk_adds_the_division_leader_while_waiting(self):
        change = self.submitted()
        self.validate(change, self.users["department_head"])
        self.high_risk(change)
        self.assertEqual(
            self.step(change, "tier_change_division_leader").reviewer_ids,
            self.users["division_leader"],
        )
        self.validate(change, self.users["cab"])
        self.assertEqual(change.state, "submitted")
        self.validate(change, self.users["division_leader"])
        self.assertEqual(change.state, "approved")

    def test_emergency_change_goes_to_the_emergency_cab(self):
        change = self.submitted(change_type="emergency")
        self.assertEqual(self.steps(change), [("Emergency CAB", "pending")])
        self.assertEqual(
            self.step(change, "tier_change_emergency_cab").reviewer_ids,
            self.env.ref(ECAB).users,
        )
        self.assertIn(self.users["ecab"], change.review_ids.reviewer_ids)
        self.assertNotIn(self.users["cab"], change.review_ids.reviewer_ids)
        self.assertFalse(change.with_user(self.users["cab"]).can_review)
        with self.refused(UserError, "waiting for: Emergency CAB"):
            change.with_user(self.users["cab"]).action_approve()
        self.validate(change, self.users["ecab"])
        self.assertEqual(change.state, "approved")
        self.assertEqual(change.approved_by_id, self.users["ecab"])

    def test_nobody_to_approve_refuses_the_submission(self):
        self.env.ref(ECAB).write({"users": [(5, 0, 0)]})
        change = self.make_change(
            utc(2026, 3, 25, 1, 0), utc(2026, 3, 25, 3, 0), change_type="emergency"
        )
        with self.refused(UserError, "Nobody can approve the step “Emergency CAB”"):
            change.action_submit()
        self.assertEqual(change.state, "draft")
        self.assertFalse(change.review_ids)

    def test_standard_change_of_an_approved_plan_skips_the_cab(self):
        plan = (
            self.env["itsm.maintenance.plan"]
            .with_user(self.users["change_manager"])
            .create(
                {
                    "name": "Monthly patching of the hotline",
                    "service_ids": [(6, 0, self.hotline.ids)],
                    "implementer_ids": [(6, 0, self.users["resolver"].ids)],
                    "next_start": utc(2026, 3, 26, 2, 0),
                    "duration_hours": 2,
                    "lead_days": 7,
                }
            )
        )
        plan.with_user(self.users["change_manager2"]).action_approve()
        change = plan.sudo()._itsm_generate_change()
        self.assertEqual((change.change_type, change.state), ("standard", "approved"))
        self.assertFalse(change.review_ids)
        self.assertFalse(change._itsm_change_tiers())
        # A standard change made by hand, from no approved template, is
        # approved as a normal one.
        by_hand = self.submitted(change_type="standard")
        self.assertEqual(len(by_hand.review_ids), 2)

    def test_approve_refused_while_steps_are_pending(self):
        change = self.submitted()
        cab = change.with_user(self.users["cab"])
        with self.refused(UserError, "waiting for: Department manager"):
            cab.action_approve()
        self.assertEqual(change.state, "submitted")
        self.assertFalse(change.approved_by_id)
        self.validate(change, self.users["department_head"])
        with self.refused(UserError, "waiting for: Change manager / CAB"):
            change.with_user(self.users["change_manager"]).action_approve()
        self.assertEqual(change.state, "submitted")
        self.assertEqual(self.step(change, "tier_change_cab").status, "pending")

    def test_a_reviewer_does_not_decide_before_their_turn(self):
        change = self.submitted()
        self.assertFalse(change.with_user(self.users["cab"]).can_review)
        with self.refused(UserError, "You are not the approver"):
            self.validate(change, self.users["cab"])
        with self.refused(UserError, "Next: Department manager"):
            self.reject(change, self.users["cab"])
        self.assertEqual(self.step(change, "tier_change_cab").status, "waiting")
        self.assertEqual(change.state, "submitted")

    def test_requester_never_approves_their_own_change(self):
        # A CAB member in the business department requests a change: the CAB
        # step is for the other members.
        self.env["hr.employee"].create(
            {
                "name": "cab",
                "user_id": self.users["cab"].id,
                "department_id": self.business.id,
            }
        )
        change = self.submitted(user="cab")
        cab_step = self.step(change, "tier_change_cab")
        self.assertNotIn(self.users["cab"], cab_step.reviewer_ids)
        self.assertIn(self.users["change_manager"], cab_step.reviewer_ids)
        self.validate(change, self.users["department_head"])
        self.assertFalse(change.with_user(self.users["cab"]).can_review)
        with self.refused(UserError, "You are not the approver"):
            self.validate(change, self.users["cab"])
        self.assertEqual(cab_step.status, "pending")
        with self.refused(UserError, "four eyes"):
            change.with_user(self.users["cab"]).action_approve()
        self.assertEqual(change.state, "submitted")
        self.validate(change, self.users["change_manager"])
        self.assertEqual(change.state, "approved")

    def test_department_manager_request_goes_to_the_division_leader(self):
        # The head of the business department requests a change.
        self.employees["department_head"].department_id = self.business
        change = self.submitted(user="department_head")
        self.assertEqual(
            self.step(change, "tier_change_department_manager").reviewer_ids,
            self.users["division_leader"],
        )

    def test_rejection(self):
        change = self.submitted()
        self.reject(change, self.users["department_head"], "Not this month.")
        self.assertEqual(change.validation_status, "rejected")
        self.assertFalse(change.with_user(self.users["cab"]).can_review)
        with self.refused(UserError, "rejected at the step “Department manager”"):
            change.with_user(self.users["cab"]).action_approve()
        self.assertEqual(change.state, "submitted")
        # Reworked and submitted again: the steps are asked anew.
        change.action_draft()
        self.assertEqual(change.state, "draft")
        self.assertFalse(change.with_user(self.users["cab"]).can_review)
        change.action_submit()
        self.assertEqual(
            self.steps(change),
            [("Department manager", "pending"), ("Change manager / CAB", "waiting")],
        )

    def test_decisions_are_not_written_by_hand(self):
        change = self.submitted()
        review = self.step(change, "tier_change_department_manager")
        with self.refused(AccessError, "not written by hand"):
            review.with_user(self.users["reporter"]).write({"status": "approved"})
        # Nor cancelled, which would stall the change, nor the next step
        # reopened early.
        with self.refused(AccessError, "not written by hand"):
            review.with_user(self.users["reporter"]).write({"status": "cancel"})
        self.assertEqual(review.status, "pending")
        meeting = self.env["calendar.event"].create(
            {
                "name": "CAB",
                "start": "2026-03-17 07:00:00",
                "stop": "2026-03-17 08:00:00",
            }
        )
        with self.refused(AccessError, "not written by hand"):
            review.with_user(self.users["cab"]).write({"itsm_cab_event_id": meeting.id})
        self.assertEqual(review.status, "pending")

    def test_changes_awaiting_me(self):
        change = self.submitted()
        # These changes only, whatever the demo data.
        awaiting = [
            ("state", "=", "submitted"),
            ("can_review", "=", True),
            ("id", "=", change.id),
        ]
        Change = self.env["itsm.change"]
        self.assertEqual(
            Change.with_user(self.users["department_head"]).search(awaiting), change
        )
        self.assertFalse(Change.with_user(self.users["cab"]).search(awaiting))
        self.validate(change, self.users["department_head"])
        self.assertFalse(
            Change.with_user(self.users["department_head"]).search(awaiting)
        )
        self.assertEqual(Change.with_user(self.users["cab"]).search(awaiting), change)


class TestCabMeeting(ApprovalCase):
    """CAB meetings (CHG-6) are calendar events: the agenda lists the
    changes waiting for the CAB; one CAB member who attended records the
    meeting's decision on each, which validates or rejects its CAB step
    (the step names the meeting)."""

    def setUp(self):
        super().setUp()
        self.first = self.submitted(name="Hotline upgrade")
        self.second = self.submitted(day=26, name="Hotline patch")
        self.early = self.submitted(day=27, name="Not yet assessed")
        for change in self.first | self.second:
            self.validate(change, self.users["department_head"])
        self.draft = self.make_change(name="Draft")
        self.meeting = (
            self.env["calendar.event"]
            .with_user(self.users["cab"])
            .create(
                {
                    "name": "Weekly CAB",
                    "itsm_cab_meeting": True,
                    "start": "2026-03-17 07:00:00",
                    "stop": "2026-03-17 08:00:00",
                    "partner_ids": [(6, 0, self.users["cab"].partner_id.ids)],
                }
            )
        )

    def decisions(self, user, **by_change):
        action = self.meeting.with_user(user).action_itsm_record_decisions()
        wizard = self.env[action["res_model"]].with_user(user).browse(action["res_id"])
        for line in wizard.line_ids:
            decision = by_change.get(line.change_id.name)
            if decision:
                line.write({"decision": decision[0], "comment": decision[1]})
        return wizard

    def test_agenda_lists_the_changes_awaiting_the_cab(self):
        self.meeting.with_user(self.users["cab"]).action_itsm_fill_agenda()
        # These changes only, whatever the demo data: not the draft.
        mine = self.first | self.second | self.early | self.draft
        self.assertEqual(
            self.meeting.itsm_change_ids & mine, self.first | self.second | self.early
        )
        with self.refused(AccessError, "Only a CAB member"):
            self.meeting.with_user(self.users["reporter"]).action_itsm_fill_agenda()

    def test_the_meeting_decides_each_change(self):
        self.meeting.with_user(self.users["cab"]).action_itsm_fill_agenda()
        wizard = self.decisions(
            self.users["cab"],
            **{
                "Hotline upgrade": ("approve", "Agreed, with the rollback tested."),
                "Hotline patch": ("reject", "Wait for the vendor's fix."),
            },
        )
        wizard.action_record()
        self.assertEqual(self.first.state, "approved")
        self.assertEqual(self.first.approved_by_id, self.users["cab"])
        cab_step = self.step(self.first, "tier_change_cab")
        self.assertEqual(cab_step.status, "approved")
        self.assertEqual(cab_step.itsm_cab_event_id, self.meeting)
        self.assertEqual(
            cab_step.comment, "Weekly CAB: Agreed, with the rollback tested."
        )
        self.assertEqual(self.first.cab_event_ids, self.meeting)
        self.assertEqual(self.second.validation_status, "rejected")
        self.assertEqual(self.second.state, "submitted")
        # Deferred: the change not yet assessed waits for the next meeting.
        self.assertEqual(self.step(self.early, "tier_change_cab").status, "waiting")

    def test_a_change_before_its_turn_is_refused_with_nothing_recorded(self):
        self.meeting.with_user(self.users["cab"]).action_itsm_fill_agenda()
        wizard = self.decisions(
            self.users["cab"],
            **{
                "Hotline upgrade": ("approve", "Agreed."),
                "Not yet assessed": ("approve", "Agreed."),
            },
        )
        with self.refused(UserError, "still waits for an earlier step"):
            wizard.action_record()
        self.assertEqual(self.first.state, "submitted")
        self.assertEqual(self.step(self.first, "tier_change_cab").status, "pending")

    def test_only_an_attendee_records_the_decisions(self):
        self.meeting.with_user(self.users["cab"]).action_itsm_fill_agenda()
        wizard = self.decisions(
            self.users["change_manager2"], **{"Hotline upgrade": ("approve", "Ok.")}
        )
        with self.refused(UserError, "Only an attendee"):
            wizard.action_record()
        self.assertEqual(self.first.state, "submitted")
        with self.refused(AccessError, "Only a CAB member"):
            self.meeting.with_user(
                self.users["department_head"]
            ).action_itsm_record_decisions()

    def test_a_decision_needs_the_meetings_comment(self):
        self.meeting.with_user(self.users["cab"]).action_itsm_fill_agenda()
        wizard = self.decisions(
            self.users["cab"], **{"Hotline upgrade": ("approve", False)}
        )
        with self.refused(UserError, "Give the meeting's comment"):
            wizard.action_record()
        self.assertEqual(self.first.state, "submitted")


@tagged("post_install", "-at_install")
class TestChangeApprovalTour(HttpCase, ApprovalCase):
    """On a phone, a CAB member opens the changes awaiting them, opens one
    and validates its CAB step, which approves it."""

    browser_size = "375x667"
    touch_enabled = True

    def test_cab_member_approves_on_a_phone(self):
        change = self.submitted(name="Tour change")
        self.validate(change, self.users["department_head"])
        # The browser runs on the real clock.
        self.frozen.stop()
        self.addCleanup(self.frozen.start)
        self.start_tour("/odoo", "itsm_change_cab_approve_phone", login="test_cab")
        change.invalidate_recordset()
        self.assertEqual(change.state, "approved")
        self.assertEqual(change.approved_by_id, self.users["cab"])
        self.assertEqual(
            self.step(change, "tier_change_cab").comment, "Agreed at the CAB."
        )
