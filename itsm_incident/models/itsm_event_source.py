import hashlib
import secrets
from collections import Counter
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .itsm_event_severity import DEFAULT_SEVERITIES
from .itsm_priority_matrix import IMPACT_RANK, IMPACTS, URGENCIES, URGENCY_RANK

ALERTMANAGER_PATH = "/itsm/events/alertmanager"
GENERIC_PATH = "/itsm/events"


def new_token():
    """A fresh bearer token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token):
    """What is stored of a token: its SHA-256, in hex. A token is 256 random
    bits, so a plain (unsalted, fast) hash is enough to make the stored value
    useless to whoever reads the database."""
    return hashlib.sha256(token.encode()).hexdigest()


class _Incident:
    """An incident as the events of one request leave it: an open ticket, or
    the values of one to create. Changes are gathered here and written once,
    after every event of the request is known."""

    def __init__(self, ticket=None, vals=None):
        self.ticket = ticket
        self.values = vals if vals is not None else {}
        self.notes = []

    def __getitem__(self, fname):
        return self.values[fname] if fname in self.values else self.ticket[fname]

    def fire(self, now):
        self.values["event_count"] = self["event_count"] + 1
        self.values["event_last_seen"] = now

    def raise_levels(self, impact, urgency):
        """Never lower: a storm is as serious as its worst alert."""
        if IMPACT_RANK[impact] > IMPACT_RANK.get(self["impact"], -1):
            self.values["impact"] = impact
        if URGENCY_RANK[urgency] > URGENCY_RANK.get(self["urgency"], -1):
            self.values["urgency"] = urgency


class ItsmEventSource(models.Model):
    """A monitoring tool allowed to open incidents (INC-1, 监控工具): it posts
    its alerts with this record's token, and this record says how they become
    incidents."""

    _name = "itsm.event.source"
    _description = "ITSM Monitoring Event Source"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    # Only the token's hash is kept (security review L1): the token is shown
    # once, when generated; nobody reads it back, nor sets one of their own.
    token_hash = fields.Char(copy=False, groups="base.group_system")
    has_token = fields.Boolean(
        string="Token generated",
        compute="_compute_has_token",
        help="Whether a token was generated. The monitoring tool sends it in "
        "the header 'Authorization: Bearer <token>'; it is shown once, when "
        "generated, and only its fingerprint is kept.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        check_company=True,
        help="Team of the incidents this source opens. When empty, the team of "
        "the category, else the company's service desk team.",
    )
    category_id = fields.Many2one("helpdesk.ticket.category", check_company=True)
    service_id = fields.Many2one(
        "itsm.service",
        string="Default service",
        check_company=True,
        help="Service of the incidents whose alert names no known service "
        "(the 'service' of a generic event, the 'service' or else 'job' label "
        "of an Alertmanager alert, matched to a monitoring name, code or "
        "name of a service).",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "itsm_event_source_partner_rel",
        "source_id",
        "partner_id",
        string="Affected customers",
        help="Customers affected by the faults this tool watches: its "
        "incidents carry them, and the ladder's customer notices (recovery) "
        "reach them.",
    )
    department_ids = fields.Many2many(
        "hr.department",
        "itsm_event_source_department_rel",
        "source_id",
        "department_id",
        string="Affected departments",
        check_company=True,
        help="Internal departments affected by the faults this tool watches.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Create incidents as",
        required=True,
        default=lambda self: self.env.ref("base.user_root"),
        domain=[("share", "=", False)],
        help="Author of the incidents and of their log notes. The token, not "
        "this user's access rights, authorises the monitoring tool, which can "
        "only open and update the incidents of this source.",
    )
    severity_ids = fields.One2many(
        "itsm.event.severity",
        "source_id",
        string="Severities",
        copy=True,
        default=lambda self: [
            Command.create(
                {"sequence": n, "severity": severity, "impact": i, "urgency": u}
            )
            for n, (severity, i, u) in enumerate(DEFAULT_SEVERITIES)
        ],
    )
    default_impact = fields.Selection(
        IMPACTS,
        required=True,
        default="moderate",
        help="Impact of an alert whose severity is missing or not in the table.",
    )
    default_urgency = fields.Selection(
        URGENCIES,
        required=True,
        default="medium",
        help="Urgency of an alert whose severity is missing or not in the table.",
    )
    max_new_incidents = fields.Integer(
        string="New incidents at most",
        required=True,
        default=20,
        help="Flood guard: beyond this many new incidents within the window, "
        "new alerts are counted on one alert storm incident instead.",
    )
    flood_window_minutes = fields.Integer(
        string="Within (minutes)", required=True, default=10
    )
    events_received = fields.Integer(readonly=True, copy=False)
    last_event_date = fields.Datetime(string="Last event", readonly=True, copy=False)
    incident_count = fields.Integer(
        string="Incidents", compute="_compute_incident_count"
    )
    alertmanager_url = fields.Char(
        string="Alertmanager webhook",
        compute="_compute_urls",
        help="URL of the webhook receiver in the Alertmanager configuration.",
    )
    event_url = fields.Char(
        string="Generic events",
        compute="_compute_urls",
        help="URL to which scripts and other tools post JSON events.",
    )

    _sql_constraints = [
        (
            "token_hash_unique",
            "unique(token_hash)",
            "Each event source needs its own token.",
        ),
        (
            "flood_guard_positive",
            "CHECK(max_new_incidents > 0 AND flood_window_minutes > 0)",
            "The flood guard needs a positive number of incidents and minutes.",
        ),
    ]

    def _compute_incident_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]
            .with_context(active_test=False)
            ._read_group(
                [("event_source_id", "in", self._origin.ids)],
                ["event_source_id"],
                ["__count"],
            )
        )
        for source in self:
            source.incident_count = counts.get(source._origin, 0)

    def _compute_urls(self):
        for source in self:
            base_url = source.get_base_url()
            source.alertmanager_url = base_url + ALERTMANAGER_PATH
            source.event_url = base_url + GENERIC_PATH

    @api.depends("token_hash")
    def _compute_has_token(self):
        # sudo: whether a hash is stored, not the hash.
        for source, source_sudo in zip(self, self.sudo(), strict=True):
            source.has_token = bool(source_sudo.token_hash)

    @api.model_create_multi
    def create(self, vals_list):
        # Odoo checks the groups of the fields written, not of those created.
        if not self.env.su and any("token_hash" in vals for vals in vals_list):
            raise AccessError(
                self.env._(
                    "A token is generated with the button Generate token, never chosen."
                )
            )
        return super().create(vals_list)

    def action_regenerate_token(self):
        """A new token, shown once in a notification that stays until it is
        closed: only its hash is stored. Tools still sending the old token
        are refused."""
        self.ensure_one()
        token = self._itsm_new_token()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "title": self.env._("Token of %s", self.name),
                "message": self.env._(
                    "Copy it into the monitoring tool now: it is not shown "
                    "again. Token: %s",
                    token,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _itsm_new_token(self):
        """Give this source a fresh token and return it, in clear, for the
        one time it is shown; only its hash is stored."""
        self.ensure_one()
        self.check_access("write")
        token = new_token()
        # sudo: the hash is the system's (field groups), so that no user
        # reads it back or sets a token of their choosing; the user may
        # change this source (checked above).
        self.sudo().token_hash = hash_token(token)
        return token

    def action_view_incidents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "itsm_incident.helpdesk_ticket_action_itsm"
        )
        action.update(
            name=self.env._("Incidents from %s", self.name),
            domain=[("event_source_id", "=", self.id)],
            context={"active_test": False},
        )
        return action

    # ------------------------------------------------------------------
    # Intake (INC-1)
    # ------------------------------------------------------------------

    @api.model
    def _itsm_authenticate(self, token):
        """The active source whose token is `token`, else an empty recordset.

        The database is searched for the token's hash: the time taken tells
        nothing about how close a guess is to a token, only (at most) to a
        hash, which does not help to find the token."""
        if not token:
            return self.browse()
        # sudo: the caller is a monitoring tool, not a logged-in user; hashes
        # are the system's. Only the source with this hash is found.
        return self.sudo().search([("token_hash", "=", hash_token(token))], limit=1)

    def _itsm_severity_levels(self):
        """severity → (impact, urgency), and the levels of other severities."""
        self.ensure_one()
        mapping = {
            line.severity: (line.impact, line.urgency) for line in self.severity_ids
        }
        return mapping, (self.default_impact, self.default_urgency)

    def _itsm_event_description(self, event):
        """An alert as the HTML description of its incident; every value from
        the tool is escaped."""
        parts = []
        if event["summary"]:
            parts.append(Markup("<p><strong>%s</strong></p>") % event["summary"])
        if event["description"]:
            parts.append(
                Markup("<p>%s</p>")
                % Markup("<br/>").join(event["description"].splitlines())
            )
        facts = [
            (self.env._("Monitoring tool"), event["source"] or self.name),
            (self.env._("Service"), event["service"]),
            (self.env._("Severity"), event["severity"]),
            (self.env._("Fingerprint"), event["fingerprint"]),
        ]
        parts.append(
            Markup("<ul>%s</ul>")
            % Markup().join(
                Markup("<li>%s: %s</li>") % fact for fact in facts if fact[1]
            )
        )
        if event["labels"]:
            parts.append(
                Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._("Labels"),
                    Markup().join(
                        Markup("<li><code>%s</code>: %s</li>") % item
                        for item in sorted(event["labels"].items())
                    ),
                )
            )
        if (event["url"] or "").startswith(("https://", "http://")):
            parts.append(
                Markup('<p><a href="%s" target="_blank" rel="noreferrer">%s</a></p>')
                % (event["url"], self.env._("Open in the monitoring tool"))
            )
        return Markup().join(parts)

    def _itsm_storm_description(self):
        return Markup("<p>%s</p>") % self.env._(
            "More than %(count)s new alerts within %(minutes)s minutes from "
            "%(name)s. Each further new alert is counted on this incident "
            "instead of opening its own; the log lists them. Look for a "
            "common cause (network, power, the monitoring itself).",
            count=self.max_new_incidents,
            minutes=self.flood_window_minutes,
            name=self.name,
        )

    def _itsm_receive_events(self, events):
        """Turn validated events (see controllers/itsm_events.py) into
        incidents and return a JSON-ready summary.

        One open incident per firing fingerprint: a repeat is counted on it;
        `resolved` marks it recovered without closing it (the desk verifies
        first); a firing alert after recovery re-opens the alert while the
        ticket is open, and opens a new incident once it is closed. Beyond
        the flood guard, new fingerprints are counted on one alert storm
        incident. Tickets are created in one batch and notes logged in one.
        """
        self.ensure_one()
        # One request at a time per source, so that repeats, the flood guard
        # and the counters stay right when a tool posts webhooks concurrently
        # (the other request waits, then Odoo retries it on a fresh snapshot:
        # that serialization failure is expected, not logged as an error).
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE",
                SQL.identifier(self._table),
                self.id,
            ),
            log_exceptions=False,
        )
        Ticket = self.env["helpdesk.ticket"]
        now = fields.Datetime.now()
        window_start = now - timedelta(minutes=self.flood_window_minutes)
        budget = self.max_new_incidents - Ticket.with_context(
            active_test=False
        ).search_count(
            [
                ("event_source_id", "=", self.id),
                ("event_storm", "=", False),
                ("create_date", ">=", window_start),
            ]
        )
        mapping, default_levels = self._itsm_severity_levels()
        services = self.env["itsm.service"]._itsm_match(
            {self._itsm_event_service_name(event) for event in events},
            self.company_id,
        )
        incidents = {
            ticket.event_fingerprint: _Incident(ticket)
            for ticket in Ticket._itsm_open_event_incidents(
                self, {event["fingerprint"] for event in events}
            )
        }
        storm = None
        touched = {}
        results = []
        for event in events:
            fingerprint = event["fingerprint"]
            incident = incidents.get(fingerprint)
            levels = mapping.get(event["severity"].lower(), default_levels)
            if event["status"] == "resolved":
                if incident and not incident["event_recovered"]:
                    incident.values["event_recovered"] = True
                    incident.values["event_recovered_date"] = min(
                        event["ends_at"] or now, now
                    )
                    incident.notes.append(
                        self.env._(
                            "Alert resolved: %s reports it recovered. Verify the "
                            "service, then close the incident.",
                            self.name,
                        )
                    )
                    action = "recovered"
                else:
                    action = "ignored"
            elif incident:
                action = "reopened" if incident["event_recovered"] else "repeated"
                incident.fire(now)
                if action == "reopened":
                    # A recurrence of the fault (issue 12.8), counted at the
                    # ticket's follow-up (helpdesk_ticket_monitoring.py).
                    incident.values.update(
                        event_recovered=False,
                        event_recovered_date=False,
                        event_reopen_count=incident["event_reopen_count"] + 1,
                    )
                    incident.notes.append(
                        self.env._(
                            "The alert fires again after its recovery "
                            "(recurrence %(recurrence)s, alert sent %(count)s times).",
                            recurrence=incident["event_reopen_count"],
                            count=incident["event_count"],
                        )
                    )
            elif budget > 0:
                budget -= 1
                vals = Ticket._itsm_prepare_event_vals(self, event, levels, now)
                vals.update(
                    self._itsm_scope_vals(
                        services.get(self._itsm_event_service_name(event))
                    )
                )
                incident = incidents[fingerprint] = _Incident(vals=vals)
                action = "created"
            else:
                storm = storm or self._itsm_storm_incident(window_start, now)
                storm.fire(now)
                storm.raise_levels(*levels)
                storm.notes.append(Ticket._itsm_event_line(event))
                incident, action = storm, "storm"
            if incident:
                touched[id(incident)] = incident
            results.append((fingerprint, action, incident))
        self._itsm_save_incidents(list(touched.values()), storm)
        self.write(
            {
                "events_received": self.events_received + len(events),
                "last_event_date": now,
            }
        )
        summary = dict.fromkeys(
            ("created", "repeated", "reopened", "recovered", "storm", "ignored"), 0
        )
        summary.update(Counter(action for _fp, action, _incident in results))
        summary["events"] = [
            {
                "fingerprint": fingerprint,
                "action": action,
                "ticket_id": incident.ticket.id if incident else None,
                "ticket": incident.ticket.number if incident else None,
            }
            for fingerprint, action, incident in results
        ]
        return summary

    def _itsm_storm_incident(self, window_start, now):
        """The alert storm incident of this source: the open one still
        receiving alerts within the window, else a new one."""
        Ticket = self.env["helpdesk.ticket"]
        ticket = Ticket.search(
            [
                ("event_source_id", "=", self.id),
                ("event_storm", "=", True),
                ("stage_id.closed", "=", False),
                ("event_last_seen", ">=", window_start),
            ],
            order="id desc",
            limit=1,
        )
        if ticket:
            return _Incident(ticket)
        vals = Ticket._itsm_prepare_storm_vals(self, now)
        vals.update(self._itsm_scope_vals())
        return _Incident(vals=vals)

    @api.model
    def _itsm_event_service_name(self, event):
        """The name an event gives its service: the event's `service` (for
        Alertmanager its `service` label), else its `job` label."""
        return event["service"] or event["labels"].get("job", "").strip()

    def _itsm_scope_vals(self, service=None):
        """What a new incident of this source affects (issue 12.8, 13): the
        service its alert names (else the source's default service), and the
        source's customers and departments."""
        self.ensure_one()
        service = service or self.service_id
        vals = {}
        if service:
            vals["service_id"] = service.id
        if self.partner_ids:
            vals["itsm_affected_partner_ids"] = [Command.set(self.partner_ids.ids)]
        if self.department_ids:
            vals["itsm_affected_department_ids"] = [
                Command.set(self.department_ids.ids)
            ]
        return vals

    def _itsm_save_incidents(self, incidents, storm):
        """Create the new incidents in one batch, write the changed ones and
        log every note in one batch."""
        new = [incident for incident in incidents if not incident.ticket]
        if new:
            # Monitoring feeds the service desk: the company's service desk
            # team when neither the source nor the category names another.
            tickets = (
                self.env["helpdesk.ticket"]
                .with_context(itsm_service_desk=True)
                .create([incident.values for incident in new])
            )
            for incident, ticket in zip(new, tickets, strict=True):
                incident.ticket = ticket
                incident.values = {}
        for incident in incidents:
            if incident.values:
                incident.ticket.write(incident.values)
        bodies = {}
        for incident in incidents:
            if incident is storm and incident.notes:
                bodies[incident.ticket.id] = Markup("<p>%s</p><ul>%s</ul>") % (
                    self.env._(
                        "New alerts counted on this alert storm instead of "
                        "opening their own incidents (%s):",
                        len(incident.notes),
                    ),
                    Markup().join(
                        Markup("<li>%s</li>") % line for line in incident.notes
                    ),
                )
            elif incident.notes:
                bodies[incident.ticket.id] = Markup("<br/>").join(incident.notes)
        if bodies:
            self.env["helpdesk.ticket"].browse(list(bodies))._message_log_batch(
                bodies=bodies
            )
