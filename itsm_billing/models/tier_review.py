from odoo import models

DECIDED = ("approved", "rejected")


class TierReview(models.Model):
    """Four eyes on billing runs (BIL-4, BIL-6), which base_tier_validation
    does not enforce: the run's operator and whoever asked the reviews
    review none of its tiers, whoever decided one of its tiers decides no
    other, and only users of the run's company review it."""

    _inherit = "tier.review"

    def _get_reviewers(self):
        reviewers = super()._get_reviewers()
        if self.model != "itsm.billing.run" or not reviewers:
            return reviewers
        # sudo: the run's people decide who may review it, whoever asks.
        run = self.env["itsm.billing.run"].sudo().browse(self.res_id).exists()
        if not run:
            return reviewers
        others = run.review_ids.filtered(
            lambda review: review.status in DECIDED and review.id != self.id
        )
        excluded = run.operator_id | self.requested_by | others.done_by
        # sudo: the reviewers' companies, read to keep those of the run's.
        eligible = (
            (reviewers - excluded)
            .sudo()
            .filtered(lambda user: user.active and run.company_id in user.company_ids)
        )
        return eligible.with_env(reviewers.env)
