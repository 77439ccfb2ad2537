from odoo import api, fields, models


class ItsmSmsTrace(models.Model):
    """What became of each text message handed to a provider: to whom, what,
    through which provider, sent or failed and why. Odoo deletes its sent
    ``sms.sms``; these lines stay. Written by the sending code only (no one
    has create or write access), read by ITSM managers, purged by
    administrators."""

    _name = "itsm.sms.trace"
    _description = "SMS Trace"
    _order = "date desc, id desc"
    _rec_name = "number"

    date = fields.Datetime(
        default=fields.Datetime.now, required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    number = fields.Char(readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Recipient", readonly=True, ondelete="set null"
    )
    body = fields.Text(readonly=True)
    provider = fields.Selection(
        [("iap", "Odoo IAP"), ("http", "HTTP SMS gateway")],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [("sent", "Sent"), ("error", "Failed")], required=True, readonly=True
    )
    failure_type = fields.Selection(selection="_selection_failure_type", readonly=True)
    failure_reason = fields.Char(readonly=True)
    gateway_message_id = fields.Char(string="Gateway message ID", readonly=True)
    sms_uuid = fields.Char(string="SMS UUID", readonly=True, index="btree_not_null")
    res_model = fields.Char(string="Document model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", readonly=True
    )

    @api.model
    def _selection_failure_type(self):
        return (
            self.env["sms.sms"]._fields["failure_type"]._description_selection(self.env)
        )

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
