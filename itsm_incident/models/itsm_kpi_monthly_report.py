from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..tools.cron import retry_on_conflict

# The measures of the report, as in the KPI pivot.
MEASURES = [
    "response_hours:avg",
    "resolution_hours:avg",
    "on_time_rate:avg",
    "sla_rate:avg",
    "satisfaction:avg",
    "recurrence_rate:avg",
]


class ItsmKpiMonthlyReport(models.Model):
    """The monthly management report (INC-16): the KPIs of the tickets
    reported in a month, by responsible, handling and reporter's department
    (S1 §3.2.3, §5), with the fault rate of each service (S3 §4.1), sent
    as a PDF to the managers chosen in Settings on the configured day — the
    KPI pivot's figures (it reads the same sums, refreshed first). One
    record per company and month is also the cron's marker: a month is
    reported once."""

    _name = "itsm.kpi.monthly.report"
    _description = "ITSM Monthly Management Report"
    _order = "date_from desc, id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", required=True, index=True)
    date_from = fields.Date(string="Month", required=True, readonly=True)
    date_to = fields.Date(string="Until", required=True, readonly=True)
    sent_date = fields.Datetime(string="Sent on", readonly=True)
    recipient_ids = fields.Many2many("res.users", string="Recipients", readonly=True)

    _sql_constraints = [
        (
            "company_month_unique",
            "unique(company_id, date_from)",
            "A month is reported once per company.",
        ),
    ]

    @api.depends("date_from")
    @api.depends_context("lang")
    def _compute_name(self):
        for report in self:
            report.name = self.env._(
                "Service desk report %s", report.date_from.strftime("%Y-%m")
            )

    def _itsm_domain(self):
        self.ensure_one()
        return [("company_id", "=", self.company_id.id), ("date", "=", self.date_from)]

    def _itsm_figures(self):
        """{'total': row, 'departments': [row, …], 'responsible_departments':
        [row, …], 'handling_departments': [row, …], 'services': [row, …]}:
        each department row a dict of the count, the cancelled or rejected
        count and the measures, computed with the pivot's read_group; each
        service row its faults, downtime and fault rate."""
        self.ensure_one()
        # sudo: the report shows the whole company to the managers chosen in
        # Settings, whoever runs the cron.
        Kpi = self.env["itsm.kpi.summary"].sudo()
        domain = self._itsm_domain()
        names = [measure.split(":")[0] for measure in MEASURES]

        aggregates = ["__count", "excluded_count:sum", *MEASURES]

        def row(label, values):
            return {
                "label": label,
                "count": values[0],
                "excluded_count": values[1],
                **dict(zip(names, values[2:], strict=True)),
            }

        def by(field):
            return [
                row(department.display_name or self.env._("No department"), values)
                for department, *values in Kpi._read_group(domain, [field], aggregates)
            ]

        total = Kpi._read_group(domain, [], aggregates)[0]
        # sudo: as above, the company's fault rates.
        services = [
            {
                "label": service.display_name,
                "fault_count": fault_count,
                "downtime_hours": downtime / 60.0,
                "fault_rate": rate or 0.0,
            }
            for service, fault_count, downtime, rate in self.env["itsm.kpi.fault.rate"]
            .sudo()
            ._read_group(
                domain,
                ["service_id"],
                ["fault_count:sum", "downtime_minutes:sum", "fault_rate:avg"],
            )
        ]
        return {
            "total": row(self.env._("Total"), total),
            "responsible_departments": by("responsible_department_id"),
            "handling_departments": by("handling_department_id"),
            "departments": by("department_id"),
            "services": services,
        }

    @api.model
    @retry_on_conflict
    def _cron_send(self, today=None):
        """From each company's report day on, report the previous month once
        (a day missed, e.g. the server was down, is caught up the next)."""
        today = today or fields.Date.context_today(self)
        companies = self.env["res.company"].search(
            [
                ("itsm_kpi_report_day", "<=", today.day),
                ("itsm_kpi_report_user_ids", "!=", False),
            ]
        )
        date_from = date(today.year, today.month, 1) - relativedelta(months=1)
        done = self.search(
            [("company_id", "in", companies.ids), ("date_from", "=", date_from)]
        ).company_id
        reports = self.create(
            [
                {
                    "company_id": company.id,
                    "date_from": date_from,
                    "date_to": date_from + relativedelta(months=1, days=-1),
                    "recipient_ids": company.itsm_kpi_report_user_ids.ids,
                }
                for company in companies - done
            ]
        )
        if reports:
            # sudo: the sums the report reads, up to date.
            self.env["itsm.kpi.summary"].sudo()._refresh()
        reports._itsm_send()
        self.env["ir.cron"]._notify_progress(done=len(reports), remaining=0)
        return reports

    def _itsm_send(self):
        """One mail per report and language: each manager reads it in theirs."""
        template = self.env.ref("itsm_incident.mail_template_kpi_monthly_report")
        for report in self:
            for lang, users in report.recipient_ids.grouped("lang").items():
                template.with_context(lang=lang).send_mail(
                    report.id,
                    email_values={"recipient_ids": users.partner_id.ids},
                )
            report.sent_date = fields.Datetime.now()
