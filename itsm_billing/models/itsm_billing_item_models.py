from odoo import fields, models


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingItem(models.Model):
    """The items of the billing models beyond the fixed fee: a fulfilled
    service request billed by a per-request contract line (tickets and
    usage records have their kinds already)."""

    _inherit = "itsm.billing.item"

    kind = fields.Selection(
        selection_add=[("request", "Per service request"), ("usage",)],
        ondelete={"request": "cascade"},
    )
