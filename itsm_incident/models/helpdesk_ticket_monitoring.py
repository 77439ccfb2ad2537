from odoo import api, fields, models
from odoo.tools import create_index


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """What a monitoring tool's alert (`itsm.event.source`) records on the
    incident it opened (INC-1): its fingerprint, repeats and recovery. The
    lookup index is in ``init``."""

    _inherit = "helpdesk.ticket"

    event_source_id = fields.Many2one(
        "itsm.event.source",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="Monitoring tool whose alert opened this incident.",
    )
    event_fingerprint = fields.Char(
        string="Fingerprint",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="Identity of the alert in the monitoring tool: its repeats are "
        "counted on this incident while it is open.",
    )
    event_count = fields.Integer(
        string="Occurrences",
        readonly=True,
        copy=False,
        help="How many times the monitoring tool sent this alert.",
    )
    event_reopen_count = fields.Integer(
        string="Recurrences after recovery",
        readonly=True,
        copy=False,
        default=0,
        help="How many times the alert fired again after the monitoring tool "
        "reported it recovered: each is a recurrence of the fault (INC-10).",
    )
    event_last_seen = fields.Datetime(string="Last seen", readonly=True, copy=False)
    event_recovered = fields.Boolean(
        string="Recovered",
        tracking=True,
        readonly=True,
        copy=False,
        help="The monitoring tool reports the alert resolved; the desk verifies "
        "the service before closing the incident.",
    )
    event_recovered_date = fields.Datetime(
        string="Recovered on", readonly=True, copy=False
    )
    event_storm = fields.Boolean(
        string="Alert storm",
        readonly=True,
        copy=False,
        help="Counts the new alerts of a source beyond its flood guard.",
    )
    is_fault = fields.Boolean(
        string="Fault",
        compute="_compute_is_fault",
        store=True,
        readonly=False,
        tracking=True,
        index=True,
        help="A fault (故障, S4): an incident that has caused or may cause an "
        "interruption or degradation of a service (operating system, network, "
        "application, database). Monitoring alerts and P1/P2 incidents are "
        "faults; the desk marks or unmarks the others. The fault ladder's "
        "rules apply to faults.",
    )

    def init(self):
        result = super().init()
        # "The open incident of (source, fingerprint)": one index lookup, the
        # newest ticket first; only tickets opened by a monitoring tool.
        create_index(
            self.env.cr,
            "helpdesk_ticket_event_source_fingerprint_idx",
            self._table,
            ["event_source_id", "event_fingerprint", "id DESC"],
            where="event_fingerprint IS NOT NULL",
        )
        return result

    @api.depends("declaration_type", "event_source_id", "itsm_priority")
    def _compute_is_fault(self):
        """Monitoring alerts and P1/P2 incidents become faults; a fault stays
        one (the desk unmarks it) when its priority is lowered."""
        for ticket in self:
            ticket.is_fault = ticket.declaration_type == "incident" and (
                ticket.is_fault
                or bool(ticket.event_source_id)
                or ticket.itsm_priority in ("1", "2")
            )

    @api.model
    def _itsm_follow_up_called_for(self, vals):
        # The alert fired again after its recovery: a recurrence, which the
        # follow-up counts (and which may propose a problem or escalate).
        return super()._itsm_follow_up_called_for(vals) or (
            "event_reopen_count" in vals
        )

    def _itsm_awaits_reporter(self):
        # An alert has no reporter to confirm its resolution: the desk
        # verified the service (resolved) and closes it.
        return super()._itsm_awaits_reporter() and not (
            self.event_source_id and not self.partner_id
        )

    @api.model
    def _itsm_open_event_incidents(self, source, fingerprints):
        """The open incidents of `source` for these fingerprints, oldest
        first (so the newest wins when a mapping is built from them)."""
        if not fingerprints:
            return self.browse()
        return self.search(
            [
                ("event_source_id", "=", source.id),
                ("event_fingerprint", "in", list(fingerprints)),
                ("stage_id.closed", "=", False),
            ],
            order="id",
        )

    @api.model
    def _itsm_prepare_event_vals(self, source, event, levels, now):
        """Values of the incident a new alert opens."""
        impact, urgency = levels
        vals = self._itsm_event_source_vals(source, now)
        vals.update(
            name=self._itsm_event_title(event),
            description=source._itsm_event_description(event),
            impact=impact,
            urgency=urgency,
            occurrence_date=event["starts_at"] or now,
            event_fingerprint=event["fingerprint"],
            event_count=1,
            event_reopen_count=0,
        )
        return vals

    @api.model
    def _itsm_prepare_storm_vals(self, source, now):
        """Values of the alert storm incident (告警风暴) of a source; its
        impact and urgency rise with the alerts counted on it."""
        vals = self._itsm_event_source_vals(source, now)
        vals.update(
            name=self.env._("Alert storm from %s", source.name),
            description=source._itsm_storm_description(),
            impact="minor",
            urgency="low",
            occurrence_date=now,
            event_count=0,
            event_storm=True,
        )
        return vals

    @api.model
    def _itsm_event_source_vals(self, source, now):
        """What every incident of a monitoring source has."""
        channel = self.env.ref(
            "itsm_incident.helpdesk_ticket_channel_monitoring", raise_if_not_found=False
        )
        vals = {
            "declaration_type": "incident",
            # Screened by its channel (INC-2): a monitoring alert is a fault
            # the tool observed, not a declaration to judge, so it is a valid
            # incident from the start (no reporter to call back either).
            "screening_state": "valid",
            "channel_id": channel.id if channel else False,
            "company_id": source.company_id.id,
            "event_source_id": source.id,
            "event_last_seen": now,
            "event_recovered": False,
            # Never "assign to the creator": that is the technical user.
            "user_id": False,
        }
        # Without a team on the source, the category's team or the company's
        # service desk team apply, as for any other ticket.
        if source.team_id:
            vals["team_id"] = source.team_id.id
        if source.category_id:
            vals["category_id"] = source.category_id.id
        return vals

    @api.model
    def _itsm_event_title(self, event):
        title = (
            event["summary"] or event["labels"].get("alertname") or event["fingerprint"]
        )
        if event.get("service") and event["service"] not in title:
            title = f"{event['service']}: {title}"
        return title if len(title) <= 200 else title[:199] + "…"

    @api.model
    def _itsm_event_line(self, event):
        """One alert in a list: its fingerprint, severity and title."""
        severity = f" ({event['severity']})" if event["severity"] else ""
        return f"{event['fingerprint']}{severity}: {self._itsm_event_title(event)}"
