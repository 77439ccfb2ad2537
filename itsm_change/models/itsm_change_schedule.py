import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, create_index, format_datetime

from ..tools import next_window_opening, within_window

# The states in which a change holds its slot: what conflicts with it.
ACTIVE_STATES = ("submitted", "approved", "testing", "implementing")
OVERRIDE_STATES = [
    ("requested", "Requested"),
    ("approved", "Approved"),
    ("refused", "Refused"),
]
# Seeded defaults of the settings (S4 系统变更: after midnight, 3 and 5
# working days).
DEFAULTS = {
    "window_start": 0.0,
    "window_end": 6.0,
    "lead_user_impacting_days": 3.0,
    "lead_cross_department_days": 5.0,
    # The notices (CHG-7, S4 时限要求): 2 hours before the end of the working
    # day, 12 hours after the change, 3 working days after it.
    "notice_hours_before_close": 2.0,
    "result_notice_hours": 12.0,
    "summary_report_days": 3.0,
}
# The planned slot as a range, the shape of the GiST index.
# What checking a change's slot reads of it.
SLOT_FIELDS = ["planned_start", "planned_end", "company_id", "user_impacting"]
PLANNED_RANGE = SQL(
    "tstzrange(planned_start AT TIME ZONE 'UTC', planned_end AT TIME ZONE 'UTC', '[)')"
)


class ItsmChange(models.Model):
    """The rules of a change's schedule: the change window (CHG-4), the lead
    times in working days (CHG-5), the freezes and the conflicts with other
    changes (CHG-8), and the emergency override that lifts the first three."""

    _inherit = "itsm.change"

    override_reason = fields.Text(
        string="Emergency override reason",
        tracking=True,
        copy=False,
        help="Why this emergency change must run outside the window, without "
        "the lead times or in a freeze.",
    )
    override_state = fields.Selection(
        OVERRIDE_STATES,
        string="Emergency override",
        readonly=True,
        copy=False,
        tracking=True,
    )
    override_requested_by_id = fields.Many2one(
        "res.users", string="Override requested by", readonly=True, copy=False
    )
    override_decided_by_id = fields.Many2one(
        "res.users", string="Override decided by", readonly=True, copy=False
    )
    override_decided_date = fields.Datetime(
        string="Override decided on", readonly=True, copy=False
    )
    conflict_ids = fields.Many2many(
        "itsm.change",
        compute="_compute_conflict_ids",
        string="Conflicts",
        help="Other scheduled changes whose slot overlaps this one on the same "
        "service, or on a service one depends on.",
    )
    open_conflict_ids = fields.Many2many(
        "itsm.change",
        compute="_compute_conflict_ids",
        string="Conflicts not accepted",
    )
    conflict_count = fields.Integer(compute="_compute_conflict_ids")
    conflict_acceptance_ids = fields.One2many(
        "itsm.change.conflict", "change_id", string="Accepted conflicts", copy=False
    )
    freeze_note = fields.Char(
        compute="_compute_freeze_note",
        string="Freezes",
        help="The freezes the planned slot falls in.",
    )

    _sql_constraints = [
        (
            "planned_order",
            "CHECK (planned_start IS NULL OR planned_end IS NULL "
            "OR planned_end > planned_start)",
            "A change ends after it starts.",
        ),
    ]

    def init(self):
        # Conflicts and freezes ask "which active changes overlap this slot":
        # a GiST index on the slot as a range answers in one index scan
        # whatever the history (a pair of btree indexes cannot).
        create_index(
            self.env.cr,
            "itsm_change_planned_range_idx",
            self._table,
            [PLANNED_RANGE.code],
            method="gist",
            where=self._cr.mogrify(
                "state IN %s AND planned_start IS NOT NULL AND planned_end IS NOT NULL",
                [ACTIVE_STATES],
            ).decode(),
        )

    @api.constrains("planned_start", "planned_end")
    def _check_planned_order(self):
        for change in self:
            if (
                change.planned_start
                and change.planned_end
                and change.planned_end <= change.planned_start
            ):
                raise ValidationError(
                    self.env._(
                        "%s ends before it starts: the planned end must come after "
                        "the planned start.",
                        change.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------

    @api.model
    def _itsm_setting(self, key):
        # sudo: the settings every change's schedule is checked against.
        return float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(f"itsm_change.{key}", DEFAULTS[key])
        )

    def _itsm_calendar(self):
        """The company's working calendar (public holidays and make-up days
        included), which lead times are counted in."""
        self.ensure_one()
        return self.company_id.resource_calendar_id or self.env.ref(
            "itsm_incident.calendar_24x7"
        )

    def _itsm_tz(self):
        """The time zone of the company's working calendar, in one narrow
        query (reading the company record would fetch its many columns on
        every check of a schedule)."""
        self.ensure_one()
        self.env["res.company"].flush_model(["resource_calendar_id"])
        self.env["resource.calendar"].flush_model(["tz"])
        self.env.cr.execute(
            SQL(
                "SELECT cal.tz FROM res_company c "
                "JOIN resource_calendar cal ON cal.id = c.resource_calendar_id "
                "WHERE c.id = %s",
                self.company_id.id,
            )
        )
        row = self.env.cr.fetchone()
        return pytz.timezone((row[0] if row else self._itsm_calendar().tz) or "UTC")

    def _itsm_format(self, moment):
        """A naive UTC datetime as the company reads it."""
        return format_datetime(
            self.env, moment, tz=self._itsm_tz().zone, dt_format="yyyy-MM-dd HH:mm"
        )

    # ------------------------------------------------------------------
    # The rules
    # ------------------------------------------------------------------

    def _itsm_overridden(self):
        self.ensure_one()
        return self.change_type == "emergency" and self.override_state == "approved"

    def _itsm_check_schedule(self, lead_times):
        """Refuse a schedule that breaks the window, a lead time (only when
        ``lead_times``: at submission and when rescheduled) or a freeze,
        unless an emergency override was approved; the error names each
        limit and, for lead times, the earliest allowed start."""
        now = fields.Datetime.now()
        for change in self:
            if (
                change._itsm_overridden()
                or not (change.planned_start and change.planned_end)
                # A change that ends before it starts: its constraint says so.
                or change.planned_end <= change.planned_start
            ):
                continue
            problems = change._itsm_window_problems()
            if lead_times:
                problems += change._itsm_lead_time_problems(now)
            problems += change._itsm_freeze_problems()
            if problems:
                raise UserError(
                    "\n".join(
                        [
                            self.env._(
                                "The schedule of %s is refused:", change.display_name
                            ),
                            *problems,
                        ]
                    )
                )

    def _itsm_window(self):
        return self._itsm_setting("window_start"), self._itsm_setting("window_end")

    def _itsm_window_label(self):
        start, end = self._itsm_window()
        return "–".join(
            f"{int(hours):02d}:{round(hours % 1 * 60):02d}" for hours in (start, end)
        )

    def _itsm_window_problems(self):
        """CHG-4: a user-impacting change starts after midnight and ends
        within the change window (company time zone)."""
        self.ensure_one()
        if not self.user_impacting:
            return []
        tz = self._itsm_tz()
        start = pytz.utc.localize(self.planned_start)
        end = pytz.utc.localize(self.planned_end)
        window_start, window_end = self._itsm_window()
        if within_window(start, end, tz, window_start, window_end):
            return []
        return [
            self.env._(
                "It affects users: it must start and end within the change window "
                "%(window)s (%(tz)s); it is planned %(start)s to %(end)s.",
                window=self._itsm_window_label(),
                tz=tz.zone,
                start=self._itsm_format(self.planned_start),
                end=self._itsm_format(self.planned_end),
            )
        ]

    def _itsm_lead_days(self):
        """The working days of notice the change needs, and why (CHG-5)."""
        self.ensure_one()
        needs = []
        if self.user_impacting:
            needs.append(
                (
                    self._itsm_setting("lead_user_impacting_days"),
                    self.env._(
                        "a user-impacting change is announced to the maintenance "
                        "departments"
                    ),
                )
            )
        if self.cross_department:
            needs.append(
                (
                    self._itsm_setting("lead_cross_department_days"),
                    self.env._(
                        "a cross-department change's request and plan are "
                        "submitted to the collaborating departments"
                    ),
                )
            )
        return max(needs, default=(0.0, False), key=lambda need: need[0])

    def _itsm_earliest_start(self, now, days):
        """The earliest start ``days`` working days after ``now`` (the
        company's calendar: weekends, public holidays and make-up days), at
        the next opening of the change window for a user-impacting change."""
        self.ensure_one()
        calendar = self._itsm_calendar()
        minutes = days * (calendar.hours_per_day or 24.0) * 60
        earliest = calendar._itsm_add_working_minutes(now, minutes)
        if self.user_impacting:
            tz = self._itsm_tz()
            opening = next_window_opening(
                pytz.utc.localize(earliest), tz, self._itsm_window()[0]
            )
            earliest = opening.astimezone(pytz.utc).replace(tzinfo=None)
        return earliest

    def _itsm_lead_time_problems(self, now):
        self.ensure_one()
        days, why = self._itsm_lead_days()
        if not days:
            return []
        earliest = self._itsm_earliest_start(now, days)
        if self.planned_start >= earliest:
            return []
        days_label = f"{days:g}"
        return [
            self.env._(
                "%(why)s at least %(days)s working days before it starts: "
                "submitted now, it may start on %(earliest)s at the earliest.",
                why=why[:1].upper() + why[1:],
                days=days_label,
                earliest=self._itsm_format(earliest),
            )
        ]

    @api.model
    def _itsm_closure_cte(self, seed):
        """The recursive CTEs ``up`` (the services of the query ``seed`` and
        those they depend on) and ``down`` (them and those depending on
        them), directly or not, whatever the depth of the catalogue."""
        return SQL(
            """
            up(id) AS (
                %(seed)s
                 UNION
                SELECT r.depends_on_id
                  FROM itsm_service_dependency_rel r
                  JOIN up ON r.service_id = up.id),
            down(id) AS (
                %(seed)s
                 UNION
                SELECT r.service_id
                  FROM itsm_service_dependency_rel r
                  JOIN down ON r.depends_on_id = down.id)
            """,
            seed=seed,
        )

    @api.model
    def _itsm_service_closures(self, services):
        """(ids of ``services`` and those they depend on, ids of
        ``services`` and those that depend on them), in one query: what
        conflicts and freezes are checked against."""
        if not services:
            return set(), set()
        self.env["itsm.service"].flush_model(["depends_on_ids"])
        self.env.cr.execute(
            SQL(
                "WITH RECURSIVE %s SELECT ARRAY(SELECT id FROM up), "
                "ARRAY(SELECT id FROM down)",
                self._itsm_closure_cte(SQL("SELECT unnest(%s::int[])", services.ids)),
            )
        )
        up, down = self.env.cr.fetchone()
        return set(up), set(down)

    def _itsm_freeze_hits(self, affected=None):
        """[(freeze, begin, end)] of the freezes the planned slot meets; a
        freeze of some services holds for changes to them or to services
        they depend on (``affected``: the ids of the changed services and of
        those that depend on them, when known)."""
        self.ensure_one()
        if not (self.planned_start and self.planned_end):
            return []
        if affected is None:
            affected = self._itsm_service_closures(self.service_ids)[1]
        return self.env["itsm.change.freeze"]._itsm_hits(
            self.company_id,
            self.planned_start,
            self.planned_end,
            affected,
            self.user_impacting,
            self._itsm_tz(),
        )

    def _itsm_freeze_problems(self):
        self.ensure_one()
        return [
            self.env._(
                "It falls in the freeze %(freeze)s (%(begin)s to %(end)s), when "
                "changes are refused unless an emergency override is approved.",
                freeze=freeze.name,
                begin=self._itsm_format(begin),
                end=self._itsm_format(end),
            )
            for freeze, begin, end in self._itsm_freeze_hits()
        ]

    @api.depends("planned_start", "planned_end", "service_ids", "user_impacting")
    def _compute_freeze_note(self):
        for change in self:
            hits = change._origin._itsm_freeze_hits() if change._origin else []
            change.freeze_note = ", ".join(freeze.name for freeze, _b, _e in hits)

    # ------------------------------------------------------------------
    # Conflicts (CHG-8)
    # ------------------------------------------------------------------

    def _itsm_slot_query(self):
        """One query for the change's slot: the ids of its services and of
        those they depend on, of its services and of those depending on
        them (directly or not, whatever the depth of the catalogue), and
        of the other active changes of its company that overlap its slot on
        one of the first two sets. The overlap is asked of the GiST index
        on the slot first (a few rows whatever the history, materialized so
        that the planner never starts from the services' links), each one's
        services then checked on the links' primary key."""
        self.ensure_one()
        self.flush_recordset(["planned_start", "planned_end", "service_ids"])
        self.env["itsm.change"].flush_model(
            ["planned_start", "planned_end", "state", "company_id", "service_ids"]
        )
        self.env["itsm.service"].flush_model(["depends_on_ids"])
        return SQL(
            """
            WITH RECURSIVE %(closure)s,
                overlapping AS MATERIALIZED (
                    SELECT c.id, c.planned_start FROM itsm_change c
                     WHERE %(range)s && tstzrange(%(start)s AT TIME ZONE 'UTC',
                                                  %(end)s AT TIME ZONE 'UTC', '[)')
                       AND c.planned_start IS NOT NULL
                       AND c.planned_end IS NOT NULL
                       AND c.state IN %(states)s
                       AND c.company_id = %(company)s
                       AND c.id <> %(id)s),
                related(ids) AS MATERIALIZED (
                    SELECT ARRAY(SELECT id FROM up UNION SELECT id FROM down))
            SELECT ARRAY(SELECT id FROM up), ARRAY(SELECT id FROM down),
                   ARRAY(SELECT o.id FROM overlapping o, related
                          WHERE EXISTS (
                                SELECT 1 FROM itsm_change_service_rel r
                                 WHERE r.change_id = o.id
                                   AND r.service_id = ANY(related.ids))
                          ORDER BY o.planned_start DESC, o.id DESC)
            """,
            closure=self._itsm_closure_cte(
                SQL(
                    "SELECT service_id FROM itsm_change_service_rel "
                    "WHERE change_id = %s",
                    self.id,
                )
            ),
            id=self.id,
            range=PLANNED_RANGE,
            start=self.planned_start,
            end=self.planned_end,
            states=ACTIVE_STATES,
            company=self.company_id.id,
        )

    def _itsm_slot(self):
        """(ids of its services and those they depend on, ids of its
        services and those depending on them, the conflicting changes).

        sudo: a conflict exists whether or not the user may read the other
        change; its number and title are shown to those who read this one."""
        self.ensure_one()
        if self.id:
            # The few columns the check reads, not the change's texts.
            self.fetch(SLOT_FIELDS)
        if not (self.id and self.planned_start and self.planned_end):
            return set(), set(), self.browse()
        self.env.cr.execute(self._itsm_slot_query())
        up, down, conflicts = self.env.cr.fetchone()
        return set(up), set(down), self.browse(conflicts)

    def _itsm_conflicts(self):
        """The changes that conflict with this one."""
        return self._itsm_slot()[2]

    def _itsm_check_slot(self):
        """The conflicts and freezes of the change, as its approval asks
        them: (conflicting changes, freeze hits), in one query (the
        freezes are cached)."""
        self.ensure_one()
        _up, down, conflicts = self._itsm_slot()
        return conflicts, self._itsm_freeze_hits(down)

    @api.depends(
        "planned_start",
        "planned_end",
        "service_ids",
        "state",
        "conflict_acceptance_ids",
    )
    def _compute_conflict_ids(self):
        for change in self:
            conflicts = (
                change._origin._itsm_conflicts()
                if change._origin and change.state not in ("closed", "cancelled")
                else self.browse()
            )
            change.conflict_ids = conflicts
            change.open_conflict_ids = conflicts - (
                change._origin._itsm_accepted() if change._origin else self.browse()
            )
            change.conflict_count = len(conflicts)

    def _itsm_accepted(self):
        """The changes whose conflict with this one was accepted."""
        self.ensure_one()
        # sudo: an acceptance may name a change the user cannot read; only
        # the ids leave here, in the user's environment.
        return self.sudo().conflict_acceptance_ids.other_id.with_env(self.env)

    def _itsm_check_conflicts_accepted(self):
        for change in self:
            open_conflicts = change._itsm_conflicts() - change._itsm_accepted()
            if open_conflicts:
                raise UserError(
                    self.env._(
                        "%(change)s overlaps %(others)s on the same services or "
                        "services they depend on: reschedule it, or accept the "
                        "conflicts with a reason before approving it.",
                        change=change.display_name,
                        # sudo: the approver is told which changes overlap,
                        # readable by them or not (names only).
                        others=", ".join(open_conflicts.sudo().mapped("display_name")),
                    )
                )

    def action_accept_conflicts(self):
        self.ensure_one()
        self._itsm_check_role(self.env._("Accepting conflicts"), cab=True)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Accept the conflicts"),
            "res_model": "itsm.change.conflict.accept",
            "view_mode": "form",
            "target": "new",
            "context": {"default_change_id": self.id},
        }

    # ------------------------------------------------------------------
    # The emergency override
    # ------------------------------------------------------------------

    def action_request_override(self):
        """Ask to run an emergency change outside the window, without the
        lead times or in a freeze; a change manager decides."""
        step = self.env._("Requesting an emergency override")
        self._itsm_check_state(("draft", "submitted", "approved", "testing"), step)
        self._itsm_check_role(step, requester=True)
        for change in self:
            if change.change_type != "emergency":
                raise UserError(
                    self.env._(
                        "%s is not an emergency change: only emergency changes "
                        "may be exempted from the window, lead times and freezes.",
                        change.display_name,
                    )
                )
            if not (change.override_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Give the reason for the emergency override of %s first.",
                        change.display_name,
                    )
                )
        self._itsm_step_write(
            {
                "override_state": "requested",
                "override_requested_by_id": self.env.user.id,
                "override_decided_by_id": False,
                "override_decided_date": False,
            }
        )
        return True

    def _itsm_decide_override(self, state, step):
        self._itsm_check_role(step)
        for change in self:
            if change.override_state != "requested":
                raise UserError(
                    self.env._(
                        "%s has no emergency override waiting for a decision.",
                        change.display_name,
                    )
                )
            if change.override_requested_by_id == self.env.user:
                raise UserError(
                    self.env._(
                        "%s: you requested its emergency override; another change "
                        "manager decides it (four eyes).",
                        change.display_name,
                    )
                )
        self._itsm_step_write(
            {
                "override_state": state,
                "override_decided_by_id": self.env.user.id,
                "override_decided_date": fields.Datetime.now(),
            }
        )
        return True

    def action_approve_override(self):
        return self._itsm_decide_override(
            "approved", self.env._("Approving an emergency override")
        )

    def action_refuse_override(self):
        return self._itsm_decide_override(
            "refused", self.env._("Refusing an emergency override")
        )

    def _itsm_schedule_changed(self, vals):
        # A change that is no longer an emergency loses its override.
        if "change_type" in vals and vals["change_type"] != "emergency":
            self.filtered("override_state")._itsm_step_write({"override_state": False})
        return super()._itsm_schedule_changed(vals)
