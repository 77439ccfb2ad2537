from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

TREND_MONTHS = 6
TOP_CATEGORIES = 5
TOP_DEPARTMENTS = 10


class ItsmKpiDashboard(models.AbstractModel):
    """The service desk manager's screen (INC-16): a handful of grouped
    queries, each answered from an index, read with the user's rights."""

    _name = "itsm.kpi.dashboard"
    _description = "ITSM KPI Dashboard"

    @api.model
    def get_dashboard_data(self):
        Ticket = self.env["helpdesk.ticket"]
        Kpi = self.env["itsm.kpi.summary"]
        today = fields.Date.context_today(self)
        month_start = date(today.year, today.month, 1)
        trend_start = month_start - relativedelta(months=TREND_MONTHS - 1)
        priorities = dict(
            Ticket._fields["itsm_priority"]._description_selection(self.env)
        )
        # The service desk's tickets: plain helpdesk teams' (customer care,
        # HR…) have no ITSM priority, clocks or categories of ours.
        itsm = [("is_itsm", "=", True)]
        open_domain = [*itsm, ("stage_id.closed", "=", False)]
        open_by_priority = [
            {
                "priority": priority or False,
                "label": priorities.get(priority) or self.env._("Unclassified"),
                "count": count,
                "domain": [*open_domain, ("itsm_priority", "=", priority or False)],
            }
            for priority, count in Ticket._read_group(
                open_domain, ["itsm_priority"], ["__count"], order="itsm_priority"
            )
        ]
        at_risk = [*open_domain, ("sla_status", "=", "warning")]
        breached = [*open_domain, ("sla_status", "=", "breached")]
        trend = [
            {"month": month.strftime("%Y-%m"), "rate": rate or 0.0, "count": count}
            for month, rate, count in Kpi._read_group(
                [("date", ">=", trend_start)],
                ["date:month"],
                ["on_time_rate:avg", "__count"],
            )
        ]
        month_total = Kpi._read_group(
            [("date", "=", month_start)],
            [],
            ["__count", "on_time_rate:avg", "satisfaction:avg", "recurrence_rate:avg"],
        )[0]
        department_tables = [
            {
                "key": field,
                "title": title,
                "rows": [
                    {
                        "name": department.display_name or self.env._("No department"),
                        "count": count,
                        "excluded_count": excluded or 0,
                        "on_time_rate": on_time or 0.0,
                        "sla_rate": sla or 0.0,
                    }
                    for department, count, excluded, on_time, sla in Kpi._read_group(
                        [("date", "=", month_start)],
                        [field],
                        [
                            "__count",
                            "excluded_count:sum",
                            "on_time_rate:avg",
                            "sla_rate:avg",
                        ],
                        order="__count desc",
                        limit=TOP_DEPARTMENTS,
                    )
                ],
            }
            for field, title in (
                (
                    "responsible_department_id",
                    self.env._("This month by responsible department"),
                ),
                (
                    "handling_department_id",
                    self.env._("This month by handling department"),
                ),
            )
        ]
        this_month = [
            *itsm,
            ("create_date", ">=", fields.Datetime.to_datetime(month_start)),
        ]
        top_categories = [
            {
                "id": category.id,
                "name": category.display_name,
                "count": count,
                "domain": [*this_month, ("category_id", "=", category.id)],
            }
            for category, count in Ticket._read_group(
                [*this_month, ("category_id", "!=", False)],
                ["category_id"],
                ["__count"],
                order="__count desc",
                limit=TOP_CATEGORIES,
            )
        ]
        Action = self.env["itsm.improvement.action"]
        overdue_domain = [("is_overdue", "=", True)]
        overdue = Action.search(overdue_domain, order="date_deadline, id", limit=5)
        return {
            "open_by_priority": open_by_priority,
            "open_count": sum(row["count"] for row in open_by_priority),
            "open_domain": open_domain,
            "at_risk": Ticket.search_count(at_risk),
            "at_risk_domain": at_risk,
            "breached": Ticket.search_count(breached),
            "breached_domain": breached,
            "trend": trend,
            # sudo: when the KPI sums were last refreshed, a system value.
            "refreshed_at": self.env["ir.config_parameter"]
            .sudo()
            .get_param("itsm_incident.kpi_summary_refreshed_at"),
            "month": {
                "count": month_total[0],
                "on_time_rate": month_total[1] or 0.0,
                "satisfaction": month_total[2] or 0.0,
                "recurrence_rate": month_total[3] or 0.0,
            },
            "top_categories": top_categories,
            "department_tables": department_tables,
            "overdue_count": Action.search_count(overdue_domain),
            "overdue_domain": overdue_domain,
            "overdue_actions": [
                {
                    "id": action.id,
                    "name": action.name,
                    "owner": action.user_id.name,
                    "deadline": fields.Date.to_string(action.date_deadline),
                }
                for action in overdue
            ],
        }
