from odoo import api, models
from odoo.exceptions import AccessError

from .tier_validation import DECISION

# What records a decision: written by the reviewer's approval or rejection
# only (base_tier_validation lets every employee write tier reviews).
DECISION_FIELDS = frozenset(
    {"status", "done_by", "reviewed_date", "definition_id", "reviewer_id", "res_id"}
)
DECIDED = ("approved", "rejected")


class TierReview(models.Model):
    """The reviews of the suite's records (tickets, ``itsm.*``) are decided
    only by their reviewers' actions: a plain ``write`` of an approval, a
    review created already approved, cancelled or reopened by hand, or
    deleted to skip a step is refused, below the UI (RPC included)."""

    _inherit = "tier.review"

    @api.model
    def _itsm_guarded(self, model):
        return model == "helpdesk.ticket" or (model or "").startswith("itsm.")

    def _itsm_check_decision(self, vals):
        if self.env.su or self.env.context.get(DECISION):
            return
        touched = DECISION_FIELDS & set(vals)
        if not touched:
            return
        if (
            touched == {"status"}
            and vals["status"] == "pending"
            and all(review.status in ("waiting", "pending") for review in self)
        ):
            return  # a step's turn coming (waiting → pending)
        raise AccessError(
            self.env._(
                "Approvals are given or refused by their approvers with the "
                "Approve and Reject buttons, not written by hand."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if self._itsm_guarded(vals.get("model")) and vals.get("status") in DECIDED:
                self._itsm_check_decision(vals)
        return super().create(vals_list)

    def write(self, vals):
        if any(self._itsm_guarded(model) for model in set(self.mapped("model"))):
            self._itsm_check_decision(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_itsm_decision(self):
        guarded = self.filtered(lambda review: self._itsm_guarded(review.model))
        if guarded and not (self.env.su or self.env.context.get(DECISION)):
            raise AccessError(
                self.env._("The steps of an approval are not deleted by hand.")
            )
