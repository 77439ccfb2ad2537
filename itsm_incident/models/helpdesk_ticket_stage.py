from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    itsm_pause_sla = fields.Boolean(
        string="Pauses the SLA",
        help="Waiting on the customer: the SLA clocks stop in this stage and "
        "resume with the time left when the ticket leaves it.",
    )
    itsm_resolved = fields.Boolean(
        string="Resolved, awaiting confirmation",
        help="The handling is finished: a ticket enters this stage only when "
        "its fix is verified and its resolution record complete; the reporter "
        "is sent the resolution notice and confirms or rejects it. Without an "
        "answer, the ticket closes after the configured silence.",
    )
    itsm_closed_loop = fields.Boolean(
        string="Closed loop required",
        help="Closing a ticket in this stage requires the closed loop (S1): "
        "a verified fix, a resolution record and, for a major incident, an "
        "approved review report.",
    )

    @api.constrains("itsm_resolved", "closed")
    def _check_itsm_resolved_open(self):
        for stage in self:
            if stage.itsm_resolved and stage.closed:
                raise ValidationError(
                    self.env._(
                        "Stage “%s”: a resolved stage awaits the reporter's "
                        "confirmation, it cannot be a closed stage.",
                        stage.name,
                    )
                )
