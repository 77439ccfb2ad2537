from odoo import api, fields, models
from odoo.exceptions import UserError

from .itsm_change_risk_question import ANSWERS

MANAGER = "itsm_change.group_itsm_change_manager"


class ItsmChangeRiskAnswer(models.Model):
    """A change's answer to one question of the risk questionnaire; the
    questions are asked when the change is requested, the answers given
    while it is a draft (a change manager may correct them later)."""

    _name = "itsm.change.risk.answer"
    _description = "ITSM Change Risk Answer"
    _order = "sequence, id"

    change_id = fields.Many2one(
        "itsm.change", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="change_id.company_id", store=True)
    question_id = fields.Many2one(
        "itsm.change.risk.question", required=True, ondelete="restrict"
    )
    name = fields.Char(related="question_id.name", string="Question text")
    sequence = fields.Integer(related="question_id.sequence", store=True)
    answer = fields.Selection(ANSWERS)
    score = fields.Integer(compute="_compute_score", store=True)

    _sql_constraints = [
        (
            "question_once",
            "UNIQUE(change_id, question_id)",
            "A question is answered once per change.",
        )
    ]

    @api.depends("answer", "question_id.risky_answer", "question_id.weight")
    def _compute_score(self):
        for line in self:
            question = line.question_id
            line.score = (
                question.weight
                if line.answer and line.answer == question.risky_answer
                else 0
            )

    def write(self, vals):
        if (
            "answer" in vals
            and not self.env.su
            and not self.env.user.has_group(MANAGER)
        ):
            answered = self.filtered(lambda line: line.change_id.state != "draft")
            if answered:
                raise UserError(
                    self.env._(
                        "%s is no longer a draft: a change manager corrects its "
                        "risk questionnaire.",
                        answered[0].change_id.display_name,
                    )
                )
        return super().write(vals)
