import base64
import io
import secrets
import string

import pyzipper
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.helpdesk_ticket_request import SECRECY_GRADES

# A password a person types from an SMS: letters and digits, no look-alikes.
PASSWORD_ALPHABET = "".join(
    c for c in string.ascii_letters + string.digits if c not in "0OoIl1"
)
PASSWORD_LENGTH = 14
RESOLVER = "itsm_incident.group_itsm_resolver"


class ItsmRequestDeliveryWizard(models.TransientModel):
    """Deliver the result of a data extraction (S4 业务数据提取流程): the
    file is encrypted (AES-256 zip) with a fresh password, the password goes
    to the requester's mobile by SMS and the link by e-mail, with the
    secrecy grade and the notice that it may not be forwarded. The file in
    clear is never stored; neither is the password."""

    _name = "itsm.request.delivery.wizard"
    _description = "Deliver a Data Extraction"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, readonly=True)
    data = fields.Binary(string="File", required=True, attachment=False)
    filename = fields.Char(required=True)
    secrecy = fields.Selection(SECRECY_GRADES, string="Secrecy grade", required=True)
    recipient_id = fields.Many2one("res.partner", required=True)
    mobile = fields.Char(
        string="Password by SMS to",
        required=True,
        help="The recipient's mobile: the password goes there, never by e-mail.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ticket = self.env["helpdesk.ticket"].browse(
            values.get("ticket_id") or self.env.context.get("default_ticket_id")
        )
        if ticket:
            recipient = ticket.request_requester_id.partner_id or ticket.partner_id
            values.setdefault("secrecy", ticket.request_secrecy)
            values.setdefault("recipient_id", recipient.id)
            values.setdefault("mobile", recipient.mobile or recipient.phone)
        return values

    @api.onchange("recipient_id")
    def _onchange_recipient_id(self):
        if self.recipient_id:
            self.mobile = self.recipient_id.mobile or self.recipient_id.phone

    def action_deliver(self):
        self.ensure_one()
        ticket = self.ticket_id
        self._check_deliverable()
        password = "".join(
            secrets.choice(PASSWORD_ALPHABET) for _i in range(PASSWORD_LENGTH)
        )
        recipient = self.recipient_id
        lang = recipient.lang or self.env.lang
        ticket_lang = ticket.with_context(lang=lang)
        secrecy = dict(
            ticket_lang._fields["request_secrecy"]._description_selection(
                ticket_lang.env
            )
        )[self.secrecy]
        name = f"{ticket.number} {self.filename}.zip"
        content = self._encrypt(password, self._notice(ticket_lang, secrecy))
        if ticket.request_secrecy != self.secrecy:
            # sudo: the grade the desk gives the result, checked above.
            ticket.sudo().request_secrecy = self.secrecy
        # sudo: the delivery and its file are the system's record of what
        # the desk (checked above) sent; nobody edits them.
        delivery = (
            self.env["itsm.request.delivery"]
            .sudo()
            .create(
                {
                    "name": name,
                    "ticket_id": ticket.id,
                    "secrecy": self.secrecy,
                    "recipient_id": recipient.id,
                    "mobile": self.mobile,
                    "sent_by_id": self.env.uid,
                    "sent_date": fields.Datetime.now(),
                }
            )
        )
        delivery.attachment_id = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": content,
                    "mimetype": "application/zip",
                    "res_model": delivery._name,
                    "res_id": delivery.id,
                }
            )
        )
        self.env["sms.sms"].sudo().create(
            {
                "number": self.mobile,
                "partner_id": recipient.id,
                "body": ticket_lang.env._(
                    "%(number)s: the password of the file sent by e-mail is "
                    "%(password)s. %(secrecy)s, do not forward.",
                    number=ticket.number,
                    password=password,
                    secrecy=secrecy,
                ),
            }
        )
        self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
        self.env.ref("itsm_change.mail_template_request_delivery").send_mail(
            delivery.id
        )
        ticket.sudo()._message_log(
            body=Markup("<p>%s</p>")
            % self.env._(
                "%(file)s (%(secrecy)s) delivered to %(recipient)s, encrypted; "
                "the password went by SMS to %(mobile)s.",
                file=name,
                secrecy=secrecy,
                recipient=recipient.display_name,
                mobile=self.mobile,
            )
        )
        return {"type": "ir.actions.act_window_close"}

    def _check_deliverable(self):
        ticket = self.ticket_id
        if not self.env.user.has_group(RESOLVER):
            raise AccessError(
                self.env._("Only the fulfilment team delivers data extractions.")
            )
        ticket.check_access("write")
        if ticket.request_kind != "extraction":
            raise UserError(
                self.env._("%s is not a data extraction.", ticket.display_name)
            )
        if ticket.request_state != "approved":
            raise UserError(
                self.env._(
                    "%s is delivered after its last approval.", ticket.display_name
                )
            )
        if not (self.mobile or "").strip():
            raise UserError(
                self.env._(
                    "Give the recipient's mobile: the password goes by SMS, "
                    "never with the file."
                )
            )

    @api.model
    def _notice(self, ticket, secrecy):
        """The text that travels inside the zip with the file."""
        return ticket.env._(
            "%(number)s %(name)s\n\nSecrecy grade: %(secrecy)s.\nFor the purpose "
            "stated in the request only. Do not forward, copy or pass on this "
            "file or its content.\n",
            number=ticket.number,
            name=ticket.name,
            secrecy=secrecy,
        )

    def _encrypt(self, password, notice):
        """The zip (AES-256) of the file and the notice."""
        buffer = io.BytesIO()
        with pyzipper.AESZipFile(
            buffer,
            "w",
            compression=pyzipper.ZIP_DEFLATED,
            encryption=pyzipper.WZ_AES,
        ) as archive:
            archive.setpassword(password.encode())
            archive.setencryption(pyzipper.WZ_AES, nbits=256)
            archive.writestr(self.filename, base64.b64decode(self.data))
            archive.writestr("NOTICE.txt", notice.encode())
        return buffer.getvalue()
