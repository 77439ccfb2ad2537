from markupsafe import Markup

from odoo import fields, models
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
    """Records that carry tracked deadlines (`itsm.deadline`) and hear when
    one of them reaches its warning share or is breached."""

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
