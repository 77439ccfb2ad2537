import logging

from odoo import api, fields, models
from odoo.tools import SQL, create_index

from ..tools.after_commit import trigger_after_commit
from ..tools.cron import retry_on_conflict
from .itsm_deadline_mixin import SWEEP_NOTES

_logger = logging.getLogger(__name__)

STATES = [("running", "Running"), ("paused", "Paused"), ("done", "Done")]
# itsm_incident's kinds: a ticket's response and resolution, an improvement
# action's due date.
DEADLINE_KINDS = [
    ("response", "Response"),
    ("resolution", "Resolution"),
    ("action_due", "Action due"),
]
STATUSES = [
    ("on_track", "On Track"),
    ("warning", "Warning"),
    ("breached", "Breached"),
    ("paused", "Paused"),
    ("met", "Met"),
]


class ItsmDeadline(models.Model):
    """A tracked deadline (DESIGN §2): a target on any record — respond,
    resolve, send a notice, finish billing — measured in working time, that
    can be paused and resumed, and is met or breached.

    Stored and indexed on what the sweep asks ("running and due"), so that
    finding the due ones is one index scan whatever the table size. Whether a
    running deadline is late *now* is computed live (``status``), never
    stored; the sweep records the moment it found it breached.
    """

    _name = "itsm.deadline"
    _description = "ITSM Tracked Deadline"
    _order = "deadline, id"

    res_model = fields.Char(
        string="Record Model", required=True, index=True, readonly=True
    )
    res_id = fields.Many2oneReference(
        string="Record",
        model_field="res_model",
        required=True,
        index=True,
        readonly=True,
    )
    # The kinds a model's deadlines may have: each addon declares its own
    # with ``selection_add`` (and ``ondelete``), the label is what users see.
    kind = fields.Selection(
        DEADLINE_KINDS, required=True, readonly=True, help="What must happen."
    )
    name = fields.Char(compute="_compute_name", help="The kind, as users read it.")
    # The record's company, for the company rule (security review L2); empty
    # for a record without one.
    company_id = fields.Many2one(
        "res.company", readonly=True, index="btree_not_null", ondelete="cascade"
    )
    calendar_id = fields.Many2one("resource.calendar", required=True)
    target_minutes = fields.Float(
        string="Target (working minutes)",
        required=True,
        help="Working minutes allowed.",
    )
    warn_share = fields.Float(
        string="Warning share",
        default=0.75,
        help="Share of the target after which a warning is due.",
    )
    started_at = fields.Datetime(required=True, readonly=True)
    resumed_at = fields.Datetime(
        readonly=True, help="Start of the current running stretch."
    )
    consumed_minutes = fields.Float(
        string="Used (working minutes)",
        readonly=True,
        help="Working minutes used before the current stretch.",
    )
    paused_at = fields.Datetime(readonly=True)
    deadline = fields.Datetime(readonly=True)
    warn_at = fields.Datetime(readonly=True)
    state = fields.Selection(STATES, required=True, default="running", readonly=True)
    done_at = fields.Datetime(readonly=True)
    met = fields.Boolean(readonly=True)
    warned_at = fields.Datetime(readonly=True)
    breached_at = fields.Datetime(readonly=True)
    explanation = fields.Char(
        readonly=True, help="Where the target comes from (a priority, a service level)."
    )
    status = fields.Selection(
        STATUSES, compute="_compute_status", search="_search_status"
    )

    _sql_constraints = [
        (
            "target_unique",
            "unique(res_model, res_id, kind)",
            "A record has one deadline of each kind.",
        ),
    ]

    def init(self):
        # What the sweep asks: running deadlines not yet warned / breached,
        # by due time. Partial indexes stay small whatever the history.
        create_index(
            self.env.cr,
            "itsm_deadline_due_breach_idx",
            self._table,
            ["deadline"],
            where="state = 'running' AND breached_at IS NULL",
        )
        create_index(
            self.env.cr,
            "itsm_deadline_due_warn_idx",
            self._table,
            ["warn_at"],
            where="state = 'running' AND warned_at IS NULL",
        )

        # What the SLA rules of the escalation ladder ask: running clocks
        # past their warning or due time, whether swept yet or not.
        create_index(
            self.env.cr,
            "itsm_deadline_running_deadline_idx",
            self._table,
            ["deadline"],
            where="state = 'running'",
        )
        create_index(
            self.env.cr,
            "itsm_deadline_running_warn_idx",
            self._table,
            ["warn_at"],
            where="state = 'running'",
        )

    # ------------------------------------------------------------------
    # Live status
    # ------------------------------------------------------------------

    @api.depends("kind")
    @api.depends_context("lang")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for record in self:
            record.name = labels.get(record.kind, record.kind)

    @api.depends("state", "met", "deadline", "warn_at")
    def _compute_status(self):
        now = self._now()
        for record in self:
            if record.state == "done":
                record.status = "met" if record.met else "breached"
            elif record.state == "paused":
                record.status = "paused"
            elif record.deadline and record.deadline <= now:
                record.status = "breached"
            elif record.warn_at and record.warn_at <= now:
                record.status = "warning"
            else:
                record.status = "on_track"

    def _search_status(self, operator, value):
        if operator not in ("=", "in"):
            raise NotImplementedError(operator)
        now = self._now()
        domains = {
            "met": [("state", "=", "done"), ("met", "=", True)],
            "paused": [("state", "=", "paused")],
            "breached": [
                "|",
                "&",
                ("state", "=", "done"),
                ("met", "=", False),
                "&",
                ("state", "=", "running"),
                ("deadline", "<=", now),
            ],
            "warning": [
                ("state", "=", "running"),
                ("deadline", ">", now),
                ("warn_at", "<=", now),
            ],
            "on_track": [
                ("state", "=", "running"),
                ("deadline", ">", now),
                "|",
                ("warn_at", "=", False),
                ("warn_at", ">", now),
            ],
        }
        values = [value] if operator == "=" else value
        result = []
        for status in values:
            result = ["|", *result, *domains[status]] if result else domains[status]
        return result

    @api.model
    def _now(self):
        return fields.Datetime.now()

    # ------------------------------------------------------------------
    # Clock operations, all set-wise
    # ------------------------------------------------------------------

    @api.model
    def _start(
        self,
        records,
        kind,
        target_minutes,
        calendar,
        start=None,
        warn_share=0.75,
        explanation=False,
        restart=True,
    ):
        """Start (or, with ``restart``, start again) the ``kind`` deadline of
        ``records``, all with the same target: due and warning times are
        computed once."""
        if restart:
            self.search(
                [
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("kind", "=", kind),
                ]
            ).unlink()
        deadlines = self.create(
            self._start_values(
                records,
                kind,
                target_minutes,
                calendar,
                start=start,
                warn_share=warn_share,
                explanation=explanation,
            )
        )
        deadlines._schedule_sweep()
        return deadlines

    @api.model
    def _start_values(
        self,
        records,
        kind,
        target_minutes,
        calendar,
        start=None,
        warn_share=0.75,
        explanation=False,
    ):
        """The values of new ``kind`` deadlines of ``records``, for callers
        that start several kinds in one ``create`` (then ``_schedule_sweep``)."""
        start = start or self._now()
        intervals = calendar._itsm_intervals()
        deadline = calendar._itsm_add_working_minutes(start, target_minutes, intervals)
        warn_at = (
            calendar._itsm_add_working_minutes(
                start, warn_share * target_minutes, intervals
            )
            if warn_share
            else False
        )
        has_company = "company_id" in records._fields
        return [
            {
                "res_model": records._name,
                "res_id": record.id,
                "company_id": record.company_id.id if has_company else False,
                "kind": kind,
                "calendar_id": calendar.id,
                "target_minutes": target_minutes,
                "warn_share": warn_share,
                "started_at": start,
                "resumed_at": start,
                "deadline": deadline,
                "warn_at": warn_at,
                "explanation": explanation,
            }
            for record in records
        ]

    def _retarget(self, target_minutes, explanation=False):
        """A new target (e.g. the priority changed): the time already used
        still counts; running ones get a new due time."""
        self.write({"target_minutes": target_minutes, "explanation": explanation})
        self.filtered(lambda d: d.state == "running")._plan()

    def _pause(self, at=None):
        at = at or self._now()
        for deadline in self.filtered(lambda d: d.state == "running"):
            deadline.write(
                {
                    "state": "paused",
                    "paused_at": at,
                    "consumed_minutes": deadline.consumed_minutes
                    + deadline.calendar_id._itsm_working_minutes(
                        deadline.resumed_at, at
                    ),
                }
            )

    def _resume(self, at=None):
        at = at or self._now()
        paused = self.filtered(lambda d: d.state == "paused")
        paused.write({"state": "running", "resumed_at": at, "paused_at": False})
        paused._plan()

    def _reopen(self, at=None):
        """A closed record is reopened: the clock runs again with the time
        it had used."""
        at = at or self._now()
        done = self.filtered(lambda d: d.state == "done")
        done.write(
            {"state": "running", "resumed_at": at, "done_at": False, "met": False}
        )
        done._plan()

    def _stop(self, at=None):
        """The target is reached (responded, resolved…): met or not."""
        at = at or self._now()
        for deadline in self.filtered(lambda d: d.state != "done"):
            used = deadline.consumed_minutes
            if deadline.state == "running":
                used += deadline.calendar_id._itsm_working_minutes(
                    deadline.resumed_at, at
                )
            met = used <= deadline.target_minutes
            deadline.write(
                {
                    "state": "done",
                    "done_at": at,
                    "met": met,
                    "consumed_minutes": used,
                    "breached_at": deadline.breached_at or (not met and at),
                }
            )

    def _plan(self):
        """Due and warning times of running deadlines from what is left.
        The deadlines of one calendar share its working intervals."""
        for calendar, deadlines in self.grouped("calendar_id").items():
            intervals = calendar._itsm_intervals()
            for deadline in deadlines:
                left = max(deadline.target_minutes - deadline.consumed_minutes, 0.0)
                warn_left = deadline.warn_share * deadline.target_minutes - (
                    deadline.consumed_minutes
                )
                deadline.write(
                    {
                        "deadline": calendar._itsm_add_working_minutes(
                            deadline.resumed_at, left, intervals
                        ),
                        "warn_at": calendar._itsm_add_working_minutes(
                            deadline.resumed_at, max(warn_left, 0.0), intervals
                        )
                        if deadline.warn_share
                        else False,
                    }
                )
        self._schedule_sweep()

    def _schedule_sweep(self):
        """Wake the sweep exactly when the next of these falls due."""
        moments = {d.deadline for d in self if d.deadline and not d.breached_at}
        moments |= {d.warn_at for d in self if d.warn_at and not d.warned_at}
        # sudo: the rules' thresholds decide when to wake the sweep.
        moments |= self.env["itsm.escalation.rule"].sudo()._share_moments(self)
        self._wake_sweep_at(moments)

    @api.model
    def _wake_sweep_at(self, moments):
        """Wake the sweep at these moments (scheduled once when the
        transaction commits, one trigger per distinct moment)."""
        if moments:
            trigger_after_commit(
                self.env, "itsm_incident.ir_cron_itsm_deadline_sweep", moments
            )

    # ------------------------------------------------------------------
    # The sweep
    # ------------------------------------------------------------------

    @api.model
    @retry_on_conflict
    def _cron_sweep(self, batch_size=None):
        """Warn and breach what is due, exactly once each, even with several
        workers: each deadline is claimed by one UPDATE … RETURNING. The
        notes of one sweep are merged: one per record for all that fired.
        A deadline whose record is gone is logged and removed, never stops
        the sweep (``_split_orphans``).

        As a cron job, one batch a call (``itsm_incident.sweep_batch_size``
        deadlines, default 2000): the job tells Odoo what remains (its
        progress API) and runs again, committed in between, so that a sweep
        stopped anywhere (a server killed, a time limit) resumes where it
        stopped, on whichever server takes the job next. Called otherwise
        (tests, benchmarks), it sweeps everything at once."""
        batch_size = batch_size or self._sweep_batch_size()
        one_batch = bool(self.env.context.get("cron_id"))
        now = self._now()
        done = remaining = 0
        data = self.env.cr.precommit.data
        notes = data[SWEEP_NOTES] = {}
        try:
            for event, column, due_column in (
                ("warning", "warned_at", "warn_at"),
                ("breach", "breached_at", "deadline"),
            ):
                while not remaining:
                    claimed = self._claim(column, due_column, now, batch_size)
                    if not claimed:
                        break
                    done += len(claimed)
                    for res_model, deadlines in claimed.grouped("res_model").items():
                        records, orphans = self._split_orphans(res_model, deadlines)
                        if records:
                            records._itsm_deadline_event(event, deadlines - orphans)
                    if len(claimed) < batch_size:
                        break
                    if one_batch:
                        remaining = self._due_count(now)
            if not remaining:
                done += self.env["itsm.escalation.rule"]._run_due(now)
        finally:
            data.pop(SWEEP_NOTES, None)
        self.env["itsm.deadline.mixin"]._itsm_flush_notes(notes)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if remaining:
            # Odoo runs the job again a few times, then leaves it ready
            # for the servers' next poll (a minute): woken now instead, by
            # a trigger every server hears.
            self._wake_sweep_at({now})
        return done

    @api.model
    def _sweep_batch_size(self):
        # sudo: a technical setting of the sweep, whoever triggers it.
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("itsm_incident.sweep_batch_size", "")
        )
        return int(value) if value.isdigit() and int(value) > 0 else 2000

    @api.model
    def _due_count(self, now):
        """How many warnings and breaches are due and not yet claimed (the
        claims' own indexes)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT (SELECT count(*) FROM itsm_deadline
                         WHERE state = 'running' AND warned_at IS NULL
                           AND warn_at <= %(now)s)
                     + (SELECT count(*) FROM itsm_deadline
                         WHERE state = 'running' AND breached_at IS NULL
                           AND deadline <= %(now)s)
                """,
                now=now,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _split_orphans(self, res_model, deadlines):
        """(records, orphan deadlines) of deadlines of one model: the records
        that still exist (one query), and the deadlines whose record is gone
        (deleted by the superuser or in SQL: ``res_id`` cannot cascade).

        The orphans are logged and deleted, not stopped: a clock only
        measures its record, so without it there is nothing left to warn,
        breach, show or report, and a stopped clock would still count as met
        or breached wherever clocks are read. Deleting them is what a
        cascade would have done, and the sweep never claims them again."""
        if res_model in self.env:
            records = self.env[res_model].browse(deadlines.mapped("res_id")).exists()
        else:
            # Its model is no longer installed: every record of it is gone.
            records = None
        existing = set(records.ids) if records else set()
        orphans = deadlines.filtered(lambda d: d.res_id not in existing)
        if orphans:
            _logger.warning(
                "Deadline sweep: the %s records %s are gone; their deadlines "
                "%s are removed.",
                res_model,
                sorted(set(orphans.mapped("res_id"))),
                orphans.ids,
            )
            # sudo: the clocks are the system's; users never write them.
            orphans.sudo().unlink()
        return records, orphans

    @api.model
    def _claim_sql(self, column, due_column, now, limit):
        """The UPDATE that claims up to ``limit`` running deadlines due at
        ``now`` for one event: stamps ``column`` and returns their ids."""
        return SQL(
            """
            UPDATE itsm_deadline SET %(column)s = %(due_column)s
             WHERE id IN (
                   SELECT id FROM itsm_deadline
                    WHERE state = 'running' AND %(column)s IS NULL
                      AND %(due_column)s <= %(now)s
                    ORDER BY %(due_column)s
                    LIMIT %(limit)s
                    FOR UPDATE SKIP LOCKED)
               AND %(column)s IS NULL
            RETURNING id
            """,
            column=SQL.identifier(column),
            due_column=SQL.identifier(due_column),
            now=now,
            limit=limit,
        )

    @api.model
    def _claim(self, column, due_column, now, limit):
        self.env.flush_all()
        self.env.cr.execute(self._claim_sql(column, due_column, now, limit))
        ids = [row[0] for row in self.env.cr.fetchall()]
        claimed = self.browse(ids)
        claimed.invalidate_recordset([column])
        return claimed
