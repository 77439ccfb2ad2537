from odoo import fields, models


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    itsm_pause_sla = fields.Boolean(
        string="Pauses the SLA",
        help="Waiting on the customer: the SLA clocks stop in this stage and "
        "resume with the time left when the ticket leaves it.",
    )
