from odoo import fields, models

ANSWERS = [("yes", "Yes"), ("no", "No")]


class ItsmChangeRiskQuestion(models.Model):
    """A question of the change's risk questionnaire (CHG-1), which an ITSM
    manager edits: the answer that makes a change riskier adds the
    question's weight to its risk score."""

    _name = "itsm.change.risk.question"
    _description = "ITSM Change Risk Question"
    _order = "sequence, id"

    name = fields.Char(string="Question", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: asked in every company."
    )
    risky_answer = fields.Selection(
        ANSWERS,
        required=True,
        default="yes",
        help="The answer that makes the change riskier.",
    )
    weight = fields.Integer(
        default=1, help="Added to the risk score by the risky answer."
    )

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A weight cannot be negative.")
    ]
