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
        # Its help stays itsm_billing's (a help set here would become
        # itsm_billing's term, which the bridge does not translate).
    )
