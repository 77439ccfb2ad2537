from odoo import api, fields, models


class ItsmTicketWithdrawWizard(models.TransientModel):
    """Cancel a withdrawn declaration or reject an invalid one, with the
    reason the reporter reads (issue 12, point 7): the only way out of the
    closed loop (the ticket's write checks who and why)."""

    _name = "itsm.ticket.withdraw.wizard"
    _description = "Cancel or Reject an Incident"

    ticket_ids = fields.Many2many("helpdesk.ticket", required=True)
    outcome = fields.Selection(
        [
            ("cancelled", "Cancelled: withdrawn by the reporter"),
            ("rejected", "Rejected: not a valid declaration"),
        ],
        required=True,
        default="cancelled",
    )
    reason = fields.Text(required=True)

    @api.model
    def _stage(self, ticket, outcome):
        stage = self.env.ref(
            f"helpdesk_mgmt.helpdesk_ticket_stage_{outcome}", raise_if_not_found=False
        )
        applicable = ticket.team_id._get_applicable_stages()
        if stage and stage in applicable:
            return stage
        return applicable.filtered(lambda s: s.closed and not s.itsm_closed_loop)[:1]

    def action_apply(self):
        self.ensure_one()
        for ticket in self.ticket_ids:
            ticket.write(
                {
                    "itsm_close_reason": self.reason,
                    "stage_id": self._stage(ticket, self.outcome).id,
                }
            )
        # The reporter reads why, in their language (an editable template).
        self.ticket_ids._itsm_post_notice("itsm_incident.mail_template_withdrawn")
        return {"type": "ir.actions.act_window_close"}
