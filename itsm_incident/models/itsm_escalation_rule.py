from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .itsm_ticket_screening import DECLARATION_TYPES

TRIGGERS = [
    ("unacknowledged", "Not acknowledged for"),
    ("unresolved", "Not removed for"),
    ("recovered", "Recovered since"),
    ("sla_warning", "SLA warning share reached"),
    ("sla_breached", "SLA target breached"),
    ("sla_share", "Share of the SLA target used"),
]
# First key of the advisory locks taken while sweeping a rule.
_LOCK_NAMESPACE = 0x1751

# Recipients found per ticket; the others are the same for every ticket.
ORG_CHART_RECIPIENTS = (
    "handler",
    "supervisor",
    "department_manager",
    "division_leader",
    "customer",
)
RECIPIENTS = [
    ("handler", "The handler"),
    ("supervisor", "The handler's supervisor"),
    ("department_manager", "The handler's department manager"),
    ("division_leader", "The division leader"),
    ("all_departments", "All department managers"),
    ("customer", "The customer and the ticket's followers"),
    ("group", "A group"),
    ("users", "Chosen users"),
]


class ItsmEscalationRule(models.Model):
    """A rung of the escalation ladder (DESIGN §3, INC-9): when an open
    ticket matching the conditions has waited the threshold, tell the
    recipients, resolved from the org chart at that moment, once per ticket,
    ever."""

    _name = "itsm.escalation.rule"
    _inherit = ["itsm.config.cache.mixin", "itsm.escalation.sla.share"]
    _description = "ITSM Escalation Rule"
    _order = "sequence, threshold_minutes, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    # Conditions
    declaration_type = fields.Selection(
        DECLARATION_TYPES, help="Only tickets of this type; empty: any type."
    )
    priority_ids = fields.Many2many(
        "itsm.priority", string="Priorities", help="Empty: any priority."
    )
    category_ids = fields.Many2many(
        "helpdesk.ticket.category",
        string="Categories",
        help="These categories and their sub-categories; empty: any.",
    )
    team_ids = fields.Many2many("helpdesk.ticket.team", string="Teams")
    min_recurrence = fields.Integer(
        string="Occurrence at least",
        help="Only incidents that recur: the n-th similar one within the "
        "recurrence window; 0: any.",
    )
    stage_ids = fields.Many2many(
        "helpdesk.ticket.stage", string="Stages", help="Empty: any open stage."
    )
    fault_only = fields.Boolean(
        string="Faults only",
        help="Only incidents marked as faults (故障, S4): monitoring alerts, "
        "P1/P2 incidents and those the desk marks.",
    )
    # Threshold
    trigger = fields.Selection(TRIGGERS, required=True, default="unacknowledged")
    threshold_minutes = fields.Float(
        required=True,
        help="Minutes of wall-clock time before the rule fires (after the SLA "
        "warning, breach or share for the SLA triggers).",
    )
    # Recipients and channels
    recipient_type = fields.Selection(RECIPIENTS, required=True, default="supervisor")
    group_id = fields.Many2one("res.groups")
    user_ids = fields.Many2many("res.users", string="Users")
    cc_group_id = fields.Many2one(
        "res.groups",
        string="Copy to",
        help="Members of this group get the e-mail in copy (e.g. IT management).",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail",
        domain=[("model", "=", "helpdesk.ticket")],
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS",
        domain=[("model", "=", "helpdesk.ticket")],
        help="Also a text message to the recipients' mobile (or phone) numbers.",
    )
    schedule_activity = fields.Boolean(
        string="Activity", help="An activity for each recipient who is a user."
    )
    # Actions
    raise_priority = fields.Boolean(help="Raise the ticket's priority by one level.")
    reassign_user_id = fields.Many2one("res.users", string="Reassign to")

    @api.constrains(
        "threshold_minutes",
        "recipient_type",
        "group_id",
        "user_ids",
        "trigger",
        "sla_share_percent",
        "sla_kind",
    )
    def _check_rule(self):
        self._itsm_check_sla_share()
        for rule in self:
            if rule.threshold_minutes < 0:
                raise ValidationError(
                    self.env._(
                        "Rule “%s”: the threshold cannot be negative.", rule.name
                    )
                )
            if rule.recipient_type == "group" and not rule.group_id:
                raise ValidationError(
                    self.env._("Rule “%s”: choose the group to notify.", rule.name)
                )
            if rule.recipient_type == "users" and not rule.user_ids:
                raise ValidationError(
                    self.env._("Rule “%s”: choose the users to notify.", rule.name)
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_logged(self):
        """A rung that fired keeps its log (which tickets it escalated and
        when, X-5): archive it instead. One that never fired may go."""
        # sudo: whether a rule fired, whatever the caller reads of the logs.
        logged = (
            self.env["itsm.escalation.log"]
            .sudo()
            ._read_group([("rule_id", "in", self.ids)], ["rule_id"])
        )
        if logged:
            raise UserError(
                self.env._(
                    "These escalation rules have fired and their log must stay: "
                    "archive them instead of deleting them (%(rules)s).",
                    rules=", ".join(rule.display_name for (rule,) in logged),
                )
            )

    # ------------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------------

    def _due_domain(self, now):
        """Open tickets that match the rule and have waited long enough."""
        self.ensure_one()
        since = now - timedelta(minutes=self.threshold_minutes)
        # Open stages by id, so that the indexed stage_id selects the few
        # open tickets among a million closed ones (no join on stages).
        open_stages = (
            # sudo: stages are configuration; only their ids are used.
            self.env["helpdesk.ticket.stage"].sudo().search([("closed", "=", False)])
        )
        # ITSM tickets only: plain teams have no ladder.
        if self.trigger == "unresolved":
            # Not removed (S4 不能处理): acknowledging does not stop it; a
            # resolution awaiting confirmation, a recovery reported by the
            # monitoring tool or waiting on the customer does.
            open_stages = open_stages.filtered(
                lambda stage: not (stage.itsm_resolved or stage.itsm_pause_sla)
            )
        domain = [("stage_id", "in", open_stages.ids), ("is_itsm", "=", True)]
        if self.trigger == "unacknowledged":
            domain += [("acknowledged_date", "=", False), ("create_date", "<=", since)]
        elif self.trigger == "unresolved":
            domain += [
                ("event_recovered_date", "=", False),
                ("create_date", "<=", since),
            ]
        elif self.trigger == "recovered":
            domain += [("event_recovered_date", "<=", since)]
        elif self.trigger == "sla_share":
            domain += [("id", "in", self._sla_share_due_ids(now))]
        else:
            # A running response or resolution clock past its warning share
            # (or its deadline) for the threshold: one indexed subquery.
            due_field = "warn_at" if self.trigger == "sla_warning" else "deadline"
            # sudo: a subquery over the clocks of tickets; only ids leave it.
            clocks = (
                self.env["itsm.deadline"]
                .sudo()
                ._search(
                    [
                        ("res_model", "=", "helpdesk.ticket"),
                        ("state", "=", "running"),
                        (due_field, "<=", since),
                    ]
                )
            )
            domain += [("id", "in", clocks.subselect("res_id"))]
        if self.declaration_type:
            domain += [("declaration_type", "=", self.declaration_type)]
        if self.priority_ids:
            domain += [("itsm_priority", "in", self.priority_ids.mapped("level"))]
        if self.category_ids:
            domain += [("category_id", "child_of", self.category_ids.ids)]
        if self.team_ids:
            domain += [("team_id", "in", self.team_ids.ids)]
        if self.stage_ids:
            domain += [("stage_id", "in", self.stage_ids.ids)]
        if self.min_recurrence:
            domain += [("recurrence_count", ">=", self.min_recurrence)]
        if self.fault_only:
            domain += [("is_fault", "=", True)]
        return domain

    def _run_due(self, now=None, batch_size=2000):
        """Fire every due rung (of these rules, or of all active ones) once:
        one query per rule, each ticket claimed
        by inserting its log line (a unique constraint makes concurrent
        workers and restarts harmless). The tickets are selected from the
        ticket table itself, so a clock left by a ticket that is gone fires
        nothing and cannot stop the sweep."""
        now = now or fields.Datetime.now()
        # sudo: the sweep runs for every ticket, whoever triggers it; the
        # unique log line, not the caller's rights, decides what fires.
        Ticket = self.env["helpdesk.ticket"].sudo()
        fired = 0
        Log = self.env["itsm.escalation.log"].sudo()
        for rule in self or self.search([("active", "=", True)]):
            # Another worker sweeping this rule right now: leave it the rule
            # (the unique log line would refuse a second notice anyway, with
            # a serialization error instead of a quiet skip).
            self.env.cr.execute(
                SQL(
                    "SELECT pg_try_advisory_xact_lock(%s, %s)",
                    _LOCK_NAMESPACE,
                    rule.id,
                )
            )
            if not self.env.cr.fetchone()[0]:
                continue
            while True:
                logged = Log._search([("rule_id", "=", rule.id)]).subselect("ticket_id")
                query = Ticket._search(
                    rule._due_domain(now) + [("id", "not in", logged)],
                    limit=batch_size,
                )
                self.env.flush_all()
                self.env.cr.execute(
                    SQL(
                        """
                        INSERT INTO itsm_escalation_log (rule_id, ticket_id, fired_at)
                        SELECT %(rule)s, t.id, %(now)s FROM (%(tickets)s) AS t
                        ON CONFLICT (rule_id, ticket_id) DO NOTHING
                        RETURNING ticket_id
                        """,
                        rule=rule.id,
                        now=now,
                        tickets=query.select("helpdesk_ticket.id"),
                    )
                )
                tickets = Ticket.browse([row[0] for row in self.env.cr.fetchall()])
                if tickets:
                    rule._fire(tickets)
                    fired += len(tickets)
                # A full batch may leave more: go on until the rule is done.
                if len(tickets) < batch_size:
                    break
        return fired

    @api.model
    @tools.ormcache()
    def _creation_thresholds(self):
        """Minutes after creation at which rungs may fall due, cached until
        a rule changes."""
        return tuple(
            sorted(
                set(
                    self.search(
                        [("trigger", "in", ("unacknowledged", "unresolved"))]
                    ).mapped("threshold_minutes")
                )
            )
        )

    @api.model
    def _schedule_for(self, tickets):
        """Wake the sweep when the rungs of new tickets fall due."""
        thresholds = self._creation_thresholds()
        if thresholds and tickets:
            now = fields.Datetime.now()
            self.env["itsm.deadline"]._wake_sweep_at(
                {now + timedelta(minutes=t) for t in thresholds}
            )

    def _fire(self, tickets):
        """Notify the recipients of each ticket and apply the actions."""
        self.ensure_one()
        recipients = self._recipients(tickets)
        bodies = {}
        for ticket in tickets:
            names = ", ".join(recipients[ticket.id].mapped("name")) or self.env._(
                "nobody (no recipient found in the org chart)"
            )
            bodies[ticket.id] = self.env._(
                "Escalation “%(rule)s”: %(names)s notified.",
                rule=self.name,
                names=names,
            )
        tickets._itsm_log_notes(bodies)
        if self.mail_template_id:
            self._send_mails(tickets, recipients)
        if self.sms_template_id:
            self._send_sms(tickets, recipients)
        if self.schedule_activity:
            self._schedule_activities(tickets, recipients)
        if self.raise_priority:
            for level in ("2", "3", "4"):
                raised = tickets.filtered(
                    lambda t, level=level: t.itsm_priority == level
                )
                raised.write(
                    {
                        "priority_override": str(int(level) - 1),
                        "priority_override_reason": self.name,
                    }
                )
        if self.reassign_user_id:
            tickets.write({"user_id": self.reassign_user_id.id})

    def _recipients(self, tickets):
        """{ticket id: res.partner} resolved now from the org chart."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        # sudo: the org chart decides who hears of an escalation, whatever the
        # HR rights of whoever runs the sweep.
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([("user_id", "in", tickets.user_id.ids)])
            .grouped("user_id")
        )
        everyone = Partner
        if self.recipient_type == "all_departments":
            everyone = (
                self.env["hr.department"]
                .sudo()
                .search([("manager_id", "!=", False)])
                .manager_id.work_contact_id
            )
        elif self.recipient_type == "group":
            everyone = self.group_id.users.partner_id
        elif self.recipient_type == "users":
            everyone = self.user_ids.partner_id
        kind = self.recipient_type
        if kind not in ORG_CHART_RECIPIENTS:
            # The same partners for every ticket.
            return {ticket.id: everyone for ticket in tickets}
        if kind == "customer":
            # One read of the followers for all tickets.
            tickets.fetch(
                [
                    "partner_id",
                    "message_partner_ids",
                    "itsm_affected_partner_ids",
                    "itsm_affected_department_ids",
                ]
            )
        result = {}
        for ticket in tickets:
            employee = employees.get(ticket.user_id, self.env["hr.employee"])[:1]
            department = employee.department_id
            # Only the partners the rule names (the followers of a ticket or
            # its employee's org chart cost a read each).
            if kind == "handler":
                partners = ticket.user_id.partner_id
            elif kind == "supervisor":
                partners = (
                    employee.parent_id.work_contact_id
                    or ticket.team_id.user_id.partner_id
                )
            elif kind == "department_manager":
                partners = department.manager_id.work_contact_id
            elif kind == "division_leader":
                partners = department.parent_id.manager_id.work_contact_id
            else:
                # With the customers and departments a monitored fault
                # affects (issue 12.8); sudo as above: the org chart.
                affected = ticket.itsm_affected_department_ids.sudo()
                partners = (
                    ticket.partner_id
                    | ticket.message_partner_ids
                    | ticket.itsm_affected_partner_ids
                    | affected.manager_id.work_contact_id
                )
            result[ticket.id] = partners
        return result

    def _by_recipient_lang(self, tickets, recipients):
        """{language: {ticket id: recipients}}: each recipient reads the
        notice in their own language (the sweep's when they have none)."""
        by_lang = defaultdict(dict)
        for ticket_id in tickets.ids:
            for partner in recipients[ticket_id]:
                lang = partner.lang or self.env.lang or "en_US"
                partners = by_lang[lang].get(ticket_id, partner.browse())
                by_lang[lang][ticket_id] = partners | partner
        return by_lang

    def _notice_context(self, lang):
        """What a notice says of the rung that fired, in ``lang``: the rule's
        name (it says when and why) and its threshold."""
        return {
            "itsm_escalation_rule": self.with_context(lang=lang).name,
            "itsm_escalation_minutes": self.threshold_minutes,
        }

    def _send_mails(self, tickets, recipients):
        """One rendering per recipients' language and one batch of mails."""
        template = self.mail_template_id
        cc = ",".join(filter(None, self.cc_group_id.users.mapped("email")))
        values = []
        for lang, partners_by_ticket in self._by_recipient_lang(
            tickets, recipients
        ).items():
            res_ids = list(partners_by_ticket)
            context = self._notice_context(lang)
            subjects = template._render_field(
                "subject", res_ids, set_lang=lang, add_context=context
            )
            bodies = template._render_field(
                "body_html", res_ids, set_lang=lang, add_context=context
            )
            for res_id, partners in partners_by_ticket.items():
                values.append(
                    {
                        "subject": subjects[res_id],
                        "body_html": bodies[res_id],
                        "recipient_ids": [(6, 0, partners.ids)],
                        "email_cc": cc,
                        "model": "helpdesk.ticket",
                        "res_id": res_id,
                        "auto_delete": False,
                    }
                )
        # sudo: the sweep sends the notices the rule configures; recipients
        # are the rule's, not chosen by whoever runs it.
        self.env["mail.mail"].sudo().create(values)

    def _send_sms(self, tickets, recipients):
        """One rendering per recipients' language and one batch of queued
        text messages (Odoo's SMS gateway sends them)."""
        values = []
        for lang, partners_by_ticket in self._by_recipient_lang(
            tickets, recipients
        ).items():
            bodies = self.sms_template_id._render_field(
                "body",
                list(partners_by_ticket),
                set_lang=lang,
                add_context=self._notice_context(lang),
            )
            for res_id, partners in partners_by_ticket.items():
                for partner in partners:
                    number = partner.mobile or partner.phone
                    if number:
                        values.append(
                            {
                                "number": number,
                                "partner_id": partner.id,
                                "body": bodies[res_id],
                            }
                        )
        # sudo: queues the messages the rule configures to its recipients.
        self.env["sms.sms"].sudo().create(values)

    def _schedule_activities(self, tickets, recipients):
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        values = [
            {
                "res_model_id": model_id,
                "res_id": ticket.id,
                "user_id": user.id,
                "activity_type_id": activity_type.id,
                "summary": self.name,
            }
            for ticket in tickets
            for user in recipients[ticket.id].user_ids
            if not user.share
        ]
        # sudo: activities for the rule's recipients on tickets they may not
        # follow yet.
        Activity = self.env["mail.activity"].sudo()
        if self.mail_template_id:
            # The rule's own e-mail already tells them: no second mail for
            # the activity.
            Activity = Activity.with_context(mail_activity_quick_update=True)
        Activity.create(values)
