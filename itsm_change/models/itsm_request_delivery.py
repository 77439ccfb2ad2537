from odoo import api, fields, models

from .helpdesk_ticket_request import SECRECY_GRADES


class ItsmRequestDelivery(models.Model):
    """A data extraction delivered (S4 业务数据提取流程): the result, in an
    AES-encrypted zip whose password went to the requester by SMS, never
    stored; its secrecy grade; the notice that it may not be forwarded; and
    every download, logged with who and when. The file is read through its
    download link only, by its recipient (and the service desk, for
    support)."""

    _name = "itsm.request.delivery"
    _description = "ITSM Request Delivery"
    _order = "sent_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="File", required=True, readonly=True)
    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Request",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    secrecy = fields.Selection(SECRECY_GRADES, required=True, readonly=True)
    recipient_id = fields.Many2one(
        "res.partner", required=True, readonly=True, index=True
    )
    mobile = fields.Char(
        string="Password sent to", readonly=True, help="The number the SMS went to."
    )
    sent_by_id = fields.Many2one("res.users", string="Sent by", readonly=True)
    sent_date = fields.Datetime(string="Sent on", readonly=True)
    attachment_id = fields.Many2one(
        "ir.attachment", string="Encrypted file", readonly=True, ondelete="restrict"
    )
    # The log of downloads is the desk's to read.
    download_ids = fields.One2many(
        "itsm.request.delivery.download",
        "delivery_id",
        string="Downloads",
        groups="itsm_incident.group_itsm_resolver",
    )
    download_count = fields.Integer(
        compute="_compute_download_count", groups="itsm_incident.group_itsm_resolver"
    )
    download_url = fields.Char(compute="_compute_download_url")

    @api.depends("download_ids")
    def _compute_download_count(self):
        counts = dict(
            self.env["itsm.request.delivery.download"]._read_group(
                [("delivery_id", "in", self.ids)], ["delivery_id"], ["__count"]
            )
        )
        for delivery in self:
            delivery.download_count = counts.get(delivery, 0)

    def _compute_download_url(self):
        for delivery in self:
            delivery.download_url = f"/itsm/delivery/{delivery.id}/download"

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": self.download_url,
            "target": "self",
        }
