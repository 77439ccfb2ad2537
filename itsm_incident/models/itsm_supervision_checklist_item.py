from odoo import fields, models

ASPECTS = [
    ("timeliness", "Timeliness"),
    ("compliance", "Process compliance"),
    ("effectiveness", "Effectiveness"),
]


class ItsmSupervisionChecklistItem(models.Model):
    """One question of the supervision checklist (INC-17, S1 §5.1): what the
    supervision group checks on each sampled incident. Data that
    administrators edit."""

    _name = "itsm.supervision.checklist.item"
    _description = "ITSM Supervision Checklist Item"
    _order = "sequence, id"

    name = fields.Char(string="Check", required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    aspect = fields.Selection(ASPECTS, required=True, default="compliance")
    active = fields.Boolean(default=True)
