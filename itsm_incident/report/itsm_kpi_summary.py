from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.cron import retry_on_conflict
from .itsm_kpi_measures import excluded_sql

# Measures aggregated as ratios of sums, so that a group's rate is the share
# of its tickets, whatever the rows it is made of: {field: (numerator,
# denominator, factor)}.
RATIOS = {
    "response_hours": ("response_hours_sum", "responded_count", 1.0),
    "resolution_hours": ("resolution_hours_sum", "resolved_count", 1.0),
    "on_time_rate": ("on_time_count", "resolved_count", 100.0),
    "response_rate": ("response_on_time_count", "responded_count", 100.0),
    "sla_rate": ("sla_met_count", "resolved_count", 100.0),
    "satisfaction": ("rating_sum", "rated_count", 1.0),
    "recurrence_rate": ("recurrence_count", "ticket_count", 100.0),
}


class ItsmKpiSummary(models.Model):
    """KPIs (INC-16) by company, type, department (the reporter's, the
    responsible and the handling one), service, team, handler, category,
    priority and month reported: the pivot and the graph read these sums, so
    that they answer at once whatever the number of tickets.

    A materialized view of the tickets, refreshed by a cron (hourly by
    default) and before each monthly report; months are those of the
    company's working calendar. Rates and averages are ratios of the stored
    sums (see ``RATIOS``), "Count" is the number of tickets."""

    _name = "itsm.kpi.summary"
    _inherit = ["itsm.kpi.measures"]
    _description = "ITSM KPIs"
    _auto = False
    _order = "date desc, id"
    _rec_name = "date"

    date = fields.Date(string="Month reported", readonly=True)
    ticket_count = fields.Integer(string="Tickets", readonly=True)
    closed_count = fields.Integer(string="Closed", readonly=True)
    resolved_count = fields.Integer(string="Resolved", readonly=True)
    escalated_count = fields.Integer(string="Escalated", readonly=True)
    valid_count = fields.Integer(string="Screened valid", readonly=True)
    invalid_count = fields.Integer(string="Screened invalid", readonly=True)
    out_of_scope_count = fields.Integer(string="Out of scope", readonly=True)
    excluded_count = fields.Integer(
        string="Cancelled or rejected",
        readonly=True,
        help="Cancelled, rejected or screened out: left out of the times, "
        "the on-time rates and SLA compliance.",
    )

    def init(self):
        cr = self.env.cr
        cr.execute(SQL("DROP MATERIALIZED VIEW IF EXISTS itsm_kpi_summary"))
        cr.execute(
            SQL(
                "CREATE MATERIALIZED VIEW itsm_kpi_summary AS %s",
                self._itsm_summary_query(),
            )
        )
        # REFRESH … CONCURRENTLY needs a unique index; readers never wait.
        cr.execute(
            SQL("CREATE UNIQUE INDEX itsm_kpi_summary_id_idx ON itsm_kpi_summary (id)")
        )
        cr.execute(
            SQL("CREATE INDEX itsm_kpi_summary_date_idx ON itsm_kpi_summary (date)")
        )

    @api.model
    def _itsm_summary_query(self):
        names = [
            "company_id",
            "declaration_type",
            "department_id",
            "responsible_department_id",
            "handling_department_id",
            "service_id",
            "team_id",
            "user_id",
            "category_id",
            "itsm_priority",
        ]
        keys = SQL(", ").join(SQL.identifier("t", name) for name in names)
        row_order = SQL(", ").join(SQL.identifier("g", name) for name in names)
        month = SQL(
            "date_trunc('month', t.create_date AT TIME ZONE 'UTC' "
            "AT TIME ZONE COALESCE(cal.tz, 'UTC'))::date"
        )
        judged = SQL("NOT %s", excluded_sql())
        ratios = SQL(", ").join(
            SQL(
                "%(factor)s * %(num)s / NULLIF(%(den)s, 0) AS %(name)s",
                factor=factor,
                num=SQL.identifier(num),
                den=SQL.identifier(den),
                name=SQL.identifier(name),
            )
            for name, (num, den, factor) in RATIOS.items()
        )
        return SQL(
            """
            SELECT row_number() OVER (ORDER BY g.date, %(row_order)s)::int AS id,
                   g.*, %(ratios)s
              FROM (
                SELECT %(keys)s,
                       %(month)s AS date,
                       count(*)::int AS ticket_count,
                       count(t.closed_date)::int AS closed_count,
                       -- Cancelled and rejected tickets stay out of the
                       -- times and the on-time measures (excluded_sql).
                       count(*) FILTER (WHERE t.acknowledged_date IS NOT NULL
                           AND %(judged)s)::int AS responded_count,
                       count(*) FILTER (WHERE t.resolution_done_date IS NOT NULL
                           AND %(judged)s)::int AS resolved_count,
                       COALESCE(sum(t.response_working_minutes / 60.0)
                           FILTER (WHERE t.acknowledged_date IS NOT NULL
                               AND %(judged)s), 0) AS response_hours_sum,
                       COALESCE(sum(t.resolution_working_minutes / 60.0)
                           FILTER (WHERE t.resolution_done_date IS NOT NULL
                               AND %(judged)s), 0) AS resolution_hours_sum,
                       count(*) FILTER (WHERE t.resolution_done_date IS NOT NULL
                           AND t.resolution_met AND %(judged)s) AS on_time_count,
                       count(*) FILTER (WHERE t.acknowledged_date IS NOT NULL
                           AND t.response_met AND %(judged)s)
                           AS response_on_time_count,
                       count(*) FILTER (WHERE t.resolution_done_date IS NOT NULL
                           AND t.response_met AND t.resolution_met AND %(judged)s)
                           AS sla_met_count,
                       count(*) FILTER (WHERE NOT %(judged)s)::int
                           AS excluded_count,
                       count(r.rating)::int AS rated_count,
                       COALESCE(sum(r.rating), 0) AS rating_sum,
                       count(*) FILTER (WHERE t.is_recurrence) AS recurrence_count,
                       count(e.ticket_id)::int AS escalated_count,
                       COALESCE(max(e.level), 0)::int AS escalation_level,
                       count(*) FILTER (WHERE t.screening_state = 'valid')::int
                           AS valid_count,
                       count(*) FILTER (WHERE t.screening_state = 'invalid')::int
                           AS invalid_count,
                       count(*) FILTER (WHERE t.screening_state = 'out_of_scope')::int
                           AS out_of_scope_count
                  FROM helpdesk_ticket t
                  JOIN res_company c ON c.id = t.company_id
             LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
             LEFT JOIN resource_calendar cal ON cal.id = c.resource_calendar_id
             -- The reporter's latest rating, nobody else's (H4).
             LEFT JOIN (SELECT DISTINCT ON (rr.res_id) rr.res_id, rr.rating
                          FROM rating_rating rr
                          JOIN helpdesk_ticket rt ON rt.id = rr.res_id
                               AND rt.partner_id = rr.partner_id
                         WHERE rr.res_model = 'helpdesk.ticket' AND rr.consumed
                      ORDER BY rr.res_id, rr.id DESC) r ON r.res_id = t.id
             LEFT JOIN (SELECT ticket_id, count(*) AS level
                          FROM itsm_escalation_log
                      GROUP BY ticket_id) e ON e.ticket_id = t.id
                 WHERE t.is_itsm
              GROUP BY %(keys)s, %(month)s
              ) g
            """,
            keys=keys,
            row_order=row_order,
            month=month,
            judged=judged,
            ratios=ratios,
        )

    @api.model
    def _refresh(self):
        """Bring the sums and the fault rates up to date (the cron, the
        monthly report)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL("REFRESH MATERIALIZED VIEW CONCURRENTLY itsm_kpi_summary")
        )
        # Fresh statistics, or the planner takes the sums for a few rows.
        self.env.cr.execute(SQL("ANALYZE itsm_kpi_summary"))
        # The fault rate by service and month (S3 §4.1), on the same beat.
        self.env["itsm.kpi.fault.rate"]._refresh()
        self.env.invalidate_all()
        # sudo: the system records when it last refreshed the figures.
        self.env["ir.config_parameter"].sudo().set_param(
            "itsm_incident.kpi_summary_refreshed_at",
            fields.Datetime.to_string(fields.Datetime.now()),
        )

    @api.model
    @retry_on_conflict
    def _cron_refresh(self):
        self._refresh()
        self.env["ir.cron"]._notify_progress(done=1, remaining=0)

    def _read_group_select(self, aggregate_spec, query):
        """Count the tickets, not the rows; rates as ratios of sums."""
        if aggregate_spec == "__count":
            return SQL("SUM(%s)", SQL.identifier(self._table, "ticket_count"))
        fname = aggregate_spec.split(":")[0]
        if fname in RATIOS:
            num, den, factor = RATIOS[fname]
            return SQL(
                "%s * SUM(%s) / NULLIF(SUM(%s), 0)",
                factor,
                SQL.identifier(self._table, num),
                SQL.identifier(self._table, den),
            )
        return super()._read_group_select(aggregate_spec, query)
