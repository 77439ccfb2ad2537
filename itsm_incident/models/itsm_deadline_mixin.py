from markupsafe import Markup

from odoo import fields, models

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

    def _itsm_clocks_by_record(self):
        """{record id: itsm.deadline} for these records, in one query.

        sudo: deadlines mirror records the caller already reads; users have
        no write access to them."""
        deadlines = (
            self.env["itsm.deadline"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
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
        """One note per record for the gathered {model: {id: [notes]}}."""
        for model, by_record in notes.items():
            self.env[model].browse(list(by_record))._message_log_batch(
                bodies={
                    res_id: Markup("<br/>").join(lines)
                    for res_id, lines in by_record.items()
                }
            )
