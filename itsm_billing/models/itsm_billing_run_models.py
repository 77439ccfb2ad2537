from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.tools import SQL

from .contract_line import TICKET_MODELS
from .itsm_billing_item import CREDIT_KINDS


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRun(models.Model):
    """The billing models of the contract lines beyond the fixed monthly
    fee (BIL-1): one item per ticket or fulfilled service request of the
    customer closed in the month, collected set-wise (one query for all the
    contracts); usage items are imported (``itsm.billing.usage.import``)."""

    _inherit = "itsm.billing.run"

    def _itsm_fee_lines(self, contracts):
        # Only the fixed monthly fees are fees; the other lines bill units.
        return (
            super()
            ._itsm_fee_lines(contracts)
            .filtered(lambda line: line.itsm_billing_model == "fixed")
        )

    def _itsm_ticket_lines(self, contracts):
        """The monthly lines of the contracts billed per ticket or per
        service request, running in the month."""
        return (
            self.env["contract.line"]
            .search_fetch(
                self._itsm_month_line_domain(contracts)
                + [("itsm_billing_model", "in", TICKET_MODELS)],
                [
                    "contract_id",
                    "product_id",
                    "name",
                    "price_unit",
                    "discount",
                    "date_start",
                    "date_end",
                    "itsm_billing_model",
                ],
            )
            .sorted("id")
        )

    def _itsm_moment(self, day):
        """00:00 of ``day`` in the 24 × 7 calendar's time zone, as a naive
        UTC datetime (where the month's bounds are counted)."""
        tz = pytz.timezone(self.env.ref("itsm_incident.calendar_24x7").tz or "UTC")
        local = tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _itsm_line_ticket_filter(self):
        """The tickets ``t`` a unit-billed contract line ``l.line_id`` (of
        contract line ``cl``) counts, as SQL: of its categories and
        priorities when it names some, of its services, else of those its
        contract covers (all when none). Shared by every query that bills
        tickets' facts per line (tickets, requests, hours)."""
        return SQL(
            """
            (NOT EXISTS (SELECT 1
                           FROM itsm_billing_contract_line_category_rel r
                          WHERE r.line_id = l.line_id)
             OR t.category_id IN (
                 SELECT r.category_id
                   FROM itsm_billing_contract_line_category_rel r
                  WHERE r.line_id = l.line_id))
        AND (NOT EXISTS (SELECT 1
                           FROM itsm_billing_contract_line_priority_rel r
                          WHERE r.line_id = l.line_id)
             OR t.itsm_priority IN (
                 SELECT p.level
                   FROM itsm_billing_contract_line_priority_rel r
                   JOIN itsm_priority p ON p.id = r.priority_id
                  WHERE r.line_id = l.line_id))
        AND CASE
            WHEN EXISTS (SELECT 1
                           FROM itsm_billing_contract_line_service_rel r
                          WHERE r.line_id = l.line_id)
            THEN t.service_id IN (
                 SELECT r.service_id
                   FROM itsm_billing_contract_line_service_rel r
                  WHERE r.line_id = l.line_id)
            WHEN EXISTS (SELECT 1
                           FROM itsm_billing_contract_service_rel r
                          WHERE r.contract_id = cl.contract_id)
            THEN t.service_id IN (
                 SELECT r.service_id
                   FROM itsm_billing_contract_service_rel r
                  WHERE r.contract_id = cl.contract_id)
            ELSE TRUE
            END
            """
        )

    def _itsm_closed_tickets(self, lines):
        """[(line id, ticket id)] the tickets each line bills: the
        customer's tickets of the run's company closed (in a closed-loop
        stage: done, not cancelled) in the month, within the line's dates;
        service requests for a per-request line, the other types for a
        per-ticket line; of the line's categories, priorities and services
        when it names some (else of the services its contract covers, if
        any).
        One query for all the lines."""
        self.ensure_one()
        if not lines:
            return []
        rows = {"line": [], "partner": [], "start": [], "end": [], "request": []}
        for line in lines:
            first = max(self.period_start, line.date_start)
            last = min(self.period_end, line.date_end or self.period_end)
            rows["line"].append(line.id)
            rows["partner"].append(line.contract_id.commercial_partner_id.id)
            rows["start"].append(self._itsm_moment(first))
            rows["end"].append(self._itsm_moment(last + relativedelta(days=1)))
            rows["request"].append(line.itsm_billing_model == "request")
        for model in (
            "contract.line",
            "helpdesk.ticket",
            "helpdesk.ticket.stage",
            "itsm.priority",
        ):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT l.line_id, t.id
                  FROM unnest(%(lines)s::int[], %(partners)s::int[],
                              %(starts)s::timestamp[], %(ends)s::timestamp[],
                              %(requests)s::bool[])
                       AS l(line_id, partner_id, start_at, end_at, request)
                  JOIN contract_line cl ON cl.id = l.line_id
                  JOIN helpdesk_ticket t
                    ON t.commercial_partner_id = l.partner_id
                   AND t.company_id = %(company)s
                   AND t.active
                   AND t.closed_date >= l.start_at AND t.closed_date < l.end_at
                   AND (t.declaration_type = 'service_request') = l.request
                  JOIN helpdesk_ticket_stage s
                    ON s.id = t.stage_id AND s.closed AND s.itsm_closed_loop
                 WHERE %(ticket_filter)s
                 ORDER BY l.line_id, t.id
                """,
                lines=rows["line"],
                partners=rows["partner"],
                starts=rows["start"],
                ends=rows["end"],
                requests=rows["request"],
                company=self.company_id.id,
                ticket_filter=self._itsm_line_ticket_filter(),
            )
        )
        return self.env.cr.fetchall()

    def _itsm_ticket_values(self, contracts):
        """One item per ticket (or service request) a line bills, keyed
        ``ticket:<ticket>:<line>`` (``request:…`` for a request), at the
        line's unit price less its discount."""
        lines = self._itsm_ticket_lines(contracts)
        pairs = self._itsm_closed_tickets(lines)
        # sudo: the step's user (an operator, checked) names the tickets the
        # items bill, whatever tickets they may read.
        tickets = (
            self.env["helpdesk.ticket"].sudo().browse({ticket for _l, ticket in pairs})
        )
        tickets.fetch(["number", "name"])
        values = []
        for line_id, ticket_id in pairs:
            line = lines.browse(line_id)
            ticket = tickets.browse(ticket_id)
            kind = line.itsm_billing_model
            values.append(
                {
                    "key": f"{kind}:{ticket_id}:{line_id}",
                    "kind": kind,
                    "name": f"{ticket.number or ''} {ticket.name}".strip(),
                    "contract_id": line.contract_id.id,
                    "contract_line_id": line_id,
                    "partner_id": line.contract_id.partner_id.id,
                    "product_id": line.product_id.id,
                    "ticket_id": ticket_id,
                    "source_model": "helpdesk.ticket",
                    "source_id": ticket_id,
                    "quantity": 1.0,
                    "price_unit": line.price_unit * (1 - (line.discount or 0) / 100),
                }
            )
        return values

    def _itsm_collected_values(self, contracts):
        values = super()._itsm_collected_values(contracts)
        if self.run_type != "billing":
            return values
        return values + self._itsm_ticket_values(contracts)

    def _itsm_invoice_line_groups(self, items):
        """The tickets (or requests) a contract line bills make one invoice
        line: the line's name for the month, their count, its unit price;
        each item keeps the invoice line it is on."""
        counted = items.filtered(lambda i: i.kind in TICKET_MODELS)
        groups = super()._itsm_invoice_line_groups(items - counted)
        if not counted:
            return groups
        new_groups = []
        by_line = counted.grouped(lambda i: (i.contract_line_id, i.kind, i.price_unit))
        for (line, kind, price), line_items in by_line.items():
            name = line._insert_markers(self.period_start, self.period_end)
            count = (
                self.env._("%s tickets closed", len(line_items))
                if kind == "ticket"
                else self.env._("%s service requests fulfilled", len(line_items))
            )
            new_groups.append(
                (
                    line_items,
                    {
                        "product_id": line.product_id.id,
                        "name": f"{name} ({count})",
                        "quantity": sum(line_items.mapped("quantity")),
                        "price_unit": price,
                        "contract_line_id": line.id,
                    },
                )
            )
        # Before the SLA credits, which close the invoice.
        position = next(
            (
                index
                for index, (group_items, _vals) in enumerate(groups)
                if group_items[:1].kind in CREDIT_KINDS
            ),
            len(groups),
        )
        groups[position:position] = new_groups
        for sequence, (_items, vals) in enumerate(groups, start=1):
            vals["sequence"] = sequence * 10
        return groups
