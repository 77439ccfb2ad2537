from odoo import fields, models, tools
from odoo.tools import SQL

from .itsm_change import CHANGE_TYPES, STATES

# The notices of a change (itsm_change_notice.py), as itsm.deadline kinds.
NOTICE_KINDS = ("change_notice", "result_notice", "summary_report")
# The tickets a change causes: incidents, security ones included.
INCIDENT_TYPES = ("incident", "security_incident")


class ItsmChangeKpiReport(models.Model):
    """The change KPIs (issue 15): success rate, emergency share, changes
    that caused incidents, notices on time, by month, service, department.

    One row per change (its id is the change's), so that a total counts
    each change once; ``service_ids`` reads the change's own relation
    table, so grouping by service puts a change in each service it touches
    (a change on two services counts for both, as a failure of either).
    The measures are 0/1 counts to sum; each rate is also a per-change
    0/100 value (empty when it does not apply), whose average over a group
    is the group's rate. The department is the requester's (the one
    accountable for the change); the services' own departments are
    reached through the services. The month is that of the change's end,
    or of its planned start before it ends, in the company's time zone.

    A plain view: the numbers are those of the moment, with no refresh."""

    _name = "itsm.change.kpi.report"
    _description = "ITSM Change KPIs"
    _auto = False
    _order = "month desc, id desc"
    _rec_name = "change_id"

    change_id = fields.Many2one("itsm.change", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    month = fields.Date(
        readonly=True,
        help="The month of the change's end, or of its planned start before "
        "it ends (of its request while it has no schedule).",
    )
    service_ids = fields.Many2many(
        "itsm.service",
        "itsm_change_service_rel",
        "change_id",
        "service_id",
        string="Services",
        readonly=True,
    )
    department_id = fields.Many2one(
        "hr.department",
        readonly=True,
        help="The department of the change's requester.",
    )
    requester_id = fields.Many2one("res.users", string="Requested by", readonly=True)
    change_type = fields.Selection(CHANGE_TYPES, string="Type", readonly=True)
    state = fields.Selection(STATES, readonly=True)
    change_count = fields.Integer(string="Changes", readonly=True)
    closed = fields.Integer(readonly=True)
    successful = fields.Integer(readonly=True)
    failed = fields.Integer(readonly=True)
    emergency = fields.Integer(string="Emergencies", readonly=True)
    caused_incident = fields.Integer(
        string="Caused incidents",
        readonly=True,
        help="Changes with an incident linked to them (opened from a failed "
        "change, or linked by hand).",
    )
    notices_due = fields.Integer(
        string="Notices due",
        readonly=True,
        help="Notices sent, or past their deadline without being sent.",
    )
    notices_on_time = fields.Integer(
        string="Notices on time", readonly=True, help="Notices sent by their deadline."
    )
    success_rate = fields.Float(
        string="Success rate (%)",
        readonly=True,
        aggregator="avg",
        help="100 for a successful change, 0 for a failed one, empty before "
        "its result: the average is the share of successful changes.",
    )
    emergency_rate = fields.Float(
        string="Emergency share (%)",
        readonly=True,
        aggregator="avg",
        help="100 for an emergency change, 0 otherwise.",
    )
    incident_rate = fields.Float(
        string="Incident rate (%)",
        readonly=True,
        aggregator="avg",
        help="100 for a change with a result that caused an incident, 0 for "
        "one that did not, empty before its result.",
    )
    notice_rate = fields.Float(
        string="Notices on time (%)",
        readonly=True,
        aggregator="avg",
        help="The change's notices on time out of those due; the average "
        "weighs each change alike: Notices on time / Notices due is the "
        "share of all notices.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE VIEW %s AS %s", SQL.identifier(self._table), self._query())
        )

    def _query(self):
        month = SQL(
            "date_trunc('month', COALESCE(c.actual_end, c.planned_start, "
            "c.create_date) AT TIME ZONE 'UTC' "
            "AT TIME ZONE COALESCE(cal.tz, 'UTC'))::date"
        )
        return SQL(
            """
            SELECT c.id, c.id AS change_id, c.company_id, %(month)s AS month,
                   emp.department_id, c.requester_id, c.change_type, c.state,
                   1 AS change_count,
                   (c.state = 'closed')::int AS closed,
                   (c.result IS NOT DISTINCT FROM 'successful')::int
                       AS successful,
                   (c.result IS NOT DISTINCT FROM 'failed')::int AS failed,
                   (c.change_type = 'emergency')::int AS emergency,
                   inc.caused::int AS caused_incident,
                   COALESCE(n.due, 0) AS notices_due,
                   COALESCE(n.on_time, 0) AS notices_on_time,
                   CASE WHEN c.result IS NOT NULL
                        THEN 100.0 * (c.result = 'successful')::int END
                       AS success_rate,
                   100.0 * (c.change_type = 'emergency')::int AS emergency_rate,
                   CASE WHEN c.result IS NOT NULL
                        THEN 100.0 * inc.caused::int END AS incident_rate,
                   100.0 * n.on_time / NULLIF(n.due, 0) AS notice_rate
              FROM itsm_change c
              JOIN res_company co ON co.id = c.company_id
         LEFT JOIN resource_calendar cal ON cal.id = co.resource_calendar_id
              -- The requester's employee in the change's company.
         LEFT JOIN LATERAL (
                SELECT e.department_id
                  FROM hr_employee e
                 WHERE e.user_id = c.requester_id
                   AND e.company_id = c.company_id
                   AND e.active
              ORDER BY e.id
                 LIMIT 1
              ) emp ON TRUE
         LEFT JOIN LATERAL (
                SELECT EXISTS (
                    SELECT 1
                      FROM itsm_change_ticket_rel r
                      JOIN helpdesk_ticket t ON t.id = r.ticket_id
                     WHERE r.change_id = c.id
                       AND t.declaration_type IN %(incident_types)s
                ) AS caused
              ) inc ON TRUE
              -- Due: sent, or found breached by the sweep while not sent
              -- (no clock reading here: the report is what was recorded).
         LEFT JOIN (
                SELECT d.res_id,
                       count(*) FILTER (WHERE d.state = 'done'
                           OR d.breached_at IS NOT NULL)::int AS due,
                       count(*) FILTER (WHERE d.state = 'done' AND d.met)::int
                           AS on_time
                  FROM itsm_deadline d
                 WHERE d.res_model = 'itsm.change'
                   AND d.kind IN %(notice_kinds)s
              GROUP BY d.res_id
              ) n ON n.res_id = c.id
            """,
            month=month,
            incident_types=INCIDENT_TYPES,
            notice_kinds=NOTICE_KINDS,
        )
