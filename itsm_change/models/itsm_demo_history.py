# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ItsmDemoHistory(models.AbstractModel):
    """Demo requests decided by their approvers (issue 16): each step is
    approved or rejected with the approver's own button, as in the back
    office, so the trail, the stamps and the clocks are the real ones."""

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
