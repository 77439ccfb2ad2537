from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

# What the clocks of records are mostly read for.
CLOCK_FIELDS = [
    "res_id",
    "kind",
    "state",
    "deadline",
    "warn_at",
    "met",
    "breached_at",
    "warned_at",
    "calendar_id",
    "target_minutes",
    "consumed_minutes",
    "resumed_at",
]
# Where a sweep gathers the notes of its transaction (cr.precommit.data).
SWEEP_NOTES = "itsm_incident.sweep_notes"


class ItsmDeadlineMixin(models.AbstractModel):
    """Records that carry tracked deadlines (`itsm.deadline`, DESIGN §2) and
    hear when one of them reaches its warning share or is breached.

    A model declares its kinds (``selection_add`` on ``itsm.deadline.kind``)
    and implements :meth:`_itsm_deadline_targets`; starting, pausing,
    resuming, retargeting, reopening and stopping its clocks are the
    ``_itsm_deadline_*`` methods below, all set-wise. It may mirror the
    clocks on its own fields (:meth:`_itsm_deadline_sync`) and react to a
    warning or a breach (:meth:`_itsm_deadline_event`)."""

    _name = "itsm.deadline.mixin"
    _description = "ITSM Records with Tracked Deadlines"

    itsm_deadline_ids = fields.One2many(
        "itsm.deadline",
        compute="_compute_itsm_deadline_ids",
        string="Deadlines",
    )

    def _compute_itsm_deadline_ids(self):
        deadlines = self.env["itsm.deadline"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        )
        by_record = deadlines.grouped("res_id")
        for record in self:
            record.itsm_deadline_ids = by_record.get(record.id, deadlines[:0])

    def unlink(self):
        # The records' clocks go with them (``res_id`` is a Many2oneReference,
        # which the database cannot cascade): no orphan is left to the sweep.
        # sudo: the clocks are the system's; users never write them.
        clocks = (
            self.env["itsm.deadline"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )
        result = super().unlink()
        clocks.unlink()
        return result

    def _itsm_clocks_by_record(self):
        """{record id: itsm.deadline} for these records, in one query.

        sudo: deadlines mirror records the caller already reads; users have
        no write access to them."""
        # One read of what callers use for all (groups lose the prefetch).
        deadlines = (
            self.env["itsm.deadline"]
            .sudo()
            .search_fetch(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)],
                CLOCK_FIELDS,
            )
        )
        return dict(deadlines.grouped("res_id"), none=deadlines[:0])

    # ------------------------------------------------------------------
    # What a model implements
    # ------------------------------------------------------------------

    def _itsm_deadline_targets(self):
        """{kind: (working minutes, resource.calendar, explanation)} of one
        record: the clocks it must have now. Explanation: a text saying
        where the target comes from, or False."""
        self.ensure_one()
        return {}

    def _itsm_deadline_group_key(self):
        """Records with the same key share their targets, computed once for
        a batch (e.g. tickets of one priority, company and service level)."""
        self.ensure_one()
        return self.id

    @api.model
    def _itsm_deadline_warn_share(self):
        """Share of a target after which a warning is due (a setting)."""
        # sudo: a setting every clock's warning time depends on.
        return float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("itsm_incident.sla_warning_share", 0.75)
        )

    def _itsm_deadline_sync(self, by_record=None, track=True):
        """Mirror the clocks on the records' own fields, if the model has
        any; ``by_record`` as :meth:`_itsm_clocks_by_record` gives it;
        ``track=False`` for records being created."""

    # ------------------------------------------------------------------
    # Operations, set-wise
    # ------------------------------------------------------------------

    def _itsm_deadline_start(self, creating=False, at=None, kinds=None):
        """Start the clocks of :meth:`_itsm_deadline_targets` on records that
        have none: one computation of the targets per group key, one
        ``create`` for all. ``creating``: the records are being created (no
        change to track; their sweep is scheduled by their caller).
        ``kinds``: start only these (a step reached later, e.g. a request's
        fulfilment once approved), on records without a clock of the kind."""
        if not self:
            return self.env["itsm.deadline"]
        if kinds:
            having = {
                (clock.res_id, clock.kind)
                for clock in self._itsm_deadline_clocks(kinds)
            }
        # sudo: clocks are written by the system, users only read them.
        Deadline = self.env["itsm.deadline"].sudo()
        share = self._itsm_deadline_warn_share()
        start = at or fields.Datetime.now()
        values = []
        for records in self.grouped(lambda r: r._itsm_deadline_group_key()).values():
            targets = records[0]._itsm_deadline_targets()
            for kind, (minutes, calendar, explanation) in targets.items():
                starting = records
                if kinds:
                    if kind not in kinds:
                        continue
                    starting = records.filtered(
                        lambda record, kind=kind: (record.id, kind) not in having
                    )
                values += Deadline._start_values(
                    starting,
                    kind,
                    minutes,
                    calendar,
                    start=start,
                    warn_share=share,
                    explanation=explanation,
                )
        clocks = Deadline.create(values)
        if not creating:
            clocks._schedule_sweep()
        if kinds:
            # The records have other clocks: mirror them all.
            self._itsm_deadline_sync(track=not creating)
        else:
            self._itsm_deadline_sync(
                dict(clocks.grouped("res_id"), none=Deadline), track=not creating
            )
        return clocks

    def _itsm_deadline_retarget(self, by_record=None):
        """New targets (what they depend on changed): the time already used
        still counts, running clocks get a new due time."""
        by_record = by_record or self._itsm_clocks_by_record()
        for record in self:
            clocks = by_record.get(record.id, by_record["none"]).grouped("kind")
            targets = record._itsm_deadline_targets()
            for kind, (minutes, _calendar, explanation) in targets.items():
                if kind in clocks:
                    clocks[kind]._retarget(minutes, explanation)

    def _itsm_deadline_clocks(self, kinds=None):
        """The clocks of these records (sudo, see _itsm_clocks_by_record),
        of ``kinds`` only when given."""
        domain = [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        if kinds:
            domain.append(("kind", "in", list(kinds)))
        # sudo: the clocks are the system's; users never write them.
        return self.env["itsm.deadline"].sudo().search(domain)

    def _itsm_deadline_pause(self, kinds=None, at=None):
        self._itsm_deadline_clocks(kinds)._pause(at=at)

    def _itsm_deadline_resume(self, kinds=None, at=None):
        self._itsm_deadline_clocks(kinds)._resume(at=at)

    def _itsm_deadline_stop(self, kinds=None, at=None):
        """The target is reached (responded, resolved, done…): met or not."""
        self._itsm_deadline_clocks(kinds)._stop(at=at)

    def _itsm_deadline_reopen(self, kinds=None, at=None):
        self._itsm_deadline_clocks(kinds)._reopen(at=at)

    def _itsm_deadline_met(self, kind):
        """{record id: True/False/None} whether the ``kind`` clock was met
        (None: no clock or not settled yet)."""
        clocks = self._itsm_deadline_clocks([kind]).grouped("res_id")
        return {
            record.id: (
                clocks[record.id].met
                if record.id in clocks and clocks[record.id].state == "done"
                else None
            )
            for record in self
        }

    def _itsm_deadlines(self, kind):
        return self.env["itsm.deadline"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("kind", "=", kind),
            ]
        )

    def _itsm_deadline_event(self, event, deadlines):
        """Called by the sweep, once per deadline and event ("warning" or
        "breach"), with the records of one model. Logs it on each record in
        one batch; models add notices and escalations."""
        by_record = deadlines.grouped("res_id")
        bodies = {}
        for record in self:
            names = ", ".join(by_record[record.id].mapped("name"))
            bodies[record.id] = (
                self.env._("Deadline warning: %s", names)
                if event == "warning"
                else self.env._("Deadline breached: %s", names)
            )
        self._itsm_log_notes(bodies)

    def _itsm_log_notes(self, bodies):
        """Log {record id: note} on these records' chatter. During a sweep
        the notes are gathered, and each record gets one note for all that
        fired on it (``_itsm_flush_notes``)."""
        if not hasattr(self, "_message_log_batch"):
            return
        notes = self.env.cr.precommit.data.get(SWEEP_NOTES)
        if notes is None:
            self._message_log_batch(bodies=bodies)
            return
        by_record = notes.setdefault(self._name, {})
        for res_id, body in bodies.items():
            by_record.setdefault(res_id, []).append(body)

    def _itsm_flush_notes(self, notes):
        """One note per record for the gathered {model: {id: [notes]}}.

        A sweep logs thousands of them, and through the ORM each costs more
        than the rest of its work (sanitizing, cache upkeep), so they are
        inserted in one statement with the values ``_message_log_batch``
        gives a note: internal, no recipients, attachments or tracking. The
        bodies are Markup built from escaped text, as that method escapes."""
        notes = {model: by_record for model, by_record in notes.items() if by_record}
        if not notes:
            return
        Thread = self.env["mail.thread"]
        author_id, email_from = Thread._message_compute_author(raise_on_email=False)
        now = fields.Datetime.now()
        models_, res_ids, bodies = [], [], []
        for model, by_record in notes.items():
            for res_id, lines in by_record.items():
                models_.append(model)
                res_ids.append(res_id)
                bodies.append(str(Markup("<br/>").join(lines)))
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_message (
                    model, res_id, body, message_type, is_internal, subtype_id,
                    author_id, email_from, reply_to, message_id,
                    email_add_signature, date,
                    create_uid, create_date, write_uid, write_date)
                SELECT n.model, n.res_id, n.body, 'notification', true,
                       %(subtype)s, %(author)s, %(email_from)s, %(reply_to)s,
                       %(message_id)s, false, %(now)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(models)s::varchar[], %(res_ids)s::int[],
                              %(bodies)s::text[]) AS n(model, res_id, body)
                """,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                author=author_id,
                email_from=email_from,
                reply_to=Thread._notify_get_reply_to(default=email_from)[False],
                message_id=generate_tracking_message_id("message-notify"),
                now=now,
                uid=self.env.uid,
                models=models_,
                res_ids=res_ids,
                bodies=bodies,
            )
        )
        self.env["mail.message"].invalidate_model()
        for model, by_record in notes.items():
            self.env[model].browse(list(by_record)).invalidate_recordset(
                ["message_ids"]
            )
