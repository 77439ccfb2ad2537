from odoo import fields, models


# One concern a file on purpose (itsm_incident's readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """A data extraction's result is delivered encrypted, its password by
    SMS, its downloads logged (:class:`ItsmRequestDelivery`)."""

    _inherit = "helpdesk.ticket"

    request_delivery_ids = fields.One2many(
        "itsm.request.delivery", "ticket_id", string="Deliveries"
    )

    def action_request_deliver(self):
        """Deliver the extraction's result: the wizard takes the file."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Deliver the data"),
            "res_model": "itsm.request.delivery.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }
