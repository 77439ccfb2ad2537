from odoo import api, fields, models
from odoo.tools import SQL

from .itsm_kpi_measures import excluded_sql


class ItsmKpiFaultRate(models.Model):
    """The fault rate (故障率, S3 §4.1) of each service of the catalogue, by
    month: the time its faults kept it down within its service hours over
    those hours, in percent, and how many faults began in the month.

    A fault is down from its report (creation) until it is recovered
    (``fault_recovered_date``; still down when it is not yet); overlapping
    faults of a service count once; a fault spanning months counts in each
    for its part. Service hours are those of the service's calendar (public
    holidays and make-up working days included), around the clock when it
    has none; months are those of that calendar's time zone, else the
    company's. Cancelled and rejected tickets are no faults.

    Rebuilt with the KPI sums (``itsm.kpi.summary._refresh``, hourly): the
    faults and their overlaps are merged in SQL, then each service and month
    is measured once against its calendar."""

    _name = "itsm.kpi.fault.rate"
    _description = "ITSM Fault Rate"
    _order = "date desc, service_id"
    _rec_name = "service_id"

    company_id = fields.Many2one("res.company", readonly=True, index=True)
    service_id = fields.Many2one("itsm.service", readonly=True, index=True)
    date = fields.Date(string="Month", readonly=True, index=True)
    fault_count = fields.Integer(
        string="Faults", readonly=True, help="Faults that began in the month."
    )
    downtime_minutes = fields.Float(
        string="Downtime (minutes)",
        readonly=True,
        help="Minutes of service hours in the month during which at least "
        "one fault of the service was not yet recovered.",
    )
    service_minutes = fields.Float(
        string="Service time (minutes)",
        readonly=True,
        help="Minutes of service hours in the month (around the clock when "
        "the service has no service hours).",
    )
    fault_rate = fields.Float(
        string="Fault rate (%)",
        readonly=True,
        aggregator="avg",
        help="Downtime over service time, in percent (grouped: the sums' ratio).",
    )

    @api.model
    def _itsm_downtime_query(self, now):
        """One row per service and month with a fault: the month's bounds
        (naive UTC), the faults begun in it and the merged down spans."""
        return SQL(
            """
            WITH faults AS (
                SELECT t.company_id, t.service_id,
                       COALESCE(scal.tz, ccal.tz, 'UTC') AS tz,
                       t.create_date AS down_from,
                       GREATEST(COALESCE(t.fault_recovered_date, %(now)s),
                                t.create_date) AS down_to
                  FROM helpdesk_ticket t
                  JOIN itsm_service sv ON sv.id = t.service_id
                  JOIN res_company c ON c.id = t.company_id
             LEFT JOIN resource_calendar scal ON scal.id = sv.resource_calendar_id
             LEFT JOIN resource_calendar ccal ON ccal.id = c.resource_calendar_id
             LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                 WHERE t.is_itsm AND t.is_fault AND NOT %(excluded)s
            ), months AS (
                SELECT f.*, m.month::date AS month,
                       (m.month AT TIME ZONE f.tz) AT TIME ZONE 'UTC' AS month_from,
                       ((m.month + interval '1 month') AT TIME ZONE f.tz)
                           AT TIME ZONE 'UTC' AS month_to
                  FROM faults f,
                       generate_series(
                           date_trunc('month',
                               f.down_from AT TIME ZONE 'UTC' AT TIME ZONE f.tz),
                           date_trunc('month',
                               f.down_to AT TIME ZONE 'UTC' AT TIME ZONE f.tz),
                           interval '1 month') AS m(month)
            ), merged AS (
                SELECT company_id, service_id, month, month_from, month_to,
                       count(*) FILTER (WHERE down_from >= month_from)::int
                           AS fault_count,
                       range_agg(tsrange(GREATEST(down_from, month_from),
                                         LEAST(down_to, month_to))) AS down
                  FROM months
              GROUP BY company_id, service_id, month, month_from, month_to
            )
            SELECT m.company_id, m.service_id, m.month, m.month_from,
                   m.month_to, m.fault_count,
                   array_remove(array_agg(lower(r) ORDER BY lower(r)), NULL)
                       AS starts,
                   array_remove(array_agg(upper(r) ORDER BY lower(r)), NULL)
                       AS stops
              FROM merged m
         LEFT JOIN LATERAL unnest(m.down) AS r ON TRUE
          GROUP BY m.company_id, m.service_id, m.month, m.month_from,
                   m.month_to, m.fault_count
            """,
            now=now,
            excluded=excluded_sql(),
        )

    @api.model
    def _refresh(self):
        """Measure every service and month with a fault again."""
        self.env.flush_all()
        self.env.cr.execute(self._itsm_downtime_query(fields.Datetime.now()))
        rows = self.env.cr.dictfetchall()
        # sudo: the system rebuilds the figures, whoever triggers it; the
        # services' calendars are read for their hours only.
        services = (
            self.env["itsm.service"].sudo().browse({r["service_id"] for r in rows})
        )
        calendars = {service.id: service.resource_calendar_id for service in services}
        vals_list = []
        for row in rows:
            calendar = calendars[row["service_id"]]

            def minutes(start, stop, calendar=calendar):
                if calendar:
                    return calendar._itsm_working_minutes(start, stop)
                return max((stop - start).total_seconds() / 60, 0.0)

            service_minutes = minutes(row["month_from"], row["month_to"])
            downtime = sum(
                minutes(start, stop)
                for start, stop in zip(row["starts"], row["stops"], strict=True)
            )
            vals_list.append(
                {
                    "company_id": row["company_id"],
                    "service_id": row["service_id"],
                    "date": row["month"],
                    "fault_count": row["fault_count"],
                    "downtime_minutes": downtime,
                    "service_minutes": service_minutes,
                    "fault_rate": 100.0 * downtime / service_minutes
                    if service_minutes
                    else 0.0,
                }
            )
        # The figures are rebuilt whole: a few rows per service and month.
        self.env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(self._table)))
        self.env.invalidate_all()
        # sudo: as above, figures the system writes.
        self.sudo().create(vals_list)

    def _read_group_select(self, aggregate_spec, query):
        """A group's rate is its downtime over its service time."""
        if aggregate_spec.split(":")[0] == "fault_rate":
            return SQL(
                "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                SQL.identifier(self._table, "downtime_minutes"),
                SQL.identifier(self._table, "service_minutes"),
            )
        return super()._read_group_select(aggregate_spec, query)
