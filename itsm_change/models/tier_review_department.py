from odoo import api, fields, models


# One concern a file on purpose (itsm_incident/readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class TierReview(models.Model):
    """A review given for one department (a tier "one review per
    department"): its reviewer is the department's manager from the org
    chart, read when the review is made and again whenever the manager
    changes."""

    _inherit = "tier.review"

    itsm_department_id = fields.Many2one(
        "hr.department",
        string="Department",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )

    @api.model
    def _get_reviewer_fields(self):
        return super()._get_reviewer_fields() + [
            "itsm_department_id",
            "itsm_department_id.manager_id.user_id",
        ]

    def _get_reviewers(self):
        if self.itsm_department_id:
            # sudo: the org chart names the department's head, whatever the
            # HR rights of whoever makes the review; only the link is read.
            return self.itsm_department_id.sudo().manager_id.user_id.with_env(self.env)
        return super()._get_reviewers()

    @api.depends("reviewer_ids", "itsm_department_id")
    def _compute_todo_by(self):
        result = super()._compute_todo_by()
        for review in self.filtered("itsm_department_id"):
            # sudo: the department's name, shown to whoever sees the review.
            review.todo_by = f"{review.itsm_department_id.sudo().name}: " + (
                review.todo_by or "-"
            )
        return result
