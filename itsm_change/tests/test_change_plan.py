from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from odoo.addons.itsm_incident.tests.common import utc

from .common import WorkflowCase
from .test_request import RefusedContext

# In the month of the tests' "now" (March 2026), in the change window.
MARCH_25 = (utc(2026, 3, 25, 1, 0), utc(2026, 3, 25, 3, 0))
MARCH_27 = (utc(2026, 3, 27, 1, 0), utc(2026, 3, 27, 3, 0))


class TestChangePlan(WorkflowCase):
    """The monthly change plan (CHG-2, S4 系统变更管理流程 1)–2)): agreed when
    the head of every business department of the plan confirmed it; an
    unplanned change of an agreed month is refused unless it is urgent,
    linked to its requirement request and brought in by an agreed plan
    adjustment, which supersedes the former revision."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.users["finance_head"] = new_test_user(
            env,
            login="test_finance_head",
            groups="itsm_incident.group_itsm_department_head",
        )
        cls.finance = env["hr.department"].create(
            {
                "name": "Finance",
                "manager_id": env["hr.employee"]
                .create(
                    {"name": "finance_head", "user_id": cls.users["finance_head"].id}
                )
                .id,
            }
        )
        cls.requirement = env["helpdesk.ticket"].create(
            {
                "name": "Daily order report",
                "description": "A daily order report for the sales team.",
                "partner_id": cls.users["reporter"].partner_id.id,
                "request_type_id": env.ref("itsm_change.request_type_requirement").id,
                "service_id": cls.crm.id,
                "request_scope": "The daily order report.",
            }
        )

    def refused(self, exception, text):
        return RefusedContext(self, exception, text)

    def change_in_march(self, slot=MARCH_25, **vals):
        vals.setdefault("department_ids", [(6, 0, (self.business | self.finance).ids)])
        return self.make_change(*slot, **vals)

    def new_plan(self, **vals):
        return (
            self.env["itsm.change.plan"]
            .with_user(self.users["change_manager"])
            .create({"date_start": "2026-03-10", **vals})
        )

    def agreed_plan(self, changes):
        """March's plan with ``changes``, proposed, sent and confirmed by
        both heads."""
        plan = self.new_plan()
        plan.action_propose_changes()
        plan.change_ids = [(6, 0, changes.ids)]
        plan.action_send()
        self.confirm(plan)
        return plan

    def confirm(self, plan, heads=("department_head", "finance_head")):
        for head in heads:
            plan.with_user(self.users[head]).action_confirm()
        plan.invalidate_recordset()

    def test_a_plan_confirmed_by_every_department_head_is_agreed(self):
        change = self.change_in_march()
        april = self.make_change(utc(2026, 4, 2, 1, 0), utc(2026, 4, 2, 3, 0))
        plan = self.new_plan()
        self.assertEqual(plan.date_start.isoformat(), "2026-03-01")
        self.assertEqual(plan.display_name, "Change plan 2026-03 (rev. 1)")
        plan.action_propose_changes()
        self.assertEqual(plan.change_ids, change, "March's changes, not April's")
        self.assertNotIn(april, plan.change_ids)
        self.assertEqual(plan.department_ids, self.business | self.finance)
        plan.action_send()
        self.assertEqual(plan.state, "confirming")
        reviews = plan.review_ids
        self.assertEqual(len(reviews), 2, "one review per department")
        self.assertEqual(
            {(r.itsm_department_id, r.reviewer_ids) for r in reviews},
            {
                (self.business, self.users["department_head"]),
                (self.finance, self.users["finance_head"]),
            },
        )
        self.assertIn("Finance: ", " ".join(reviews.mapped("todo_by")))
        plan.with_user(self.users["department_head"]).action_confirm()
        self.assertEqual(plan.state, "confirming", "Finance has not confirmed yet")
        self.assertEqual(
            reviews.filtered(lambda r: r.itsm_department_id == self.finance).status,
            "pending",
        )
        self.assertFalse(change.plan_id)
        plan.with_user(self.users["finance_head"]).action_confirm()
        self.assertEqual(plan.state, "agreed")
        self.assertEqual(plan.agreed_date, utc(2026, 3, 16, 10, 0))
        self.assertEqual(change.plan_id, plan)
        self.assertTrue(change.is_planned)
        # Agreed is agreed: changed only through an adjustment.
        with self.refused(UserError, "adjust it for a new revision"):
            plan.with_user(self.users["change_manager"]).change_ids = [(5,)]
        self.assertEqual(plan.change_ids, change)

    def test_the_head_of_another_department_cannot_confirm(self):
        change = self.change_in_march(department_ids=[(6, 0, self.business.ids)])
        plan = self.new_plan()
        plan.action_propose_changes()
        self.assertEqual(plan.department_ids, self.business)
        plan.action_send()
        review = plan.review_ids
        for user in ("finance_head", "reporter", "change_manager"):
            with self.refused(AccessError, "is confirmed by Business: "):
                plan.with_user(self.users[user]).action_confirm()
        self.assertEqual(review.status, "pending")
        self.assertFalse(review.done_by)
        self.assertEqual(plan.state, "confirming")
        # Reviews are given by the buttons only.
        with self.refused(AccessError, "not written by hand"):
            review.with_user(self.users["finance_head"]).status = "approved"
        self.assertEqual(review.status, "pending")
        self.confirm(plan, heads=("department_head",))
        self.assertEqual(plan.state, "agreed")
        self.assertEqual(change.plan_id, plan)

    def test_a_rejected_plan_is_reworked_and_sent_again(self):
        self.change_in_march()
        plan = self.new_plan()
        plan.action_propose_changes()
        plan.action_send()
        plan.with_user(self.users["finance_head"]).action_reject()
        self.assertEqual(plan.validation_status, "rejected")
        self.assertEqual(plan.state, "confirming")
        with self.refused(UserError, "no longer a draft"):
            plan.with_user(self.users["change_manager"]).note = "<p>Other</p>"
        with self.refused(AccessError, "only a change manager"):
            plan.with_user(self.users["department_head"]).action_draft()
        plan.action_draft()
        self.assertEqual(plan.state, "draft")
        self.assertFalse(plan.review_ids)
        plan.action_send()
        self.confirm(plan)
        self.assertEqual(plan.state, "agreed")

    def test_a_plan_is_sent_with_its_departments_and_its_months_changes(self):
        plan = self.new_plan()
        with self.refused(UserError, "name the business departments"):
            plan.action_send()
        headless = self.env["hr.department"].create({"name": "Nobody's"})
        april = self.make_change(utc(2026, 4, 2, 1, 0), utc(2026, 4, 2, 3, 0))
        plan.write(
            {
                "department_ids": [(6, 0, headless.ids)],
                "change_ids": [(6, 0, april.ids)],
            }
        )
        with self.refused(UserError, "give Nobody's a manager"):
            plan.action_send()
        with self.refused(UserError, "not planned to start in 2026-03"):
            plan.action_send()
        self.assertEqual(plan.state, "draft")
        self.assertFalse(plan.review_ids)
        with self.refused(AccessError, "only a change manager"):
            plan.with_user(self.users["cab"]).action_send()

    def test_an_unplanned_normal_change_is_refused(self):
        planned = self.change_in_march()
        plan = self.agreed_plan(planned)
        unplanned = self.change_in_march(slot=MARCH_27)
        self.assertEqual(
            unplanned.plan_note, "Not in the agreed change plan of 2026-03."
        )
        with self.refused(UserError, "is not in the agreed change plan of 2026-03"):
            unplanned.action_submit()
        self.assertEqual(unplanned.state, "draft")
        self.assertFalse(unplanned.submitted_date)
        planned.action_submit()
        self.assertEqual(planned.state, "submitted")
        self.assertEqual(planned.plan_id, plan)
        # A standard change (pre-approved routine work) is outside the rule.
        standard = self.change_in_march(slot=MARCH_27, change_type="standard")
        standard.action_submit()
        self.assertEqual(standard.state, "submitted")

    def test_months_without_an_agreed_plan_follow_the_setting(self):
        change = self.change_in_march()
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("itsm_change.require_plan", "True")
        draft_plan = self.new_plan()
        draft_plan.change_ids = change
        with self.refused(UserError, "the change plan of 2026-03 is not agreed yet"):
            change.action_submit()
        self.assertEqual(change.state, "draft")
        params.set_param("itsm_change.require_plan", "False")
        change.action_submit()
        self.assertEqual(change.state, "submitted")
        self.assertFalse(change.is_planned)

    def test_an_urgent_change_comes_in_through_an_agreed_adjustment(self):
        plan = self.agreed_plan(self.change_in_march())
        urgent = self.change_in_march(slot=MARCH_27)
        manager = urgent.with_user(self.users["change_manager"])
        # Not urgent, no requirement request: no adjustment.
        with self.refused(UserError, "mark it urgent and important; link the"):
            urgent.action_submit()
        with self.refused(UserError, "mark it urgent and important; link the"):
            manager.action_request_plan_adjustment()
        urgent.urgent = True
        with self.refused(UserError, "link the requirement request"):
            urgent.action_submit()
        urgent.requirement_id = self.requirement
        with self.refused(UserError, "have a plan adjustment containing it agreed"):
            urgent.action_submit()
        with self.refused(AccessError, "Only a change manager adjusts"):
            urgent.action_request_plan_adjustment()
        self.assertFalse(
            self.env["itsm.change.plan"].search([("previous_id", "=", plan.id)])
        )
        action = manager.action_request_plan_adjustment()
        adjustment = self.env["itsm.change.plan"].browse(action["res_id"])
        self.assertEqual(adjustment.display_name, "Change plan 2026-03 (rev. 2)")
        self.assertEqual(adjustment.previous_id, plan)
        self.assertEqual(adjustment.requirement_id, self.requirement)
        self.assertEqual(adjustment.urgent_change_id, urgent)
        self.assertEqual(adjustment.change_ids, plan.change_ids | urgent)
        self.assertEqual(adjustment.added_change_ids, urgent)
        self.assertEqual(adjustment.state, "draft")
        self.assertEqual(plan.revision_ids, plan | adjustment)
        # Asked again: the same open adjustment.
        self.assertEqual(
            plan.with_user(self.users["change_manager"])._itsm_adjust(), adjustment
        )
        # Until the adjustment is agreed, the old revision holds.
        with self.refused(UserError, "have a plan adjustment containing it agreed"):
            urgent.action_submit()
        adjustment.action_send()
        with self.refused(UserError, "is being confirmed"):
            plan.with_user(self.users["change_manager"]).action_adjust()
        self.confirm(adjustment)
        self.assertEqual(adjustment.state, "agreed")
        plan.invalidate_recordset()
        self.assertEqual(plan.state, "superseded", "the old revision stays as history")
        self.assertEqual(urgent.plan_id, adjustment)
        self.assertEqual(
            plan.change_ids - adjustment.change_ids, self.env["itsm.change"]
        )
        urgent.action_submit()
        self.assertEqual(urgent.state, "submitted")
        # A superseded revision is history: no second adjustment from it.
        with self.refused(UserError, "it is Superseded"):
            plan.with_user(self.users["change_manager"]).action_adjust()

    def test_an_adjustment_brings_in_urgent_changes_with_their_requirement(self):
        plan = self.agreed_plan(self.change_in_march())
        action = plan.with_user(self.users["change_manager"]).action_adjust()
        adjustment = self.env["itsm.change.plan"].browse(action["res_id"])
        normal = self.change_in_march(slot=MARCH_27)
        adjustment.change_ids = [(4, normal.id)]
        with self.refused(
            UserError,
            "link the requirement request (需求申请) that asks for the adjustment",
        ):
            adjustment.action_send()
        adjustment.requirement_id = self.requirement
        with self.refused(
            UserError,
            "changes linked to their requirement request only; not",
        ):
            adjustment.action_send()
        self.assertEqual(adjustment.state, "draft")
        normal.write(
            {"change_type": "emergency", "requirement_id": self.requirement.id}
        )
        adjustment.action_send()
        self.assertEqual(adjustment.state, "confirming")
        self.assertEqual(plan.state, "agreed", "until the adjustment is agreed")

    def test_one_plan_a_month_and_company(self):
        plan = self.new_plan()
        with self.refused(UserError, "already has a change plan for 2026-03"):
            self.new_plan(date_start="2026-03-31")
        with self.refused(UserError, "starts as a draft of revision 1"):
            self.new_plan(date_start="2026-05-01", revision=2)
        with self.refused(UserError, "through its buttons only"):
            plan.with_user(self.users["change_manager"]).state = "agreed"
        self.assertEqual(plan.state, "draft")
        april = self.new_plan(date_start="2026-04-15")
        self.assertEqual(april.month, "2026-04")
        with self.refused(UserError, "already has a change plan for 2026-03"):
            april.date_start = "2026-03-02"
        other = self.env["res.company"].create({"name": "Other Bank"})
        self.users["change_manager"].company_ids |= other
        other_plan = (
            self.env["itsm.change.plan"]
            .with_user(self.users["change_manager"])
            .with_company(other)
            .create({"date_start": "2026-03-01", "company_id": other.id})
        )
        self.assertEqual(other_plan.month, "2026-03")
        # Only the change manager makes plans; ITSM users read them.
        with self.assertRaises(AccessError):
            self.env["itsm.change.plan"].with_user(
                self.users["department_head"]
            ).create({"date_start": "2026-06-01"})
        self.assertEqual(
            plan.with_user(self.users["reporter"]).display_name,
            "Change plan 2026-03 (rev. 1)",
        )

    def test_a_change_raised_from_a_requirement_links_it(self):
        action = self.env["itsm.change"]._itsm_raise_for(
            self.requirement,
            {"name": "Daily order report", "ticket_ids": [(4, self.requirement.id)]},
        )
        change = self.env["itsm.change"].browse(action["res_id"])
        self.assertEqual(change.requirement_id, self.requirement)
        problem = self.env["itsm.problem"].create({"name": "Slow reports"})
        action = self.env["itsm.change"]._itsm_raise_for(
            problem, {"name": "Faster reports"}
        )
        self.assertFalse(
            self.env["itsm.change"].browse(action["res_id"]).requirement_id
        )
