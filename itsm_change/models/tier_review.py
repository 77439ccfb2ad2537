from odoo import models
from odoo.exceptions import UserError


class TierReview(models.Model):
    """Requests are not approved by their requester (CHG-10: four eyes):
    the tiers that say so pass to the requester's division leader when the
    requester would be the reviewer."""

    _inherit = "tier.review"

    def _get_reviewers(self):
        reviewers = super()._get_reviewers()
        if (
            self.model != "helpdesk.ticket"
            or not self.definition_id.itsm_exclude_requester
        ):
            return reviewers
        # sudo: the org chart names the approvers (see the ticket's
        # _compute_request_people).
        ticket = self.env["helpdesk.ticket"].sudo().browse(self.res_id)
        requester = ticket.request_requester_id
        if requester not in reviewers:
            return reviewers
        others = reviewers - requester
        return others or (ticket.request_division_leader_id - requester)

    def _itsm_check_reviewers(self):
        """Every tier has someone to approve it (else a clear error, nothing
        filed)."""
        for review in self:
            if not review.reviewer_ids:
                raise UserError(
                    self.env._(
                        "Nobody can approve the step “%(step)s”: give the "
                        "department concerned a manager in Employees, or the "
                        "tier its reviewers (ITSM › Configuration › Request "
                        "Types).",
                        step=review.name or review.definition_id.name,
                    )
                )
