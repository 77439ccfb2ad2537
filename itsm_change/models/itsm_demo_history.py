# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ItsmDemoHistory(models.AbstractModel):
    """Demo requests decided by their approvers (issue 16): each step is
    approved or rejected with the approver's own button, as in the back
    office, so the trail, the stamps and the clocks are the real ones; then
    assessed, delivered through a change, fulfilled and confirmed by the
    desk's and the requester's own actions."""

    _inherit = "itsm.demo.history"

    @api.model
    def _itsm_demo_request_decide(self, decisions):
        """``decisions``: [(xmlid, "approve" | "reject")]. A request that no
        longer waits for approval (an update of the demo) is left alone."""
        for xmlid, action in decisions:
            request = self.env.ref(xmlid, raise_if_not_found=False)
            guard = 0
            while request and request.request_state == "to_approve" and guard < 10:
                guard += 1
                review = request.review_ids.filtered(
                    lambda review: review.status in ("pending", "waiting")
                ).sorted("sequence")[:1]
                approver = review.reviewer_ids[:1]
                if not approver:
                    break
                mine = request.with_user(approver)
                result = getattr(mine, f"action_request_{action}")()
                if isinstance(result, dict) and result.get("res_model") == (
                    "comment.wizard"
                ):
                    opinion = (
                        self.env._("Agreed.")
                        if action == "approve"
                        else self.env._("Not this quarter.")
                    )
                    self.env["comment.wizard"].with_user(approver).with_context(
                        **result["context"]
                    ).create({"comment": opinion}).add_comment()
                request.invalidate_recordset()

    @api.model
    def _itsm_demo_request_steps(self, steps):
        """``steps``: [(xmlid, step, values)], step one of "assess" (values:
        the assessment and its outcome), "raise_change", "fulfil" (values:
        the result, the requester's evaluation). A step already done (an
        update of the demo) is skipped."""
        agent = self.env.ref("itsm_incident.user_itsm_agent")
        for xmlid, step, values in steps:
            request = self.env.ref(xmlid, raise_if_not_found=False)
            if not request:
                continue
            desk = request.with_user(agent)
            if step == "assess" and not request.request_assessed_date:
                desk.write(
                    {
                        "request_assessment": values["assessment"],
                        "request_assessment_outcome": values.get(
                            "outcome", "implement"
                        ),
                    }
                )
                desk.action_request_assess()
            elif step == "raise_change" and not request.request_change_ids:
                desk.action_request_raise_change()
            elif step == "fulfil" and not request.stage_id.closed:
                if request.screening_state == "to_screen":
                    desk.action_screen_valid()
                if not request.acknowledged_date:
                    desk.action_acknowledge()
                # The handler's resolution record and verified fix, as the
                # resolver writes them.
                request.write(
                    {
                        "user_id": agent.id,
                        "fix_description": values["result"],
                        "verification_state": "passed",
                        "verification_result": values["result"],
                        "resolution_cause": values.get("cause", "-"),
                        "resolution_measures": values["result"],
                        "resolution_result": values["result"],
                        "resolution_prevention": "-",
                        "resolution_lessons": "-",
                    }
                )
                desk.action_resolve()
                requester = request.partner_id.user_ids[:1]
                # sudo: demo data acting as the requester, who confirms from
                # the portal (the portal controller confirms the same way,
                # after checking the requester's access token).
                request.with_user(requester).sudo()._itsm_reporter_confirm(
                    5, values.get("feedback"), evaluation=values.get("evaluation")
                )

    @api.model
    def _itsm_demo_change_checks(self, xmlids):
        """The business flows of these demo changes checked as working, by
        the administrator (a change manager), as in the review."""
        admin = self.env.ref("base.user_admin")
        for xmlid in xmlids:
            change = self.env.ref(xmlid, raise_if_not_found=False)
            if change and change.state == "review":
                change.check_ids.filtered(lambda check: not check.result).with_user(
                    admin
                ).write({"result": "ok", "note": "Checked after the change."})

    @api.model
    def _itsm_demo_plan_approve(self, xmlids):
        """Demo maintenance plans approved by the administrator (a change
        manager), with the plan's button."""
        admin = self.env.ref("base.user_admin")
        for xmlid in xmlids:
            plan = self.env.ref(xmlid, raise_if_not_found=False)
            if plan and plan.state == "draft":
                plan.with_user(admin).action_approve()
