from odoo import fields, models


class ItsmEventNature(models.Model):
    """The nature of an event (S1 §2) and the department responsible for it
    (责任界定, S1 §3.2.3)."""

    _name = "itsm.event.nature"
    _description = "ITSM Event Nature"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    department_id = fields.Many2one(
        "hr.department",
        string="Responsible Department",
        help="Department that handles events of this nature.",
    )
    active = fields.Boolean(default=True)
