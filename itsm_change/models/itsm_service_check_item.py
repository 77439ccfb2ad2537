from odoo import fields, models


class ItsmServiceCheckItem(models.Model):
    """A main business flow of a system, checked after every change of it
    (CHG-9, S4 系统变更 8: 变更实施人员进行主流程业务的确认工作): the change's
    post-implementation checklist is made of its services' items."""

    _name = "itsm.service.check.item"
    _description = "ITSM Service Check Item"
    _order = "service_id, sequence, id"

    service_id = fields.Many2one(
        "itsm.service", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(
        string="Business flow to check",
        required=True,
        translate=True,
        help="What is checked after a change of the system, e.g. “An order "
        "is taken and billed”.",
    )
    active = fields.Boolean(default=True)
