from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .itsm_deadline import STATUSES

# Worst first: the ticket shows the most urgent status of its clocks.
STATUS_ORDER = ["breached", "warning", "on_track", "paused", "met"]
KINDS = ("response", "resolution")


def _number(value):
    """A number as people write it: 72, 0.5."""
    return f"{value:g}"


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The SLA of a ticket (INC-8): response and resolution clocks on the
    tracked-deadline mechanism, from the priority's targets, paused in
    "waiting on the customer" stages, retargeted when the priority changes."""

    _inherit = "helpdesk.ticket"

    response_deadline = fields.Datetime(readonly=True, copy=False, tracking=True)
    resolution_deadline = fields.Datetime(readonly=True, copy=False, tracking=True)
    response_met = fields.Boolean(readonly=True, copy=False)
    resolution_met = fields.Boolean(readonly=True, copy=False)
    sla_breached_at = fields.Datetime(
        string="SLA breached on", readonly=True, copy=False
    )
    # Once a clock stops, the working minutes it used (KPIs read these
    # instead of working time computed per row).
    response_working_minutes = fields.Float(
        string="Response time (working minutes)", readonly=True, copy=False
    )
    resolution_working_minutes = fields.Float(
        string="Resolution time (working minutes)", readonly=True, copy=False
    )
    resolution_done_date = fields.Datetime(
        string="Resolution clock stopped on",
        readonly=True,
        copy=False,
        index=True,
        help="When the resolution target was settled (met or breached): the "
        "ticket closed. The time to resolve excludes the paused time, such as "
        "the reporter's confirmation.",
    )
    sla_status = fields.Selection(
        STATUSES,
        string="SLA",
        compute="_compute_sla_status",
        search="_search_sla_status",
    )
    sla_explanation = fields.Text(
        string="Why this deadline", compute="_compute_sla_explanation"
    )

    def _compute_sla_status(self):
        by_ticket = self._itsm_clocks_by_record()
        deadlines = by_ticket["none"]
        for ticket in self:
            statuses = by_ticket.get(ticket.id, deadlines[:0]).mapped("status")
            ticket.sla_status = next(
                (status for status in STATUS_ORDER if status in statuses), False
            )

    @api.depends_context("lang")
    def _compute_sla_explanation(self):
        """Why each deadline is what it is, in the reader's language: the
        priority's target, the calendar it is measured in, the time used
        before a pause."""
        by_ticket = self._itsm_clocks_by_record()
        deadlines = by_ticket["none"]
        for ticket in self:
            lines = []
            for deadline in by_ticket.get(ticket.id, deadlines[:0]).sorted("kind"):
                kind = (
                    self.env._("response")
                    if deadline.kind == "response"
                    else self.env._("resolution")
                )
                # sudo: priority levels are configuration every ticket uses.
                priority = ticket.sudo().itsm_priority_id
                if (
                    deadline.kind == "resolution"
                    and not deadline.explanation
                    and priority._itsm_in_months()
                ):
                    line = self.env._(
                        "%(priority)s: %(kind)s within %(target)s (to the same "
                        "day of the month) in “%(calendar)s”.",
                        priority=priority.name,
                        kind=kind,
                        target=priority._itsm_target_text(0.0),
                        calendar=deadline.calendar_id.name,
                    )
                else:
                    line = self.env._(
                        "%(priority)s: %(kind)s within %(hours)s h of working "
                        "time in “%(calendar)s”.",
                        # The service level's name, or the priority's
                        priority=deadline.explanation or priority.name or "-",
                        kind=kind,
                        hours=_number(deadline.target_minutes / 60),
                        calendar=deadline.calendar_id.name,
                    )
                if deadline.consumed_minutes and deadline.state != "done":
                    line += " " + self.env._(
                        "%(minutes)s working minutes were used before a pause.",
                        minutes=_number(deadline.consumed_minutes),
                    )
                lines.append(line)
            ticket.sla_explanation = "\n".join(reversed(lines))

    def _search_sla_status(self, operator, value):
        if operator not in ("=", "in"):
            raise NotImplementedError(operator)
        values = [value] if operator == "=" else list(value)
        # sudo: searching ticket clocks yields ticket ids only.
        Deadline = self.env["itsm.deadline"].sudo()
        # A ticket shows its worst status: it matches a status when one clock
        # has it and no clock has a worse one.
        domain = []
        for status in values:
            worse = STATUS_ORDER[: STATUS_ORDER.index(status)]
            having = Deadline._search(
                [("res_model", "=", self._name), ("status", "=", status)]
            ).subselect("res_id")
            term = [("id", "in", having)]
            if worse:
                worse_query = Deadline._search(
                    [("res_model", "=", self._name), ("status", "in", worse)]
                ).subselect("res_id")
                term = ["&", *term, ("id", "not in", worse_query)]
            domain = ["|", *domain, *term] if domain else term
        return domain

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        # Computing the priority now to start the clocks prepares no
        # tracking: mail.thread's create discards what its creation tracked,
        # and preparing it would read back the row just inserted.
        tickets.with_context(mail_notrack=True).filtered(
            "itsm_priority"
        )._itsm_deadline_start(creating=True)
        return tickets

    def _itsm_follow_up(self):
        # Right after the commit (helpdesk_ticket_follow_up.py): the sweep wakes at
        # the new clocks' moments and at the rules' thresholds.
        result = super()._itsm_follow_up()
        # sudo: clocks are the system's (as in _itsm_clocks_by_record).
        self.env["itsm.deadline"].sudo().search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("state", "=", "running"),
            ]
        )._schedule_sweep()
        # sudo: schedules the sweep for the rules' thresholds.
        self.env["itsm.escalation.rule"].sudo()._schedule_for(self)
        return result

    def write(self, vals):
        watched = {"itsm_priority", "stage_id", "acknowledged_date", "team_id"}
        if not watched & set(vals) and not (
            {"impact", "urgency", "priority_override"} & set(vals)
        ):
            return super().write(vals)
        before = {
            ticket.id: (ticket.itsm_priority, ticket.stage_id, ticket.acknowledged_date)
            for ticket in self
        }
        result = super().write(vals)
        self._itsm_sla_follow(before)
        return result

    def _itsm_sla_follow(self, before):
        now = fields.Datetime.now()
        # The clocks (sudo, see _itsm_clocks_by_record) follow the ticket
        # whoever changes it.
        by_ticket = self._itsm_clocks_by_record()
        Deadline = by_ticket["none"]
        started = self.env[self._name]
        for ticket in self:
            priority, stage, acknowledged = before[ticket.id]
            clocks = by_ticket.get(ticket.id, Deadline).grouped("kind")
            if not ticket.is_itsm:
                # Moved to a plain team: its clocks wait (and resume if it
                # comes back to an ITSM team).
                by_ticket.get(ticket.id, Deadline)._pause(at=now)
                continue
            if not priority and clocks and ticket.itsm_priority:
                # Back from a plain team.
                if not ticket.stage_id.itsm_pause_sla:
                    by_ticket[ticket.id]._resume(at=now)
                ticket._itsm_deadline_retarget(by_ticket)
                continue
            if ticket.itsm_priority and not clocks:
                started |= ticket
                continue
            if ticket.itsm_priority != priority and clocks:
                ticket._itsm_deadline_retarget(by_ticket)
            if ticket.acknowledged_date and not acknowledged and "response" in clocks:
                clocks["response"]._stop(at=ticket.acknowledged_date)
            if ticket.stage_id != stage:
                all_clocks = by_ticket.get(ticket.id, Deadline)
                if ticket.stage_id.closed:
                    all_clocks._stop(at=now)
                elif stage.closed and "resolution" in clocks:
                    clocks["resolution"]._reopen(at=now)
                elif ticket.stage_id.itsm_pause_sla:
                    all_clocks._pause(at=now)
                elif stage.itsm_pause_sla:
                    all_clocks._resume(at=now)
        started._itsm_deadline_start()
        self._itsm_deadline_sync()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _itsm_deadline_targets(self):
        """{kind: (minutes, calendar, explanation)} for the ticket: the
        customer's service level where it has a line for the priority, else
        the priority's own targets."""
        self.ensure_one()
        # sudo: priority levels are configuration every ticket uses.
        priority = self.sudo().itsm_priority_id
        # sudo: the customer's service level decides the targets whoever
        # creates the ticket (portal, e-mail, monitoring).
        level = self.sudo().commercial_partner_id.itsm_service_level_id
        line = level.line_ids.filtered(lambda item: item.priority_id == priority)[:1]
        default_calendar = self.company_id.resource_calendar_id or self.env.ref(
            "itsm_incident.calendar_24x7"
        )
        if line:
            source = level.name
            targets = {
                "response": (line.response_hours, line.calendar_id),
                "resolution": (line.resolution_hours, line.calendar_id),
            }
        else:
            source = False  # the priority, named in the reader's language
            targets = {
                "response": (
                    priority.effective_response_hours,
                    priority.response_calendar_id,
                ),
                "resolution": (
                    priority.effective_resolution_hours,
                    priority.resolution_calendar_id,
                ),
            }
        result = {}
        for kind, (hours, calendar) in targets.items():
            calendar = (
                calendar
                or (
                    priority.response_calendar_id
                    if kind == "response"
                    else priority.resolution_calendar_id
                )
                or default_calendar
            )
            result[kind] = (hours * 60, calendar, source)
        if not line and priority._itsm_in_months():
            # S2's "< 1 month": to the same moment of the next month, from
            # when the clock started (now for a new one).
            clock = self._itsm_deadline_clocks(["resolution"])
            _minutes, calendar, source = result["resolution"]
            result["resolution"] = (
                priority._itsm_resolution_minutes(
                    clock.started_at or fields.Datetime.now(), calendar
                ),
                calendar,
                source,
            )
        return result

    def _itsm_deadline_group_key(self):
        # Tickets of one priority and company with the same customer service
        # level share their targets.
        self.ensure_one()
        # sudo: the customer's service level decides the targets, whoever
        # creates the ticket (a portal user reads no levels).
        return (
            self.itsm_priority,
            self.company_id,
            self.sudo().commercial_partner_id.itsm_service_level_id,
        )

    def _itsm_deadline_sync(self, by_record=None, track=True):
        """Mirror the clocks on the ticket: deadlines, met flags, first breach
        and the explanation, for lists, searches and KPIs. Changed deadlines
        are written through the ORM (they are tracked), one write for the
        tickets that take the same values; the rest, as after a sweep's
        breaches, in one UPDATE per set of changed fields.

        ``by_record``: the clocks {ticket id: itsm.deadline, "none": empty},
        when the caller has them; ``track=False``: nothing to track (new
        tickets), everything goes in the UPDATEs."""
        by_ticket = by_record
        if by_ticket is None:
            by_ticket = self._itsm_clocks_by_record()
        deadlines = by_ticket["none"]
        tracked = defaultdict(list)
        quiet = defaultdict(dict)
        for ticket in self:
            clocks = by_ticket.get(ticket.id, deadlines[:0]).grouped("kind")
            response = clocks.get("response", deadlines[:0])
            resolution = clocks.get("resolution", deadlines[:0])
            breaches = [d.breached_at for d in response | resolution if d.breached_at]
            vals = {
                "response_deadline": response.deadline,
                "resolution_deadline": resolution.deadline,
                "response_met": response.met,
                "resolution_met": resolution.met,
                "sla_breached_at": min(breaches) if breaches else False,
                "response_working_minutes": response.consumed_minutes
                if response.state == "done"
                else 0.0,
                "resolution_working_minutes": resolution.consumed_minutes
                if resolution.state == "done"
                else 0.0,
                "resolution_done_date": resolution.done_at,
            }
            changed = {
                name: value for name, value in vals.items() if ticket[name] != value
            }
            if track and any(
                getattr(self._fields[name], "tracking", None) for name in changed
            ):
                tracked[tuple(sorted(changed.items()))].append(ticket.id)
            elif changed:
                quiet[tuple(sorted(changed))][ticket.id] = changed
        for changed, ticket_ids in tracked.items():
            # sudo: mirrors the clocks into read-only fields, whoever
            # moved them (a user's change, the sweep).
            self.browse(ticket_ids).sudo().write(dict(changed))
        for names, changes in quiet.items():
            self._itsm_sla_update(names, changes)

    def _itsm_sla_update(self, names, changes):
        """Write untracked mirror fields ``names`` of many tickets, each its
        own values {ticket id: {name: value}}, in one UPDATE; stored fields
        that depend on them are recomputed as after an ORM write."""
        tickets = self.browse(list(changes))
        tickets.flush_recordset(list(names))
        now = fields.Datetime.now()
        rows = SQL(", ").join(
            SQL(
                "(%s, %s)",
                ticket_id,
                SQL(", ").join(
                    SQL(
                        "%s::%s",
                        self._fields[name].convert_to_column(values[name], self),
                        SQL(self._fields[name].column_type[1]),
                    )
                    for name in names
                ),
            )
            for ticket_id, values in changes.items()
        )
        self.env.cr.execute(
            SQL(
                "UPDATE %(table)s AS t SET %(assignments)s, write_date = %(now)s, "
                "write_uid = %(uid)s FROM (VALUES %(rows)s) AS v(id, %(columns)s) "
                "WHERE t.id = v.id",
                table=SQL.identifier(self._table),
                assignments=SQL(", ").join(
                    SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name))
                    for name in names
                ),
                now=now,
                uid=self.env.uid,
                rows=rows,
                columns=SQL(", ").join(SQL.identifier(name) for name in names),
            )
        )
        # The cache takes the mirrors the row now holds (no read of the
        # tickets back), then what depends on them is recomputed as after a
        # write.
        cache = self.env.cache
        for name in names:
            field = self._fields[name]
            cache.update(
                tickets,
                field,
                [
                    field.convert_to_cache(changes[ticket.id][name], ticket)
                    for ticket in tickets
                ],
            )
        tickets.invalidate_recordset(["write_date", "write_uid"])
        tickets.modified(list(names))

    def _itsm_deadline_event(self, event, deadlines):
        result = super()._itsm_deadline_event(event, deadlines)
        if event == "breach":
            self._itsm_deadline_sync()
        return result
