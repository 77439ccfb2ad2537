from uuid import uuid4

from odoo import api, fields, models
from odoo.exceptions import UserError

from .itsm_billing_run import RUN_TYPES

ITEM_KINDS = [
    ("fixed_fee", "Fixed fee"),
    ("ticket", "Per ticket"),
    ("usage", "Usage"),
    ("sla_credit", "SLA credit"),
    ("sla_cap", "SLA credit cap"),
    ("revenue_share", "Revenue share"),
    ("unit_fee", "Fee per unit"),
]
# Credits are negative by design, their cap positive: the sign checks and
# the price check leave them out.
CREDIT_KINDS = ("sla_credit", "sla_cap")


class ItsmBillingItem(models.Model):
    """One billable fact of a month (BIL-2): a contract line's fee, a
    breached SLA target's credit, a usage record, a ticket. Its ``key`` names
    the fact; (company, kind of run, month, key) is unique, so collecting or
    importing the same facts again, or a chunk retried after a crash, adds
    nothing. A run rates the items (amount = quantity × unit price) and
    puts them on its invoices."""

    _name = "itsm.billing.item"
    _description = "ITSM Billable Item"
    _order = "period_start desc, partner_id, contract_id, kind, id"

    name = fields.Char(string="Description", required=True)
    key = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: f"manual:{uuid4()}",
        help="What the item bills, unique in its month: the run's idempotency key.",
    )
    kind = fields.Selection(ITEM_KINDS, required=True, default="usage", index=True)
    origin = fields.Selection(
        [("auto", "Collected"), ("manual", "Entered or imported")],
        required=True,
        default="manual",
        readonly=True,
    )
    run_type = fields.Selection(
        RUN_TYPES, string="For", required=True, default="billing", index=True
    )
    period_start = fields.Date(
        string="Month",
        required=True,
        index=True,
        help="The first day of the month billed.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id", store=True)
    contract_id = fields.Many2one(
        "contract.contract", index="btree_not_null", check_company=True
    )
    contract_line_id = fields.Many2one(
        "contract.line", index="btree_not_null", check_company=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index="btree_not_null"
    )
    product_id = fields.Many2one("product.product", check_company=True)
    ticket_id = fields.Many2one(
        "helpdesk.ticket", index="btree_not_null", check_company=True
    )
    source_model = fields.Char(readonly=True)
    source_id = fields.Many2oneReference(model_field="source_model", readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", default=1.0)
    price_unit = fields.Float(string="Unit Price", digits="Product Price")
    amount = fields.Monetary(
        readonly=True, help="Quantity × unit price, rated by the run."
    )
    is_duplicate = fields.Boolean(
        string="Possible duplicate",
        readonly=True,
        help="Another item of the month bills the same source (the data check "
        "marks it).",
    )
    is_outlying = fields.Boolean(
        string="Outlying amount",
        readonly=True,
        help="Its contract's month differs from the previous month by more "
        "than the settings' share (the data check marks it).",
    )
    run_id = fields.Many2one(
        "itsm.billing.run",
        string="Rated by",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    move_line_id = fields.Many2one(
        "account.move.line", string="Invoice Line", readonly=True
    )

    _sql_constraints = [
        (
            "key_unique",
            "unique(company_id, run_type, period_start, key)",
            "A billable fact is billed once in its month.",
        ),
    ]

    @api.onchange("contract_id")
    def _onchange_contract_id(self):
        if self.contract_id:
            self.partner_id = self.contract_id.partner_id

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("period_start"):
                period_start = fields.Date.to_date(vals["period_start"])
                vals["period_start"] = period_start.replace(day=1)
        return super().create(vals_list)

    def write(self, vals):
        billed = self.filtered("move_id")
        if billed and set(vals) & {
            "quantity",
            "price_unit",
            "contract_id",
            "partner_id",
            "period_start",
            "company_id",
            "run_type",
            "kind",
        }:
            raise UserError(
                self.env._(
                    "%s item(s) are on an invoice of a run already; they change "
                    "only through a challenge and a rollback of the run.",
                    len(billed),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        if self.filtered("move_id"):
            raise UserError(
                self.env._("Items on an invoice of a run cannot be deleted.")
            )
