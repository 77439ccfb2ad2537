from odoo import api, fields, models

# The notices a request's type chooses (itsm.request.type), by event.
NOTICE_FIELDS = {
    "received": "mail_template_received_id",
    "assessment": "mail_template_assessment_id",
    "approved": "mail_template_approved_id",
    "rejected": "mail_template_rejected_id",
    "done": "mail_template_done_id",
}


# One concern a file on purpose (itsm_incident/readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The requester's notices (CHG-10): received, first assessment,
    approved, rejected and done, each the editable template its request type
    chooses, posted on the request in the requester's language; overdue
    requests climb the escalation ladder (seeded rules on the request
    clocks). A plain ticket keeps the incident's notices."""

    _inherit = "helpdesk.ticket"

    request_assessment_deadline = fields.Datetime(
        string="First assessment due", compute="_compute_request_deadlines"
    )
    request_fulfilment_deadline = fields.Datetime(
        string="Fulfilment due", compute="_compute_request_deadlines"
    )

    @api.depends("request_type_id", "request_state")
    def _compute_request_deadlines(self):
        requests = self.filtered(lambda ticket: ticket.request_type_id and ticket.id)
        by_ticket = requests._itsm_clocks_by_record() if requests else {}
        for ticket in self:
            clocks = (
                by_ticket[ticket.id].grouped("kind") if ticket.id in by_ticket else {}
            )
            ticket.request_assessment_deadline = (
                clocks["assessment"].deadline if "assessment" in clocks else False
            )
            ticket.request_fulfilment_deadline = (
                clocks["fulfilment"].deadline if "fulfilment" in clocks else False
            )

    def _itsm_receipt_template(self):
        if self.request_type_id:
            return self.request_type_id.mail_template_received_id
        return super()._itsm_receipt_template()

    def _itsm_request_notify(self, event):
        """Post the ``event`` notice of each request's type to its requester
        (none when the type sends none)."""
        field = NOTICE_FIELDS[event]
        for template, requests in self.grouped(
            lambda ticket: ticket.request_type_id[field]
        ).items():
            if template:
                requests._itsm_post_notice(
                    template,
                    recipients={
                        ticket.id: ticket._itsm_request_requester_partner()
                        for ticket in requests
                    },
                )

    def _itsm_request_requester_partner(self):
        self.ensure_one()
        return self.partner_id or self.create_uid.partner_id

    def _itsm_request_approved(self, at=None):
        waited = self.filtered(lambda ticket: ticket.request_state == "to_approve")
        result = super()._itsm_request_approved(at=at)
        # Approved at once (a type without tiers): the receipt says so.
        waited._itsm_request_notify("approved")
        return result

    def _rejected_tier(self, tiers=False):
        waiting = self.request_state == "to_approve"
        result = super()._rejected_tier(tiers)
        if waiting and self.request_state == "rejected":
            self._itsm_request_notify("rejected")
        return result

    def _send_ticket_rating_mail(self, force_send=False):
        """Resolved: a request's type sends its own done notice in place of
        the stage's resolution notice (with the same rating links)."""
        requests = self.filtered(
            lambda ticket: ticket.request_type_id.mail_template_done_id
            and ticket.stage_id.itsm_resolved
            and ticket.rating_status == "stage_change"
        )
        for ticket in requests:
            ticket.rating_send_request(
                ticket.request_type_id.mail_template_done_id,
                lang=ticket.partner_id.lang,
                force_send=force_send,
            )
        return super(HelpdeskTicket, self - requests)._send_ticket_rating_mail(
            force_send=force_send
        )
