from odoo import models

# The context key under which tier.validation records its decisions.
DECISION = "itsm_tier_decision"


class TierValidation(models.AbstractModel):
    """The decisions of a tier (approve, reject) are taken through
    tier.validation's own methods, which check that the user is the tier's
    reviewer; they mark the reviews they write so that ``tier.review``
    refuses the same write from anyone else (tier_review.py)."""

    _inherit = "tier.validation"

    def _validate_tier(self, tiers=False):
        if tiers:
            tiers = tiers.with_context(**{DECISION: True})
        return super(
            TierValidation, self.with_context(**{DECISION: True})
        )._validate_tier(tiers)

    def _rejected_tier(self, tiers=False):
        if tiers:
            tiers = tiers.with_context(**{DECISION: True})
        return super(
            TierValidation, self.with_context(**{DECISION: True})
        )._rejected_tier(tiers)

    def _itsm_matching_tiers(self):
        """The tier definitions of the record's model that apply to it now
        (its company's and the shared ones, the highest sequence first)."""
        self.ensure_one()
        definitions = self.env["tier.definition"].search(
            [
                ("model", "=", self._name),
                ("company_id", "in", [False] + self._get_company().ids),
            ],
            order="sequence desc",
        )
        return definitions.filtered(self.evaluate_tier)
