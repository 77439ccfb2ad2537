from odoo import fields, models


# One concern a file on purpose (itsm_incident/readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class TierDefinition(models.Model):
    """A tier reviewed once per department of the record (the monthly
    change plan's business departments, CHG-2), each review by the
    department's head: the record says which departments
    (``_itsm_review_departments``) and makes the reviews
    (``request_validation``)."""

    _inherit = "tier.definition"

    itsm_per_department = fields.Boolean(
        string="One review per department",
        help="One review for each department of the record, approved by the "
        "department's manager (Employees), instead of one review by the "
        "reviewers above.",
    )
