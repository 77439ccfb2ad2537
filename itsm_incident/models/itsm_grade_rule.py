from odoo import api, fields, models, tools

from .itsm_priority_matrix import IMPACTS

GRADES = [("general", "General"), ("important", "Important"), ("major", "Major")]


class ItsmGradeRule(models.Model):
    """Derives the grade (S1 §3.2.2) from priority and impact: the first
    matching rule by sequence wins; a ticket no rule matches is general."""

    _name = "itsm.grade.rule"
    _inherit = ["itsm.config.cache.mixin"]
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

    @api.model
    @tools.ormcache()
    def _rules_data(self):
        """The active rules in order as (levels, impact, grade), cached until
        a rule changes."""
        # sudo: grade rules are configuration, applied to any creator's ticket.
        return tuple(
            (frozenset(rule.priority_ids.mapped("level")), rule.impact, rule.grade)
            for rule in self.sudo().search([("active", "=", True)])
        )

    @api.model
    def _grade_for(self, level, impact):
        for levels, rule_impact, grade in self._rules_data():
            if (not levels or level in levels) and (
                not rule_impact or rule_impact == impact
            ):
                return grade
        return "general"
