from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from .itsm_billing_check_template import FOR_RUN_TYPES


class ItsmBillingDataCheck(models.Model):
    """An automatic check of a month's billable items (S4 数据检查, BIL-2),
    run by every data check of a run: the items its domain finds are shown
    on the run and, when it is blocking, stop it. The seeded checks (items
    without a contract, unpriced, duplicates, negative and outlying amounts)
    are records like any other: a billing supervisor edits them, makes one
    blocking or not, and adds the department's own."""

    _name = "itsm.billing.data.check"
    _description = "ITSM Billing Data Check"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True, translate=True)
    code = fields.Char(
        help="How the run's data check names what it found (kept on the run).",
    )
    description = fields.Text(translate=True)
    run_type = fields.Selection(
        FOR_RUN_TYPES,
        string="For",
        required=True,
        default="both",
    )
    domain = fields.Char(
        string="Items found",
        required=True,
        default="[]",
        help="The month's items this check finds (a domain on billable items).",
    )
    blocking = fields.Boolean(
        default=True,
        help="The run cannot go on while this check finds items; otherwise "
        "what it finds is shown for the checker to look at.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "A data check's code names one check."),
    ]

    def _itsm_domain(self):
        self.ensure_one()
        return safe_eval(self.domain or "[]")

    @api.constrains("domain")
    def _check_domain(self):
        Item = self.env["itsm.billing.item"]
        for check in self:
            try:
                Item.search_count(check._itsm_domain(), limit=1)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The data check “%(check)s” does not find billable items: "
                        "%(error)s",
                        check=check.name,
                        error=error,
                    )
                ) from error
