from odoo import fields, models
from odoo.tools import SQL

from ..models.helpdesk_ticket import SCREENING_STATES
from ..models.itsm_grade_rule import GRADES
from .itsm_kpi_measures import excluded_sql


class ItsmKpiReport(models.Model):
    """KPI facts (INC-16): one read-only row per ticket with what the
    measures need — who, what, when, working-time durations, targets met,
    satisfaction, recurrence, escalation level. The rates are 0 or 100 per
    ticket (empty when not applicable), so that their average in a pivot is
    the rate in percent.

    A live view for lists and pivots over a period (this month by default)
    and any dimension; ``itsm.kpi.summary`` holds the same measures summed by
    month for the pivot over the whole history."""

    _name = "itsm.kpi.report"
    _inherit = ["itsm.kpi.measures"]
    _description = "ITSM KPI Facts"
    _auto = False
    _rec_name = "ticket_id"
    _order = "create_date desc"
    # What the query reads: pending writes are flushed before it runs.
    _depends = {
        "helpdesk.ticket": [
            "company_id",
            "declaration_type",
            "screening_state",
            "category_id",
            "nature_id",
            "department_id",
            "responsible_department_id",
            "handling_department_id",
            "service_id",
            "team_id",
            "user_id",
            "itsm_priority",
            "grade",
            "channel_id",
            "stage_id",
            "create_date",
            "acknowledged_date",
            "resolved_date",
            "closed_date",
            "response_working_minutes",
            "resolution_working_minutes",
            "response_met",
            "resolution_met",
            "is_recurrence",
        ],
        "helpdesk.ticket.stage": ["closed", "itsm_closed_loop"],
        "rating.rating": ["res_model", "res_id", "rating", "consumed", "partner_id"],
        "itsm.escalation.log": ["ticket_id"],
    }

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    screening_state = fields.Selection(
        SCREENING_STATES, string="Screening", readonly=True
    )
    nature_id = fields.Many2one(
        "itsm.event.nature", string="Event Nature", readonly=True
    )
    grade = fields.Selection(GRADES, readonly=True)
    channel_id = fields.Many2one("helpdesk.ticket.channel", readonly=True)
    stage_id = fields.Many2one("helpdesk.ticket.stage", readonly=True)
    is_closed = fields.Boolean(string="Closed", readonly=True)
    create_date = fields.Datetime(string="Reported on", readonly=True)
    acknowledged_date = fields.Datetime(string="Acknowledged on", readonly=True)
    resolved_date = fields.Datetime(string="Resolved on", readonly=True)
    closed_date = fields.Datetime(string="Closed on", readonly=True)
    response_met = fields.Boolean(string="Response target met", readonly=True)
    resolution_met = fields.Boolean(string="Resolution target met", readonly=True)
    is_recurrence = fields.Boolean(string="Recurrence", readonly=True)
    is_excluded = fields.Boolean(
        string="Cancelled or rejected",
        readonly=True,
        help="Cancelled, rejected or screened out (invalid, out of scope): "
        "left out of the response and resolution times, the on-time rates "
        "and SLA compliance.",
    )

    @property
    def _table_query(self):
        judged = SQL("NOT %s", excluded_sql())
        return SQL(
            """
            SELECT t.id AS id,
                   t.id AS ticket_id,
                   t.company_id,
                   t.declaration_type,
                   t.screening_state,
                   t.category_id,
                   t.nature_id,
                   t.department_id,
                   t.responsible_department_id,
                   t.handling_department_id,
                   t.service_id,
                   t.team_id,
                   t.user_id,
                   t.itsm_priority,
                   t.grade,
                   t.channel_id,
                   t.stage_id,
                   t.closed_date IS NOT NULL AS is_closed,
                   t.create_date,
                   t.acknowledged_date,
                   t.resolved_date,
                   t.closed_date,
                   %(excluded)s AS is_excluded,
                   CASE WHEN t.acknowledged_date IS NOT NULL AND %(judged)s
                        THEN t.response_working_minutes / 60.0 END
                       AS response_hours,
                   CASE WHEN t.resolution_done_date IS NOT NULL AND %(judged)s
                        THEN t.resolution_working_minutes / 60.0 END
                       AS resolution_hours,
                   t.response_met,
                   t.resolution_met,
                   CASE WHEN t.resolution_done_date IS NOT NULL AND %(judged)s
                        THEN CASE WHEN t.resolution_met THEN 100.0 ELSE 0.0 END
                   END AS on_time_rate,
                   CASE WHEN t.acknowledged_date IS NOT NULL AND %(judged)s
                        THEN CASE WHEN t.response_met THEN 100.0 ELSE 0.0 END
                   END AS response_rate,
                   CASE WHEN t.resolution_done_date IS NOT NULL AND %(judged)s
                        THEN CASE WHEN t.response_met AND t.resolution_met
                                  THEN 100.0 ELSE 0.0 END
                   END AS sla_rate,
                   -- Subqueries in the select list cost nothing when a
                   -- query does not ask for them, one index lookup per
                   -- ticket when it does.
                   -- The reporter's rating (the latest, after a rejected
                   -- resolution): nobody else's (security review H4).
                   (SELECT r.rating FROM rating_rating r
                     WHERE r.res_id = t.id AND r.res_model = 'helpdesk.ticket'
                       AND r.consumed AND r.partner_id = t.partner_id
                  ORDER BY r.id DESC LIMIT 1) AS satisfaction,
                   COALESCE(t.is_recurrence, FALSE) AS is_recurrence,
                   CASE WHEN t.is_recurrence THEN 100.0 ELSE 0.0 END
                       AS recurrence_rate,
                   (SELECT count(*) FROM itsm_escalation_log l
                     WHERE l.ticket_id = t.id)::int AS escalation_level
              FROM helpdesk_ticket t
         LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
             WHERE t.is_itsm
            """,
            excluded=excluded_sql(),
            judged=judged,
        )
