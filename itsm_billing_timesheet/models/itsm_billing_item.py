from odoo import fields, models


class ItsmBillingItem(models.Model):
    """A timesheet line billed by a per-hour contract line: its hours at
    the line's hourly price."""

    _inherit = "itsm.billing.item"

    kind = fields.Selection(
        selection_add=[("hour", "Per hour")],
        # Uninstalled, the items stay (invoiced ones are the invoices'
        # record) as items of the default kind.
        ondelete={"hour": "set default"},
    )
