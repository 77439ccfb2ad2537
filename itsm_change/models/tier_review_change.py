from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.itsm_incident.models.tier_validation import DECISION


# One concern a file (the request types' tiers are another).
# pylint: disable=consider-merging-classes-inherited
class TierReview(models.Model):
    """Changes are not approved by their requester (CHG-6, four eyes): the
    tiers that say so pass to the other reviewers, or, for a tier of the
    org chart (the department manager), to the requester's division leader
    when the requester is that manager. A CAB step decided in a CAB meeting
    names the meeting."""

    _inherit = "tier.review"

    itsm_cab_event_id = fields.Many2one(
        "calendar.event",
        string="CAB meeting",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The CAB meeting whose decision this is.",
    )

    def _get_reviewers(self):
        reviewers = super()._get_reviewers()
        if self.model != "itsm.change" or not self.definition_id.itsm_exclude_requester:
            return reviewers
        # sudo: the requester and the org chart name the approvers,
        # whoever asks for the approval.
        change = self.env["itsm.change"].sudo().browse(self.res_id)
        requester = change.requester_id
        if requester not in reviewers:
            return reviewers
        others = reviewers - requester
        if others or self.review_type != "field":
            return others
        return change.approval_division_leader_id - requester

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("itsm_cab_event_id") for vals in vals_list):
            self._itsm_check_meeting_write()
        return super().create(vals_list)

    def write(self, vals):
        if "itsm_cab_event_id" in vals:
            self._itsm_check_meeting_write()
        return super().write(vals)

    def _itsm_check_meeting_write(self):
        """The meeting of a decision is written with the decision only."""
        if not (self.env.su or self.env.context.get(DECISION)):
            raise AccessError(
                self.env._(
                    "The CAB meeting of a decision is recorded with the "
                    "meeting's decision, not written by hand."
                )
            )
