from odoo import api, fields, models

from .itsm_priority_matrix import IMPACTS

GRADES = [("general", "General"), ("important", "Important"), ("major", "Major")]


class ItsmGradeRule(models.Model):
    """Derives the grade (S1 §3.2.2) from priority and impact: the first
    matching rule by sequence wins; a ticket no rule matches is general."""

    _name = "itsm.grade.rule"
    _description = "ITSM Grade Rule"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    priority_ids = fields.Many2many(
        "itsm.priority",
        string="Priorities",
        help="Matches these priorities; empty matches any.",
    )
    impact = fields.Selection(IMPACTS, help="Matches this impact; empty matches any.")
    grade = fields.Selection(GRADES, required=True)
    active = fields.Boolean(default=True)

    def _matches(self, priority, impact):
        self.ensure_one()
        return (not self.priority_ids or priority in self.priority_ids) and (
            not self.impact or self.impact == impact
        )

    @api.model
    def _grade_for(self, rules, priority, impact):
        for rule in rules:
            if rule._matches(priority, impact):
                return rule.grade
        return "general"
