from collections import defaultdict

from odoo import api, models
from odoo.tools import format_datetime, is_html_empty


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The data of the incident record form 《事件记录单》 (INC-15): its
    timeline and the texts it prints."""

    _inherit = "helpdesk.ticket"

    @api.model
    def _itsm_timeline_fields(self):
        """The tracked fields whose changes the incident record form lists."""
        return ("stage_id", "user_id", "itsm_priority", "screening_state")

    def _itsm_timeline(self):
        """The timeline of each ticket for the incident record form (《事件记录单》).

        Returns ``{ticket id: [entry, …]}``, entries in chronological order,
        each a plain dict: ``date`` (UTC), ``author``, ``kind`` (``creation``,
        ``change``, ``message`` or ``note``), ``body`` (HTML, may be empty)
        and ``changes``, a list of ``{"field", "old", "new"}`` for the fields
        of :meth:`_itsm_timeline_fields`.

        The messages of all the tickets are read at once, then their tracking
        values at once. Both are read as superuser once the user's read access
        to the tickets is checked (tracking values are admin-only); users
        outside the company get neither internal notes nor changes of fields
        they may not read.
        """
        self.check_access("read")
        timelines = {ticket.id: [] for ticket in self}
        if not self:
            return timelines
        domain = [
            ("model", "=", self._name),
            ("res_id", "in", self.ids),
            ("message_type", "!=", "user_notification"),
        ]
        if not self.env.user._is_internal():
            domain += [
                ("is_internal", "=", False),
                "|",
                ("subtype_id", "=", False),
                ("subtype_id.internal", "=", False),
            ]
        # sudo: the caller reads these tickets (the report checks it); the
        # domain above keeps internal notes from portal readers.
        messages = (
            self.env["mail.message"]
            .sudo()
            .search_fetch(
                domain,
                ["date", "author_id", "email_from", "body", "message_type"]
                + ["subtype_id", "is_internal", "res_id"],
                order="date, id",
            )
        )
        field_ids = self.env["ir.model.fields"]._get_ids(self._name)
        tracked = [field_ids.get(name) for name in self._itsm_timeline_fields()]
        # sudo: tracking values of the messages read above.
        trackings = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", messages.ids),
                    ("field_id", "in", [field_id for field_id in tracked if field_id]),
                ]
            )
            ._filter_has_field_access(self.env)
        )
        message_of = {track.id: track.mail_message_id.id for track in trackings}
        changes = defaultdict(list)
        for info in trackings._tracking_value_format():
            changes[message_of[info["id"]]].append(
                {
                    "field": info["changedField"],
                    "old": self._itsm_timeline_value(info["oldValue"]["value"], info),
                    "new": self._itsm_timeline_value(info["newValue"]["value"], info),
                }
            )
        creation_subtype = self._creation_subtype()
        created = set()
        for message in messages:
            message_changes = changes.get(message.id, [])
            if message.subtype_id in creation_subtype and message.res_id not in created:
                kind = "creation"
                created.add(message.res_id)
            elif message.message_type == "notification":
                kind = "change" if message_changes else "note"
            elif message.is_internal or message.subtype_id.internal:
                kind = "note"
            else:
                kind = "message"
            body = message.body
            if kind == "creation" or is_html_empty(body):
                body = ""
            if kind != "creation" and not body and not message_changes:
                continue
            timelines[message.res_id].append(
                {
                    "date": message.date,
                    "author": message.author_id.name or message.email_from or "",
                    "kind": kind,
                    "body": body,
                    "changes": message_changes,
                }
            )
        for ticket in self:
            entries = timelines[ticket.id]
            if ticket.id not in created:
                # Tracking was off when it was created: the record still says when.
                entries.insert(
                    0,
                    {
                        "date": ticket.create_date,
                        # sudo: the creator's name is printed even when the reader
                        # cannot read that user.
                        "author": ticket.sudo().create_uid.name or "",
                        "kind": "creation",
                        "body": "",
                        "changes": [],
                    },
                )
            entries.sort(key=lambda entry: entry["date"])
        return timelines

    @api.model
    def _itsm_timeline_value(self, value, info):
        """A tracked value as the record form prints it."""
        if info["fieldType"] == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if value in (False, None, ""):
            return ""
        if info["fieldType"] in ("date", "datetime"):
            return format_datetime(self.env, value.rstrip("Z"))
        return str(value)

    def _itsm_resolution_target_text(self):
        """The resolution target of the priority as the record form prints it."""
        self.ensure_one()
        hours = f"{self.resolution_target_hours:g}"
        if self.itsm_priority_id.immediate:
            return self.env._("Immediate handling, within %(hours)s h", hours=hours)
        if self.itsm_priority_id._itsm_in_months():
            return self.env._(
                "Within %(target)s",
                target=self.itsm_priority_id._itsm_target_text(0.0),
            )
        if self.resolution_target_hours:
            return self.env._("Within %(hours)s h", hours=hours)
        return ""

    def _itsm_priority_text(self):
        """The priority and the name of its level, once when both read the same."""
        self.ensure_one()
        if not self.itsm_priority:
            return ""
        labels = dict(self._fields["itsm_priority"]._description_selection(self.env))
        label = labels[self.itsm_priority]
        name = self.itsm_priority_id.name
        return f"{label} ({name})" if name and name != label else label
