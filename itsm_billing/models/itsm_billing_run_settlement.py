from dateutil.relativedelta import relativedelta

from odoo import Command, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, split_every

from .itsm_billing_run_rating import INVOICE_BATCH, QUIET

SETTLEMENT_SOURCE = "itsm.settlement.term"


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRun(models.Model):
    """The settlement run (结算, BIL-3): settles the month with the agents,
    content providers and channels (代理商、CP、渠道) on their settlement
    terms, from what the month's *published* billing run invoiced — a share
    of the revenue billed to the customers they brought or for their
    products, or a fee per unit billed. One item per term and month (key
    ``<kind>:itsm.settlement.term:<id>``, unique like every item's), one
    draft vendor bill per partner made in batches, posted on publication
    and reversed by refunds when the run is rolled back; the checks,
    four eyes, review, deadline (the 10th) and digest are the run's own."""

    _inherit = "itsm.billing.run"

    # ------------------------------------------------------------------
    # The billing run settled
    # ------------------------------------------------------------------

    def _itsm_settled_billing_run(self):
        """The published billing run of the settlement run's month."""
        self.ensure_one()
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("run_type", "=", "billing"),
                ("period_start", "=", self.period_start),
                ("state", "=", "published"),
            ],
            order="attempt desc",
            limit=1,
        )

    def _itsm_check_billing_published(self):
        """Refuse to settle a month whose billing is not published: the
        revenue shared is what the published invoices billed."""
        for run in self.filtered(lambda r: r.run_type == "settlement"):
            if not run._itsm_settled_billing_run():
                raise UserError(
                    self.env._(
                        "%(run)s cannot settle %(month)s yet: the billing run of "
                        "the month is not published. Settle after its "
                        "publication.",
                        run=run.display_name,
                        month=run.period_start.strftime("%Y-%m"),
                    )
                )

    def action_check_data(self):
        self._itsm_check_billing_published()
        return super().action_check_data()

    def action_run(self):
        self._itsm_check_billing_published()
        return super().action_run()

    # ------------------------------------------------------------------
    # Collecting the settlement items
    # ------------------------------------------------------------------

    def _itsm_settlement_rows(self, billing_run):
        """[(term id, revenue, settled amount, units, customers)] per term
        valid on the month's last day, from the invoiced items of the
        published billing run: one statement. Revenue is the net amount
        billed (credits included) to the partner's customers (scope *own*)
        or to everyone (*all*), on the term's products if it names any;
        units are the quantities billed of them. The revenue share is
        rounded to the currency on the total, in numeric."""
        self.ensure_one()
        for model in ("itsm.billing.item", "itsm.settlement.term", "res.partner"):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH terms AS (
                    SELECT t.id, t.kind, t.partner_id, t.customer_scope,
                           t.share_percent
                      FROM itsm_settlement_term t
                     WHERE t.company_id = %(company)s AND t.active
                       AND t.date_start <= %(end)s
                       AND (t.date_end IS NULL OR t.date_end >= %(end)s)
                ), billed AS (
                    SELECT cp.id AS customer_id,
                           cp.itsm_settlement_partner_id AS bringer_id,
                           i.product_id, i.quantity, i.amount
                      FROM itsm_billing_item i
                      LEFT JOIN res_partner p ON p.id = i.partner_id
                      LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
                     WHERE i.run_id = %(billing)s AND i.move_id IS NOT NULL
                )
                SELECT t.id,
                       SUM(b.amount) AS revenue,
                       ROUND(SUM(b.amount) * COALESCE(t.share_percent, 0) / 100,
                             %(digits)s) AS share,
                       SUM(b.quantity) AS units,
                       COUNT(DISTINCT b.customer_id) AS customers
                  FROM terms t
                  JOIN billed b
                    ON (t.customer_scope = 'all' OR b.bringer_id = t.partner_id)
                   AND (NOT EXISTS (SELECT 1
                                      FROM itsm_settlement_term_product_rel r
                                     WHERE r.term_id = t.id)
                        OR b.product_id IN (SELECT r.product_id
                                              FROM itsm_settlement_term_product_rel r
                                             WHERE r.term_id = t.id))
                 GROUP BY t.id, t.share_percent
                 ORDER BY t.id
                """,
                company=self.company_id.id,
                end=self.period_end,
                billing=billing_run.id,
                digits=self.company_id.currency_id.decimal_places,
            )
        )
        return self.env.cr.fetchall()

    def _itsm_settlement_values(self, billing_run):
        """The settlement items of the month, one per term that settles
        something (no revenue, no units: no item)."""
        self.ensure_one()
        rows = self._itsm_settlement_rows(billing_run)
        terms = self.env[SETTLEMENT_SOURCE].browse([row[0] for row in rows])
        terms.fetch(["name", "kind", "partner_id", "bill_product_id"])
        terms.fetch(["share_percent", "unit_fee"])
        currency = self.company_id.currency_id
        month = self.period_start.strftime("%Y-%m")
        values = []
        for term_id, revenue, share, units, customers in rows:
            term = terms.browse(term_id)
            common = {
                "partner_id": term.partner_id.id,
                "product_id": term.bill_product_id.id,
                "source_model": SETTLEMENT_SOURCE,
                "source_id": term.id,
            }
            if term.kind == "revenue_share" and share:
                percent = f"{term.share_percent:g}"
                values.append(
                    dict(
                        common,
                        key=f"revenue_share:{SETTLEMENT_SOURCE}:{term.id}",
                        kind="revenue_share",
                        name=self.env._(
                            "%(term)s: %(share)s%% of %(revenue)s billed in "
                            "%(month)s (%(customers)s customers)",
                            term=term.name,
                            share=percent,
                            revenue=format_amount(self.env, float(revenue), currency),
                            month=month,
                            customers=customers,
                        ),
                        quantity=1.0,
                        price_unit=float(share),
                    )
                )
            elif term.kind == "fee_per_unit" and units:
                count = f"{float(units):g}"
                values.append(
                    dict(
                        common,
                        key=f"unit_fee:{SETTLEMENT_SOURCE}:{term.id}",
                        kind="unit_fee",
                        name=self.env._(
                            "%(term)s: %(units)s units billed in %(month)s",
                            term=term.name,
                            units=count,
                            month=month,
                        ),
                        quantity=float(units),
                        price_unit=term.unit_fee,
                    )
                )
        return values

    def _itsm_collect_items(self):
        if self.run_type != "settlement":
            return super()._itsm_collect_items()
        self.ensure_one()
        self._itsm_check_billing_published()
        values = self._itsm_settlement_values(self._itsm_settled_billing_run())
        self._itsm_sync_collected_items(values)

    # ------------------------------------------------------------------
    # Vendor bills
    # ------------------------------------------------------------------

    def _itsm_purchase_journal(self):
        self.ensure_one()
        journal = self.env["account.journal"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("type", "=", "purchase"),
            ],
            limit=1,
        )
        if not journal:
            raise UserError(
                self.env._(
                    "%s has no purchase journal to record the vendor bills in.",
                    self.company_id.name,
                )
            )
        return journal

    def _itsm_rating_groups(self):
        # A vendor bill has a line per item: each is rounded on its own.
        if self.run_type != "settlement":
            return super()._itsm_rating_groups()
        return SQL("i.id")

    def _itsm_make_invoices(self, batch_size=INVOICE_BATCH, units=None):
        """Settlement: a draft vendor bill per partner of the rated items,
        a line per item, created in batches with no message per bill;
        partners that have theirs in this run already (a retried step) get
        none again (a unique index holds it too)."""
        if self.run_type != "settlement":
            return super()._itsm_make_invoices(batch_size=batch_size, units=units)
        self.ensure_one()
        domain = [("run_id", "=", self.id), ("move_id", "=", False)]
        if units is not None:
            domain.append(("partner_id", "in", list(units)))
        items = self.env["itsm.billing.item"].search(
            domain, order="partner_id, kind, key, id"
        )
        done = set(self.move_ids.partner_id.ids)
        by_partner = {
            partner: partner_items
            for partner, partner_items in items.grouped("partner_id").items()
            if partner and partner.id not in done
        }
        if not by_partner:
            return
        journal = self._itsm_purchase_journal()
        bill_date = self.period_end + relativedelta(days=1)
        Move = (
            self.env["account.move"].with_company(self.company_id).with_context(**QUIET)
        )
        for partners in split_every(batch_size, list(by_partner)):
            vals_list, groups_list = [], []
            for partner in partners:
                groups = [
                    (
                        item,
                        {
                            "sequence": sequence * 10,
                            "product_id": item.product_id.id,
                            "name": item.name,
                            "quantity": item.quantity,
                            "price_unit": item.price_unit,
                        },
                    )
                    for sequence, item in enumerate(by_partner[partner], start=1)
                ]
                vals_list.append(
                    {
                        "move_type": "in_invoice",
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "company_id": self.company_id.id,
                        "currency_id": self.company_id.currency_id.id,
                        "invoice_date": bill_date,
                        "date": bill_date,
                        "ref": self.display_name,
                        "itsm_billing_run_id": self.id,
                        "invoice_line_ids": [Command.create(v) for _i, v in groups],
                    }
                )
                groups_list.append(groups)
            moves = Move.create(vals_list)
            self._itsm_link_items(moves, groups_list)

    def action_open_invoices(self):
        if self.run_type != "settlement":
            return super().action_open_invoices()
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_in_invoice_type"
        )
        action.update(
            domain=[("itsm_billing_run_id", "=", self.id)],
            context={"create": False, "default_move_type": "in_invoice"},
        )
        return action

    def action_open_credit_notes(self):
        if self.run_type != "settlement":
            return super().action_open_credit_notes()
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_in_refund_type"
        )
        action.update(
            domain=[("itsm_billing_rollback_run_id", "=", self.id)],
            context={"create": False, "default_move_type": "in_refund"},
        )
        return action
