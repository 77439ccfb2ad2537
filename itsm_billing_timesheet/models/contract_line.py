from odoo import fields, models


def _cancel_hour_lines(lines):
    """On uninstall, the lines billed per hour are cancelled (no longer
    billed) rather than deleted or turned into fixed fees of their hourly
    price."""
    lines.write({"itsm_billing_model": "fixed", "is_canceled": True})


class ContractLine(models.Model):
    """Per hour (BIL-1): the hours timesheeted on the customer's tickets in
    the month, at the line's unit price (an hour's) less its discount;
    filtered by the line's ticket categories and services like the per
    ticket model."""

    _inherit = "contract.line"

    itsm_billing_model = fields.Selection(
        selection_add=[("hour", "Per hour")],
        ondelete={"hour": _cancel_hour_lines},
        help="Fixed monthly fee: the line's quantity every month. Per ticket: "
        "one unit for each of the customer's tickets (service requests "
        "excepted) closed in the month. Per service request: one unit for each "
        "of the customer's service requests fulfilled (closed) in the month. "
        "Per usage unit: the usage records imported for the month. Per hour: "
        "the hours timesheeted in the month on the customer's tickets, the "
        "unit price being an hour's.",
    )
