from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import Command, fields, models
from odoo.tools import SQL, split_every

from .itsm_billing_item import CREDIT_KINDS

# Invoices made, and posted, per create / post call.
INVOICE_BATCH = 200
# What a run's invoices are made with: no tracking, no creation message per
# invoice (contract's path posts one per invoice; the run logs one note).
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRun(models.Model):
    """The work of a run (BIL-2): collecting the month's billable items,
    checking them, rating them and making the draft invoices, set-wise and
    idempotent — the same data gives the same items, amounts and invoices,
    and a step done twice adds nothing."""

    _inherit = "itsm.billing.run"

    def _itsm_item_domain(self):
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            ("run_type", "=", self.run_type),
            ("period_start", "=", self.period_start),
        ]

    def _itsm_period_item_count(self):
        return self.env["itsm.billing.item"].search_count(self._itsm_item_domain())

    def _itsm_period_bounds(self):
        """The month billed as [start, end) in UTC (naive), in the 24 × 7
        calendar's time zone, where the deadlines are counted."""
        self.ensure_one()
        tz = pytz.timezone(self.env.ref("itsm_incident.calendar_24x7").tz or "UTC")

        def moment(day):
            local = tz.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return moment(self.period_start), moment(
            self.period_start + relativedelta(months=1)
        )

    # ------------------------------------------------------------------
    # Collecting the month's items
    # ------------------------------------------------------------------

    def _itsm_billed_contracts(self):
        """The company's sale contracts billed by the run, not ended before
        the month."""
        self.ensure_one()
        return self.env["contract.contract"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("contract_type", "=", "sale"),
                ("itsm_billed_by_run", "=", True),
                # The lines' own dates say whether it runs in the month.
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", self.period_start),
            ]
        )

    def _itsm_month_line_domain(self, contracts):
        """The monthly recurring lines of the contracts running in the
        month, as a domain."""
        return [
            ("contract_id", "in", contracts.ids),
            ("display_type", "=", False),
            ("is_canceled", "=", False),
            ("recurring_rule_type", "in", ("monthly", "monthlylastday")),
            ("recurring_interval", "=", 1),
            ("date_start", "<=", self.period_end),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", self.period_start),
        ]

    def _itsm_fee_lines(self, contracts):
        """The monthly recurring lines of the contracts running in the
        month (other recurrences are not billed by the monthly run yet)."""
        return self.env["contract.line"].search_fetch(
            self._itsm_month_line_domain(contracts),
            [
                "contract_id",
                "product_id",
                "name",
                "quantity",
                "price_unit",
                "discount",
                "partner_id",
            ],
        )

    def _itsm_fee_values(self, lines):
        values = []
        for line in lines:
            name = line._insert_markers(self.period_start, self.period_end)
            values.append(
                {
                    "key": f"fixed_fee:contract.line:{line.id}",
                    "kind": "fixed_fee",
                    "name": name,
                    "contract_id": line.contract_id.id,
                    "contract_line_id": line.id,
                    "partner_id": line.contract_id.partner_id.id,
                    "product_id": line.product_id.id,
                    "source_model": "contract.line",
                    "source_id": line.id,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit * (1 - (line.discount or 0) / 100),
                }
            )
        return values

    def _itsm_breached_targets(self, contracts):
        """[(contract id, deadline id, ticket id, kind)] the response and
        resolution targets of the contracts' customers' tickets (on the
        services covered, all when none is named) due in the month and
        missed: breached, or still running past their due time."""
        self.ensure_one()
        if not contracts:
            return []
        start, end = self._itsm_period_bounds()
        now = fields.Datetime.now()
        for model in ("contract.contract", "helpdesk.ticket", "itsm.deadline"):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id, d.id, t.id, d.kind
                  FROM contract_contract c
                  JOIN helpdesk_ticket t
                    ON t.company_id = c.company_id
                   AND t.commercial_partner_id = c.commercial_partner_id
                  JOIN itsm_deadline d
                    ON d.res_model = 'helpdesk.ticket' AND d.res_id = t.id
                 WHERE c.id = ANY(%(contracts)s)
                   AND d.kind IN ('response', 'resolution')
                   AND d.deadline >= %(start)s AND d.deadline < %(end)s
                   AND (d.breached_at IS NOT NULL
                        OR (d.state = 'running' AND d.deadline < %(now)s))
                   AND (NOT EXISTS (SELECT 1
                                      FROM itsm_billing_contract_service_rel r
                                     WHERE r.contract_id = c.id)
                        OR t.service_id IN (SELECT r.service_id
                                              FROM itsm_billing_contract_service_rel r
                                             WHERE r.contract_id = c.id))
                 ORDER BY c.id, d.id
                """,
                contracts=contracts.ids,
                start=start,
                end=end,
                now=now,
            )
        )
        return self.env.cr.fetchall()

    def _itsm_credit_values(self, contracts, fee_values):
        """One negative item per breached target of a contract with SLA
        credits, and one positive item that brings a month's credits back to
        the cap when they exceed it."""
        contracts = contracts.filtered(lambda c: c.itsm_credit_type != "none")
        fees = {}
        for vals in fee_values:
            fees[vals["contract_id"]] = fees.get(vals["contract_id"], 0.0) + (
                vals["quantity"] * vals["price_unit"]
            )
        currency = self.company_id.currency_id
        labels = dict(
            self.env["itsm.deadline"]._fields["kind"]._description_selection(self.env)
        )
        values, credits = [], {}
        by_id = {contract.id: contract for contract in contracts}
        breaches = self._itsm_breached_targets(contracts)
        # sudo: the step's user (an operator, checked) names the tickets of
        # the credits on the items, whatever tickets they may read.
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .browse({ticket for _c, _d, ticket, _k in breaches})
        )
        tickets.fetch(["number", "name"])
        for contract_id, deadline_id, ticket_id, kind in breaches:
            contract = by_id[contract_id]
            fee = fees.get(contract_id, 0.0)
            credit = currency.round(
                fee * contract.itsm_credit_share / 100
                if contract.itsm_credit_type == "share"
                else contract.itsm_credit_amount
            )
            ticket = tickets.browse(ticket_id)
            credits[contract_id] = credits.get(contract_id, 0.0) + credit
            values.append(
                {
                    "key": f"sla_credit:{contract_id}:itsm.deadline:{deadline_id}",
                    "kind": "sla_credit",
                    "name": self.env._(
                        "SLA credit: %(target)s target missed on %(ticket)s",
                        target=labels.get(kind, kind),
                        ticket=ticket.number or ticket.name,
                    ),
                    "contract_id": contract_id,
                    "partner_id": contract.partner_id.id,
                    "ticket_id": ticket_id,
                    "source_model": "itsm.deadline",
                    "source_id": deadline_id,
                    "quantity": 1.0,
                    "price_unit": -credit,
                }
            )
        for contract_id, total in credits.items():
            contract = by_id[contract_id]
            cap = currency.round(
                fees.get(contract_id, 0.0) * contract.itsm_credit_cap_share / 100
            )
            if currency.compare_amounts(total, cap) > 0:
                values.append(
                    {
                        "key": f"sla_cap:{contract_id}",
                        "kind": "sla_cap",
                        "name": self.env._(
                            "SLA credits capped at %(share)s%% of the monthly fee",
                            share=contract.itsm_credit_cap_share,
                        ),
                        "contract_id": contract_id,
                        "partner_id": contract.partner_id.id,
                        "source_model": "contract.contract",
                        "source_id": contract_id,
                        "quantity": 1.0,
                        "price_unit": currency.round(total - cap),
                    }
                )
        return values

    def _itsm_collected_values(self, contracts):
        """The values of the month's collected items of these contracts:
        the fees and the SLA credits; extend to collect other facts."""
        fee_values = self._itsm_fee_values(self._itsm_fee_lines(contracts))
        return fee_values + self._itsm_credit_values(contracts, fee_values)

    def _itsm_collect_items(self):
        """Bring the month's collected items in line with the data: new
        facts are added, changed ones updated, vanished ones removed — all
        only while no invoice holds them; the same data leaves the items
        as they are."""
        self.ensure_one()
        self._itsm_sync_collected_items(
            self._itsm_collected_values(self._itsm_billed_contracts())
        )

    def _itsm_sync_collected_items(self, values):
        """Bring the month's collected items in line with ``values`` (by
        key): new ones created, changed ones updated, vanished ones removed
        — only while no document holds them."""
        self.ensure_one()
        Item = self.env["itsm.billing.item"]
        existing = Item.search_fetch(
            self._itsm_item_domain() + [("origin", "=", "auto")],
            ["key", "quantity", "price_unit", "name", "move_id"],
        ).grouped("key")
        common = {
            "origin": "auto",
            "run_type": self.run_type,
            "period_start": self.period_start,
            "company_id": self.company_id.id,
        }
        to_create, seen = [], set()
        for vals in values:
            seen.add(vals["key"])
            item = existing.get(vals["key"])
            if not item:
                to_create.append(dict(vals, **common))
            elif not item.move_id and (
                item.quantity != vals["quantity"]
                or item.price_unit != vals["price_unit"]
                or item.name != vals["name"]
            ):
                item.write(
                    {key: vals[key] for key in ("quantity", "price_unit", "name")}
                )
        Item.create(to_create)
        vanished = Item.browse(
            [
                item.id
                for key, item in existing.items()
                if key not in seen and not item.move_id
            ]
        )
        vanished.unlink()

    # ------------------------------------------------------------------
    # The automatic data checks
    # ------------------------------------------------------------------

    def _itsm_data_checks(self):
        """[(code, name, domain on the month's items, blocking)] the
        automatic checks of the data (S4 数据检查): the active data checks
        of the run's kind, which a billing supervisor edits and extends."""
        checks = self.env["itsm.billing.data.check"].search(
            [("run_type", "in", ("both", self.run_type))]
        )
        return [
            (
                check.code or f"check_{check.id}",
                check.name,
                check._itsm_domain(),
                check.blocking,
            )
            for check in checks
        ]

    def _itsm_mark_duplicates(self):
        """Mark the month's items that bill the same source as another."""
        self.env["itsm.billing.item"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE itsm_billing_item i
                   SET is_duplicate = dup.n > 1
                  FROM (SELECT id, count(*) OVER (
                               PARTITION BY kind, source_model, source_id) AS n
                          FROM itsm_billing_item
                         WHERE company_id = %(company)s AND run_type = %(type)s
                           AND period_start = %(start)s
                           AND source_id IS NOT NULL) dup
                 WHERE dup.id = i.id AND i.is_duplicate IS DISTINCT FROM (dup.n > 1)
                """,
                company=self.company_id.id,
                type=self.run_type,
                start=self.period_start,
            )
        )
        self.env["itsm.billing.item"].invalidate_model(["is_duplicate"])

    def _itsm_run_data_checks(self):
        """Run the automatic checks, record what each found on the run and
        return how many items the blocking ones found."""
        self.ensure_one()
        self._itsm_mark_duplicates()
        self._itsm_mark_outliers()
        Item = self.env["itsm.billing.item"]
        base = self._itsm_item_domain()
        values, blocking_found = [], 0
        for sequence, (code, name, domain, blocking) in enumerate(
            self._itsm_data_checks()
        ):
            found = Item.search_count(base + domain)
            blocking_found += found if blocking else 0
            values.append(
                {
                    "run_id": self.id,
                    "check_type": "auto",
                    "sequence": sequence,
                    "code": code,
                    "name": name,
                    "found_count": found,
                    "blocking": blocking,
                    "item_domain": repr(domain),
                }
            )
        self.check_item_ids.unlink()
        self.env["itsm.billing.check.item"].create(values)
        return blocking_found

    # ------------------------------------------------------------------
    # Rating and invoices
    # ------------------------------------------------------------------

    def _itsm_rating_groups(self):
        """The SQL expressions of what makes one invoice line of a billing
        run's items (the contract, its line or product, the unit price and
        the kind: ``_itsm_invoice_line_groups``); an SLA credit is its own."""
        return SQL(
            "i.contract_id, CASE WHEN i.kind IN %s THEN i.id END, "
            "COALESCE(i.contract_line_id, -COALESCE(i.product_id, 0)), "
            "i.price_unit, i.kind",
            CREDIT_KINDS,
        )

    def _itsm_rate(self, units=None):
        """amount = quantity × unit price for every item of the month not
        yet invoiced — of the ``units`` (ids of the contracts, or of the
        partners settled with, a chunk of the run invoices) when given: one
        statement. An invoice line is rounded once, on its summed quantity:
        the items it sums are rounded cumulatively (each the rounded running
        total less the rounded running total before it, in the order of their
        keys), so that they add up to the line to the cent, and the same data
        gives the same amounts."""
        self.ensure_one()
        Item = self.env["itsm.billing.item"]
        Item.flush_model()
        unit_filter = SQL()
        if units is not None:
            unit_filter = SQL(
                "AND %s = ANY(%s)",
                SQL.identifier("i", self._itsm_unit_fields()[0]),
                list(units),
            )
        self.env.cr.execute(
            SQL(
                """
                WITH exact AS (
                    SELECT i.id, cur.rounding,
                           COALESCE(i.quantity, 0)::numeric
                           * COALESCE(i.price_unit, 0)::numeric AS value
                      FROM itsm_billing_item i
                      JOIN res_currency cur ON cur.id = i.currency_id
                     WHERE i.company_id = %(company)s AND i.run_type = %(type)s
                       AND i.period_start = %(start)s AND i.move_id IS NULL
                       %(units)s
                ), running AS (
                    SELECT exact.id, exact.rounding, exact.value,
                           SUM(exact.value) OVER (
                               PARTITION BY %(groups)s
                               ORDER BY i.key, i.id
                               ROWS UNBOUNDED PRECEDING) AS total
                      FROM exact
                      JOIN itsm_billing_item i ON i.id = exact.id
                )
                UPDATE itsm_billing_item i
                   SET amount = ROUND(r.total / r.rounding) * r.rounding
                              - ROUND((r.total - r.value) / r.rounding) * r.rounding,
                       run_id = %(run)s, write_uid = %(uid)s,
                       write_date = NOW() AT TIME ZONE 'UTC'
                  FROM running r
                 WHERE r.id = i.id
                """,
                run=self.id,
                uid=self.env.uid,
                company=self.company_id.id,
                type=self.run_type,
                start=self.period_start,
                units=unit_filter,
                groups=self._itsm_rating_groups(),
            )
        )
        Item.invalidate_model(["amount", "run_id", "write_uid", "write_date"])

    def _itsm_invoice_line_groups(self, items):
        """[(items, invoice line values)] of one contract: a line per
        contract line (or product), unit price and kind, its quantity the
        items' summed — 100 usage records of a line make one invoice line —
        and one line for all the SLA credits and their cap."""
        groups, credits = [], items.filtered(lambda i: i.kind in CREDIT_KINDS)
        by_key = (items - credits).grouped(
            lambda i: (i.contract_line_id or i.product_id, i.price_unit, i.kind)
        )
        for same in by_key.values():
            first = same[0]
            name = first.name
            if len(same) > 1:
                line = first.contract_line_id
                name = self.env._(
                    "%(name)s (%(count)s records)",
                    name=line._insert_markers(self.period_start, self.period_end)
                    if line
                    else first.product_id.display_name or first.name,
                    count=len(same),
                )
            groups.append(
                (
                    same,
                    {
                        "product_id": first.product_id.id,
                        "name": name,
                        "quantity": sum(same.mapped("quantity")),
                        "price_unit": first.price_unit,
                        "contract_line_id": first.contract_line_id.id,
                    },
                )
            )
        if credits:
            breaches = len(credits.filtered(lambda i: i.kind == "sla_credit"))
            groups.append(
                (
                    credits,
                    {
                        "name": self.env._(
                            "SLA credits: %(count)s targets missed in %(month)s",
                            count=breaches,
                            month=self.period_start.strftime("%Y-%m"),
                        ),
                        "quantity": 1.0,
                        "price_unit": sum(credits.mapped("amount")),
                    },
                )
            )
        for sequence, (_items, vals) in enumerate(groups, start=1):
            vals["sequence"] = sequence * 10
        return groups

    def _itsm_make_invoices(self, batch_size=INVOICE_BATCH, units=None):
        """A draft invoice per contract of the rated items (of the contracts
        ``units`` when given: a chunk of the run), created in batches with no
        message per invoice; contracts that have theirs in this run already
        (a retried chunk) get none again (a unique index holds it too)."""
        self.ensure_one()
        Item = self.env["itsm.billing.item"]
        domain = [("run_id", "=", self.id), ("move_id", "=", False)]
        if units is not None:
            domain.append(("contract_id", "in", list(units)))
        items = Item.search(domain, order="contract_id, kind, id")
        done = set(self.move_ids.itsm_billing_contract_id.ids)
        by_contract = {
            contract: contract_items
            for contract, contract_items in items.grouped("contract_id").items()
            if contract and contract.id not in done
        }
        invoice_date = self.period_end + relativedelta(days=1)
        Move = self.env["account.move"].with_context(**QUIET)
        for contracts in split_every(batch_size, list(by_contract)):
            vals_list, groups_list = [], []
            for contract in contracts:
                groups = self._itsm_invoice_line_groups(by_contract[contract])
                vals = contract.with_company(self.company_id)._prepare_invoice(
                    invoice_date
                )
                vals.update(
                    itsm_billing_run_id=self.id,
                    itsm_billing_contract_id=contract.id,
                    invoice_line_ids=[Command.create(v) for _i, v in groups],
                )
                vals_list.append(vals)
                groups_list.append(groups)
            moves = Move.create(vals_list)
            self._itsm_link_items(moves, groups_list)

    def _itsm_link_items(self, moves, groups_list):
        """Put each item's invoice and line on it, in one statement."""
        item_ids, move_ids, line_ids = [], [], []
        for move, groups in zip(moves, groups_list, strict=True):
            lines = move.invoice_line_ids.sorted("sequence")
            for line, (items, _vals) in zip(lines, groups, strict=True):
                for item in items:
                    item_ids.append(item.id)
                    move_ids.append(move.id)
                    line_ids.append(line.id)
        self.env.cr.execute(
            SQL(
                """
                UPDATE itsm_billing_item i
                   SET move_id = l.move_id, move_line_id = l.line_id
                  FROM unnest(%s::int[], %s::int[], %s::int[])
                       AS l(item_id, move_id, line_id)
                 WHERE i.id = l.item_id
                """,
                item_ids,
                move_ids,
                line_ids,
            )
        )
        self.env["itsm.billing.item"].invalidate_model(["move_id", "move_line_id"])

    def _itsm_create_report_items(self):
        """The check report's items, from the department's list."""
        self.ensure_one()
        templates = self.env["itsm.billing.check.template"].search(
            [("run_type", "in", ("both", self.run_type))]
        )
        self.report_item_ids.unlink()
        self.env["itsm.billing.check.item"].create(
            [
                {
                    "run_id": self.id,
                    "check_type": "manual",
                    "sequence": template.sequence,
                    "name": template.name,
                    "description": template.description,
                }
                for template in templates
            ]
        )

    def _itsm_post_invoices(self, batch_size=INVOICE_BATCH):
        """Post the run's draft invoices in batches (posting gives them
        their numbers)."""
        self.ensure_one()
        drafts = self.move_ids.filtered(lambda m: m.state == "draft")
        for batch in split_every(batch_size, drafts.ids, drafts.browse):
            batch.with_context(**QUIET)._post(soft=False)
