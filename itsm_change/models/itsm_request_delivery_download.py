from odoo import fields, models


class ItsmRequestDeliveryDownload(models.Model):
    """One download of a delivered extraction (S4: the result's use is
    traceable): written by the download link only."""

    _name = "itsm.request.delivery.download"
    _description = "ITSM Request Delivery Download"
    _order = "date desc, id desc"

    delivery_id = fields.Many2one(
        "itsm.request.delivery", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="delivery_id.company_id", store=True)
    user_id = fields.Many2one("res.users", string="By", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True)
    address = fields.Char(string="From address", readonly=True)
