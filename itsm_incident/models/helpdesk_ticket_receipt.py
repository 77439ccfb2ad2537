from odoo import fields, models


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The reporter's receipt (S2 即时响应, issue 12 point 9): right after a
    declaration is saved, its reporter gets the editable template "ITSM:
    declaration received" in their language, sent by the tickets'
    follow-up for every ticket of the batch at once, once per ticket."""

    _inherit = "helpdesk.ticket"

    itsm_receipt_date = fields.Datetime(
        string="Receipt sent on", readonly=True, copy=False
    )

    def _itsm_follow_up(self):
        result = super()._itsm_follow_up()
        self._itsm_send_receipts()
        return result

    def _itsm_receipt_template(self):
        """The editable template of this ticket's receipt (extended: a
        request's type chooses its own); none sends nothing."""
        self.ensure_one()
        return self.env.ref(
            "itsm_incident.mail_template_receipt", raise_if_not_found=False
        )

    def _itsm_send_receipts(self):
        tickets = self.filtered(
            lambda t: t.is_itsm
            and not t.itsm_receipt_date
            and t.partner_id.email
            and not t.event_source_id
        )
        if not tickets:
            return
        values = []
        sent = self.browse()
        for template, group in tickets.grouped(
            lambda ticket: ticket._itsm_receipt_template()
        ).items():
            if not template:
                continue
            sent |= group
            for lang, (lang_template, res_ids) in template._classify_per_lang(
                group.ids
            ).items():
                subjects = lang_template._render_field(
                    "subject", res_ids, set_lang=lang
                )
                bodies = lang_template._render_field(
                    "body_html", res_ids, set_lang=lang
                )
                for res_id in res_ids:
                    values.append(
                        {
                            "subject": subjects[res_id],
                            "body_html": bodies[res_id],
                            "recipient_ids": [
                                (6, 0, self.browse(res_id).partner_id.ids)
                            ],
                            "model": self._name,
                            "res_id": res_id,
                            "auto_delete": False,
                        }
                    )
        # sudo: the follow-up (the system) sends each reporter the receipt of
        # their own declaration.
        self.env["mail.mail"].sudo().create(values)
        now = fields.Datetime.now()
        sent.sudo().write({"itsm_receipt_date": now})
        sent._itsm_log_notes(
            {
                ticket.id: self.env._("Receipt sent to %s.", ticket.partner_id.name)
                for ticket in sent
            }
        )
