from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_partner import BRINGING_ROLES

TERM_KINDS = [
    ("revenue_share", "Revenue share"),
    ("fee_per_unit", "Fee per unit"),
]
SCOPES = [
    ("own", "Their customers"),
    ("all", "All customers"),
]


class ItsmSettlementTerm(models.Model):
    """What a settlement partner (agent, CP, channel) is paid each month
    (BIL-3): a share of the revenue billed — to the customers it brought,
    or for chosen products — or a fee per unit of a product billed. The
    settlement run of a month applies the terms valid on its last day to
    the items of the month's published billing run and makes one vendor
    bill per partner, a line per term with ``bill_product_id``."""

    _name = "itsm.settlement.term"
    _description = "ITSM Settlement Term"
    _order = "partner_id, kind, date_start desc, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Settlement Partner",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain=[("itsm_settlement_role", "!=", False)],
    )
    partner_role = fields.Selection(
        related="partner_id.itsm_settlement_role", string="Role"
    )
    kind = fields.Selection(
        TERM_KINDS,
        required=True,
        default="revenue_share",
        help="Revenue share: a percentage of the revenue billed in the month. "
        "Fee per unit: an amount per unit of the products billed in the month.",
    )
    customer_scope = fields.Selection(
        SCOPES,
        string="Applies to",
        required=True,
        compute="_compute_customer_scope",
        store=True,
        readonly=False,
        precompute=True,
        help="Their customers: only what the customers this agent or channel "
        "brought are billed. All customers: what every customer is billed "
        "(a content provider's products).",
    )
    product_ids = fields.Many2many(
        "product.product",
        "itsm_settlement_term_product_rel",
        "term_id",
        "product_id",
        string="Products",
        check_company=True,
        help="Only the revenue or units billed for these products count; none: "
        "all the revenue billed to the partner's customers.",
    )
    share_percent = fields.Float(
        string="Revenue Share (%)",
        digits=(16, 4),
        help="The partner's percentage of the revenue billed.",
    )
    unit_fee = fields.Float(
        string="Fee per Unit",
        digits="Product Price",
        help="What the partner is paid for each unit billed.",
    )
    bill_product_id = fields.Many2one(
        "product.product",
        string="Product on the Bill",
        required=True,
        check_company=True,
        help="The product of the vendor bill's line (its expense account and "
        "purchase taxes).",
    )
    date_start = fields.Date(string="Valid from", required=True)
    date_end = fields.Date(string="Valid until")
    note = fields.Text()

    @api.depends("partner_id.itsm_settlement_role")
    def _compute_customer_scope(self):
        for term in self:
            term.customer_scope = (
                "own" if term.partner_role in BRINGING_ROLES else "all"
            )

    @api.constrains(
        "kind",
        "customer_scope",
        "product_ids",
        "share_percent",
        "unit_fee",
        "date_start",
        "date_end",
        "partner_id",
    )
    def _check_term(self):
        for term in self:
            if not term.partner_role:
                raise ValidationError(
                    self.env._(
                        "%s is no settlement partner: make it an agent, a content "
                        "provider or a channel first.",
                        term.partner_id.display_name,
                    )
                )
            if term.customer_scope == "own" and term.partner_role not in (
                BRINGING_ROLES
            ):
                raise ValidationError(
                    self.env._(
                        "%s brings no customers: settle a content provider on "
                        "all customers, for its products.",
                        term.partner_id.display_name,
                    )
                )
            if term.kind == "revenue_share" and not 0 < term.share_percent <= 100:
                raise ValidationError(
                    self.env._("A revenue share is between 0 and 100%.")
                )
            if term.kind == "fee_per_unit" and term.unit_fee <= 0:
                raise ValidationError(self.env._("A fee per unit is positive."))
            if not term.product_ids and (
                term.kind == "fee_per_unit" or term.customer_scope == "all"
            ):
                raise ValidationError(
                    self.env._(
                        "Name the products of the term %s: the units counted, or "
                        "the products whose revenue is shared.",
                        term.name,
                    )
                )
            if term.date_end and term.date_end < term.date_start:
                raise ValidationError(self.env._("A term cannot end before it starts."))

    @api.constrains(
        "partner_id", "kind", "product_ids", "date_start", "date_end", "active"
    )
    def _check_no_overlap(self):
        """Two terms of one partner and kind on the same products (or both
        on all) never overlap in time: a month would be settled twice."""
        for term in self.filtered("active"):
            others = self.search(
                [
                    ("id", "!=", term.id),
                    ("company_id", "=", term.company_id.id),
                    ("partner_id", "=", term.partner_id.id),
                    ("kind", "=", term.kind),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", term.date_start),
                ]
                + ([("date_start", "<=", term.date_end)] if term.date_end else [])
            )
            for other in others:
                if (
                    not term.product_ids
                    or not other.product_ids
                    or term.product_ids & other.product_ids
                ):
                    raise ValidationError(
                        self.env._(
                            "%(term)s overlaps %(other)s: the same partner, kind "
                            "and products in the same days would be settled "
                            "twice.",
                            term=term.name,
                            other=other.name,
                        )
                    )

    def _itsm_applies_domain(self, company, period_end):
        """The terms a month is settled on: valid on its last day."""
        return [
            ("company_id", "=", company.id),
            ("date_start", "<=", period_end),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", period_end),
        ]
