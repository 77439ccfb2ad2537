from odoo import models
from odoo.tools import SQL, float_round


class ItsmBillingRun(models.Model):
    """Per-hour billing (BIL-1): one item per timesheet line dated in the
    month on a ticket of the contract's customer, collected set-wise (one
    query for all the contracts) with the run's other collected items."""

    _inherit = "itsm.billing.run"

    def _itsm_hour_lines(self, contracts):
        """The monthly lines of the contracts billed per hour, running in
        the month."""
        return (
            self.env["contract.line"]
            .search_fetch(
                self._itsm_month_line_domain(contracts)
                + [("itsm_billing_model", "=", "hour")],
                [
                    "contract_id",
                    "product_id",
                    "price_unit",
                    "discount",
                    "date_start",
                    "date_end",
                ],
            )
            .sorted("id")
        )

    def _itsm_timesheet_lines(self, lines):
        """[(line id, timesheet line id)] the timesheet lines each line
        bills: those of the run's company dated in the month (within the
        line's dates), with hours, on an active ticket of the run's company
        whose commercial partner is the contract's customer; of the line's
        ticket categories, priorities and services when it names some (else
        of the services its contract covers, if any) — as the per-ticket
        lines filter their tickets. One query for all the lines."""
        self.ensure_one()
        if not lines:
            return []
        rows = {"line": [], "partner": [], "first": [], "last": []}
        for line in lines:
            rows["line"].append(line.id)
            rows["partner"].append(line.contract_id.commercial_partner_id.id)
            rows["first"].append(max(self.period_start, line.date_start))
            rows["last"].append(min(self.period_end, line.date_end or self.period_end))
        for model in (
            "contract.line",
            "helpdesk.ticket",
            "account.analytic.line",
            "itsm.priority",
        ):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT l.line_id, a.id
                  FROM unnest(%(lines)s::int[], %(partners)s::int[],
                              %(firsts)s::date[], %(lasts)s::date[])
                       AS l(line_id, partner_id, first_day, last_day)
                  JOIN contract_line cl ON cl.id = l.line_id
                  JOIN helpdesk_ticket t
                    ON t.commercial_partner_id = l.partner_id
                   AND t.company_id = %(company)s
                   AND t.active
                  JOIN account_analytic_line a
                    ON a.ticket_id = t.id
                   AND a.company_id = %(company)s
                   AND a.project_id IS NOT NULL
                   AND a.unit_amount <> 0
                   AND a.date >= l.first_day AND a.date <= l.last_day
                 WHERE %(ticket_filter)s
                 ORDER BY l.line_id, a.date, a.id
                """,
                lines=rows["line"],
                partners=rows["partner"],
                ticket_filter=self._itsm_line_ticket_filter(),
                firsts=rows["first"],
                lasts=rows["last"],
                company=self.company_id.id,
            )
        )
        return self.env.cr.fetchall()

    def _itsm_hour_values(self, contracts):
        """One item per timesheet line a line bills, keyed
        ``hour:<timesheet line>:<line>``: its hours (rounded as the item
        keeps them) at the line's unit price less its discount."""
        lines = self._itsm_hour_lines(contracts)
        pairs = self._itsm_timesheet_lines(lines)
        # sudo: the step's user (an operator, checked) names the timesheet
        # lines and tickets the items bill, whatever timesheets they may read.
        timesheets = (
            self.env["account.analytic.line"]
            .sudo()
            .browse({timesheet for _l, timesheet in pairs})
        )
        timesheets.fetch(["name", "date", "unit_amount", "ticket_id", "employee_id"])
        timesheets.ticket_id.fetch(["number", "name"])
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        values = []
        for line_id, timesheet_id in pairs:
            line = lines.browse(line_id)
            timesheet = timesheets.browse(timesheet_id)
            ticket = timesheet.ticket_id
            values.append(
                {
                    "key": f"hour:{timesheet_id}:{line_id}",
                    "kind": "hour",
                    "name": self.env._(
                        "%(ticket)s, %(date)s, %(employee)s: %(work)s",
                        ticket=ticket.number or ticket.name,
                        date=timesheet.date,
                        employee=timesheet.employee_id.name or "",
                        work=timesheet.name or "/",
                    ),
                    "contract_id": line.contract_id.id,
                    "contract_line_id": line_id,
                    "partner_id": line.contract_id.partner_id.id,
                    "product_id": line.product_id.id,
                    "ticket_id": ticket.id,
                    "source_model": "account.analytic.line",
                    "source_id": timesheet_id,
                    "quantity": float_round(
                        timesheet.unit_amount, precision_digits=digits
                    ),
                    "price_unit": line.price_unit * (1 - (line.discount or 0) / 100),
                }
            )
        return values

    def _itsm_collected_values(self, contracts):
        values = super()._itsm_collected_values(contracts)
        if self.run_type != "billing":
            return values
        return values + self._itsm_hour_values(contracts)
