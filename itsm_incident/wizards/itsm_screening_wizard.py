from odoo import api, fields, models
from odoo.exceptions import UserError


class ItsmScreeningWizard(models.TransientModel):
    """Screening outcome that closes a declaration: invalid, or outside the
    service scope and handed to sales (S2 §5.4.2)."""

    _name = "itsm.screening.wizard"
    _description = "Screen a Declaration"

    ticket_ids = fields.Many2many("helpdesk.ticket", required=True)
    outcome = fields.Selection(
        [("invalid", "Invalid"), ("out_of_scope", "Out of scope: hand to sales")],
        required=True,
        default="invalid",
    )
    reason = fields.Text(required=True)

    @api.model
    def _closing_stage(self, ticket, outcome):
        xmlid = (
            "helpdesk_mgmt.helpdesk_ticket_stage_rejected"
            if outcome == "invalid"
            else "helpdesk_mgmt.helpdesk_ticket_stage_cancelled"
        )
        stage = self.env.ref(xmlid, raise_if_not_found=False)
        applicable = ticket.team_id._get_applicable_stages()
        if stage and stage in applicable:
            return stage
        return applicable.filtered("closed")[:1]

    def action_apply(self):
        self.ensure_one()
        screened = self.ticket_ids.filtered(lambda t: t.screening_state != "to_screen")
        if screened:
            raise UserError(
                self.env._(
                    "Already screened: %(tickets)s.",
                    tickets=", ".join(screened.mapped("display_name")),
                )
            )
        sales_user = self.env.company.itsm_sales_user_id
        if (
            self.outcome == "out_of_scope"
            and not sales_user
            and "crm.lead" not in self.env
        ):
            raise UserError(
                self.env._(
                    "Choose the salesperson who receives out-of-scope requests in "
                    "Settings › ITSM first."
                )
            )
        for ticket in self.ticket_ids:
            vals = {"screening_state": self.outcome, "screening_note": self.reason}
            stage = self._closing_stage(ticket, self.outcome)
            if stage:
                vals["stage_id"] = stage.id
            # sudo: the outcome is the system's (helpdesk_ticket_stamps.py);
            # the desk (this wizard's users) may write the ticket (checked).
            ticket.check_access("write")
            ticket.sudo().write(vals)
            if self.outcome == "out_of_scope":
                self._hand_to_sales(ticket, sales_user)
        # The reporters read why, in their language (an editable template).
        self.ticket_ids._itsm_post_notice(
            "itsm_incident.mail_template_screening_closed"
        )
        return {"type": "ir.actions.act_window_close"}

    def _hand_to_sales(self, ticket, sales_user):
        if "crm.lead" in self.env:
            # sudo: the service desk hands the request over without needing
            # sales rights; the lead only copies the ticket's own data.
            self.env["crm.lead"].sudo().create(
                {
                    "name": ticket.name,
                    "partner_id": ticket.partner_id.id,
                    "contact_name": ticket.contact_name or ticket.partner_name,
                    "email_from": ticket.partner_email,
                    "phone": ticket.contact_phone,
                    "user_id": sales_user.id,
                    "description": self.reason,
                }
            )
        else:
            ticket.activity_schedule(
                "itsm_incident.mail_activity_type_out_of_scope",
                user_id=sales_user.id,
                note=self.reason,
            )
