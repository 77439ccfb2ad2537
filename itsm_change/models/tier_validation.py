from odoo import models


class TierValidation(models.AbstractModel):
    """What the approvals of changes and of requests share: their steps
    follow the tier definitions while the record waits (the tiers that
    apply, ``_itsm_matching_tiers``, are itsm_incident's, shared with the
    billing runs)."""

    _inherit = "tier.validation"

    def _itsm_follow_tiers(self, matching):
        """Bring the record's steps in line with the tier definitions that
        apply to it now (``matching``): a tier that now applies is added
        after the others (its reviewers told), one that no longer applies
        is dropped if nobody decided it yet."""
        self.ensure_one()
        reviews = self.review_ids
        stale = reviews.filtered(
            lambda review: review.definition_id not in matching
            and review.status in ("waiting", "pending")
        )
        # sudo: a step whose condition no longer holds, not yet decided
        # (tier reviews are deleted by the system only).
        stale.sudo().unlink()
        sequence = max(reviews.mapped("sequence"), default=0)
        values = []
        for definition in matching - reviews.definition_id:
            sequence += 1
            values.append(self._prepare_tier_review_vals(definition, sequence))
        # sudo: the steps are the system's, made from the tier definitions.
        added = self.env["tier.review"].sudo().create(values)
        added._itsm_check_reviewers()
        self.review_ids._compute_can_review()
        if added:
            self._notify_review_requested(added)
