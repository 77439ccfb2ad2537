from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .helpdesk_ticket_screening import DECLARATION_TYPES

TRIGGERS = [
    # Of any model on the ladder:
    ("sla_warning", "Deadline warning reached"),
    ("sla_breached", "Deadline breached"),
    ("sla_share", "Share of a deadline's target used"),
    ("state_duration", "In a state for"),
    # A model's own (``_itsm_escalation_trigger_domain``); tickets':
    ("unacknowledged", "Not acknowledged for"),
    ("unresolved", "Not removed for"),
    ("recovered", "Recovered since"),
]
# The triggers on a deadline of the record.
DEADLINE_TRIGGERS = ("sla_warning", "sla_breached", "sla_share")
# First key of the advisory locks taken while sweeping a rule.
_LOCK_NAMESPACE = 0x1751

# Recipients found per record; the others are the same for every record.
ORG_CHART_RECIPIENTS = ("supervisor", "department_manager", "division_leader")
PER_RECORD_RECIPIENTS = (
    "handler",
    "customer",
    "service_interfaces",
    *ORG_CHART_RECIPIENTS,
)
RECIPIENTS = [
    ("handler", "The responsible person (a ticket's handler)"),
    ("supervisor", "Their supervisor"),
    ("department_manager", "Their department manager"),
    ("division_leader", "The division leader"),
    ("all_departments", "All department managers"),
    ("customer", "The customers (and a ticket's followers)"),
    ("service_interfaces", "The interface persons of the affected services"),
    ("group", "A group"),
    ("users", "Chosen users"),
]


class ItsmEscalationRule(models.Model):
    """A rung of the escalation ladder (DESIGN §3, INC-9): when an open
    record matching the conditions has waited the threshold, tell the
    recipients, resolved from the org chart at that moment, once per record,
    ever.

    A rule names its model: any model on the ladder
    (``itsm.escalation.mixin``), which says which of its records are open,
    who is responsible for each and who its customers are, and may add
    triggers, conditions and actions of its own (the ticket's are in
    ``helpdesk_ticket_escalation.py``)."""

    _name = "itsm.escalation.rule"
    _inherit = ["itsm.config.cache.mixin"]
    _description = "ITSM Escalation Rule"
    _order = "sequence, threshold_minutes, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    model_id = fields.Many2one(
        "ir.model",
        string="Applies to",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env["ir.model"]._get_id("helpdesk.ticket"),
        domain=lambda self: [("model", "in", self._itsm_ladder_models())],
        help="The kind of record the rule watches.",
    )
    model_name = fields.Char(
        related="model_id.model", store=True, index=True, string="Model"
    )
    filter_domain = fields.Char(
        string="Conditions",
        default="[]",
        help="Only the records that match these conditions.",
    )
    date_field_id = fields.Many2one(
        "ir.model.fields",
        string="Since",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('date', 'datetime'))]",
        help="For “In a state for”: the date the waiting counts from (e.g. the "
        "last change of stage); the conditions say which state.",
    )
    # Conditions of tickets
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
    deadline_kind = fields.Selection(
        selection="_selection_deadline_kind",
        string="Deadline",
        default="any",
        help="For the deadline triggers: which of the record's deadlines.",
    )
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
        domain="[('model_id', '=', model_id)]",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS",
        domain="[('model_id', '=', model_id)]",
        help="Also a text message to the recipients' mobile (or phone) numbers.",
    )
    schedule_activity = fields.Boolean(
        string="Activity", help="An activity for each recipient who is a user."
    )
    # Actions of tickets
    raise_priority = fields.Boolean(help="Raise the ticket's priority by one level.")
    reassign_user_id = fields.Many2one("res.users", string="Reassign to")

    @api.constrains(
        "threshold_minutes",
        "recipient_type",
        "group_id",
        "user_ids",
        "trigger",
        "sla_share_percent",
        "deadline_kind",
        "model_id",
        "date_field_id",
        "filter_domain",
    )
    def _check_rule(self):
        self._itsm_check_sla_share()
        for rule in self:
            rule._itsm_check_model()
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

    @api.model
    def _itsm_ladder_models(self):
        """The models on the ladder: those that inherit
        ``itsm.escalation.mixin``."""
        registry = self.env.registry
        return sorted(
            name
            for name in registry["itsm.escalation.mixin"]._inherit_children
            if name in registry and not registry[name]._abstract
        )

    @api.model
    def _selection_deadline_kind(self):
        return [
            ("any", self.env._("Any")),
            *self.env["itsm.deadline"]._fields["kind"]._description_selection(self.env),
        ]

    def _itsm_check_model(self):
        """The rule's model is on the ladder, its trigger is one the model
        knows, its date field and conditions are the model's."""
        self.ensure_one()
        if self.model_name not in self._itsm_ladder_models():
            raise ValidationError(
                self.env._(
                    "Rule “%(rule)s”: %(model)s records are not on the escalation "
                    "ladder.",
                    rule=self.name,
                    model=self.model_id.name,
                )
            )
        Model = self.env[self.model_name]
        if self.trigger not in (*DEADLINE_TRIGGERS, "state_duration") and (
            self.trigger not in Model._itsm_escalation_triggers()
        ):
            raise ValidationError(
                self.env._(
                    "Rule “%(rule)s”: “%(trigger)s” does not apply to %(model)s "
                    "records.",
                    rule=self.name,
                    trigger=dict(
                        self._fields["trigger"]._description_selection(self.env)
                    )[self.trigger],
                    model=self.model_id.name,
                )
            )
        if self.trigger == "state_duration" and (
            not self.date_field_id or self.date_field_id.model_id != self.model_id
        ):
            raise ValidationError(
                self.env._(
                    "Rule “%s”: choose the date of the record the waiting counts from.",
                    self.name,
                )
            )
        try:
            domain = safe_eval(self.filter_domain or "[]", {"uid": self.env.uid})
            Model.sudo()._search(domain)
        except Exception as error:
            raise ValidationError(
                self.env._(
                    "Rule “%(rule)s”: the conditions are not valid for %(model)s "
                    "records (%(error)s).",
                    rule=self.name,
                    model=self.model_id.name,
                    error=error,
                )
            ) from error

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
        """Open records of the rule's model that match it and have waited
        long enough."""
        self.ensure_one()
        since = now - timedelta(minutes=self.threshold_minutes)
        Model = self.env[self.model_name]
        domain = list(Model._itsm_escalation_scope(self))
        if self.trigger == "sla_share":
            domain += [("id", "in", self._sla_share_due_ids(now))]
        elif self.trigger in DEADLINE_TRIGGERS:
            # A running clock past its warning share (or its deadline) for
            # the threshold: one indexed subquery.
            due_field = "warn_at" if self.trigger == "sla_warning" else "deadline"
            clock_domain = [
                ("res_model", "=", self.model_name),
                ("state", "=", "running"),
                (due_field, "<=", since),
            ]
            if self.deadline_kind and self.deadline_kind != "any":
                clock_domain.append(("kind", "=", self.deadline_kind))
            # sudo: a subquery over the clocks of records; only ids leave it.
            clocks = self.env["itsm.deadline"].sudo()._search(clock_domain)
            domain += [("id", "in", clocks.subselect("res_id"))]
        elif self.trigger == "state_duration":
            domain += [(self.date_field_id.name, "<=", since)]
        else:
            domain += Model._itsm_escalation_trigger_domain(self, since)
        domain += Model._itsm_escalation_conditions(self)
        if self.filter_domain and self.filter_domain != "[]":
            domain += safe_eval(self.filter_domain, {"uid": self.env.uid})
        return domain

    def _run_due(self, now=None, batch_size=2000):
        """Fire every due rung (of these rules, or of all active ones) once:
        one query per rule, each record claimed by inserting its log line (a
        unique constraint makes concurrent workers and restarts harmless).
        The records are selected from their own table, so a clock left by a
        record that is gone fires nothing and cannot stop the sweep."""
        now = now or fields.Datetime.now()
        fired = 0
        # sudo: the sweep runs for every record, whoever triggers it; the
        # unique log line, not the caller's rights, decides what fires.
        Log = self.env["itsm.escalation.log"].sudo()
        for rule in self or self.search([("active", "=", True)]):
            if rule.model_name not in self.env:
                continue
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
            Model = self.env[rule.model_name].sudo()
            is_ticket = rule.model_name == "helpdesk.ticket"
            claimed = Model
            while True:
                logged = Log._search([("rule_id", "=", rule.id)]).subselect("res_id")
                query = Model._search(
                    rule._due_domain(now) + [("id", "not in", logged)],
                    limit=batch_size,
                )
                self.env.flush_all()
                self.env.cr.execute(
                    SQL(
                        """
                        INSERT INTO itsm_escalation_log
                               (rule_id, res_model, res_id, ticket_id, fired_at)
                        SELECT %(rule)s, %(model)s, r.id,
                               CASE WHEN %(is_ticket)s THEN r.id END, %(now)s
                          FROM (%(records)s) AS r
                        ON CONFLICT (rule_id, res_id) DO NOTHING
                        RETURNING res_id
                        """,
                        rule=rule.id,
                        model=rule.model_name,
                        is_ticket=is_ticket,
                        now=now,
                        records=query.select(SQL.identifier(Model._table, "id")),
                    )
                )
                records = Model.browse([row[0] for row in self.env.cr.fetchall()])
                claimed |= records
                # A full batch may leave more: go on until the rule is done.
                if len(records) < batch_size:
                    break
            # Fired once for all the rule's records of this sweep: one digest
            # per recipient and rung, whatever the batches.
            if claimed:
                rule._fire(claimed)
                fired += len(claimed)
        return fired

    @api.model
    @tools.ormcache("model_name")
    def _creation_thresholds(self, model_name):
        """Minutes after creation at which rungs of a model may fall due,
        cached until a rule changes."""
        triggers = self.env[model_name]._itsm_escalation_creation_triggers()
        if not triggers:
            return ()
        return tuple(
            sorted(
                set(
                    self.search(
                        [("model_name", "=", model_name), ("trigger", "in", triggers)]
                    ).mapped("threshold_minutes")
                )
            )
        )

    @api.model
    def _schedule_for(self, records):
        """Wake the sweep when the rungs of new records fall due: those
        counted from their creation, and those counted from one of their
        dates ("In a state for")."""
        if not records:
            return
        now = fields.Datetime.now()
        moments = {
            now + timedelta(minutes=minutes)
            for minutes in self._creation_thresholds(records._name)
        }
        for rule in self.search(
            [("model_name", "=", records._name), ("trigger", "=", "state_duration")]
        ):
            name = rule.date_field_id.name
            for record in records:
                if record[name]:
                    # Already due (e.g. a ticket that just became major):
                    # now.
                    moments.add(
                        max(
                            fields.Datetime.to_datetime(record[name])
                            + timedelta(minutes=rule.threshold_minutes),
                            now,
                        )
                    )
        self.env["itsm.deadline"]._wake_sweep_at(moments)

    def _fire(self, records):
        """Notify the recipients of each record and apply the actions."""
        self.ensure_one()
        recipients = self._recipients(records)
        bodies = {}
        for record in records:
            names = ", ".join(recipients[record.id].mapped("name")) or self.env._(
                "nobody (no recipient found in the org chart)"
            )
            bodies[record.id] = self.env._(
                "Escalation “%(rule)s”: %(names)s notified.",
                rule=self.name,
                names=names,
            )
        records._itsm_log_notes(bodies)
        if self.mail_template_id:
            self._send_mails(records, recipients)
        if self.sms_template_id:
            self._send_sms(records, recipients)
        if self.schedule_activity:
            self._schedule_activities(records, recipients)
        records._itsm_escalation_actions(self)

    def _recipients(self, records):
        """{record id: res.partner} resolved now: the record's responsible
        person and customers from its model, the rest from the org chart
        (``res.users._itsm_org_chart``)."""
        self.ensure_one()
        kind = self.recipient_type
        if kind not in PER_RECORD_RECIPIENTS:
            if kind == "all_departments":
                everyone = self.env["res.users"]._itsm_all_department_managers()
            elif kind == "group":
                everyone = self.group_id.users.partner_id
            else:
                everyone = self.user_ids.partner_id
            # The same partners for every record.
            return {record.id: everyone for record in records}
        if kind == "customer":
            return records._itsm_escalation_customers()
        if kind == "service_interfaces":
            return records._itsm_escalation_service_interfaces()
        responsible = records._itsm_escalation_responsible()
        if kind == "handler":
            return {
                record.id: responsible.get(record.id, self.env["res.users"]).partner_id
                for record in records
            }
        users = self.env["res.users"].union(*responsible.values())
        chart = users._itsm_org_chart()
        fallback = records._itsm_escalation_org_chart_fallback(kind)
        Partner = self.env["res.partner"]
        result = {}
        for record in records:
            partners = Partner
            for user in responsible.get(record.id, self.env["res.users"]):
                partners |= chart.get(user.id, {}).get(kind, Partner)
            result[record.id] = partners or fallback.get(record.id, Partner)
        return result

    def _by_recipient_lang(self, records, recipients):
        """{language: {record id: recipients}}: each recipient reads the
        notice in their own language (the sweep's when they have none)."""
        by_lang = defaultdict(dict)
        # A partner's language that is not installed (any more): the sweep's.
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        fallback = self.env.lang if self.env.lang in installed else "en_US"
        for record_id in records.ids:
            for partner in recipients[record_id]:
                lang = partner.lang if partner.lang in installed else fallback
                partners = by_lang[lang].get(record_id, partner.browse())
                by_lang[lang][record_id] = partners | partner
        return by_lang

    def _notice_context(self, lang):
        """What a notice says of the rung that fired, in ``lang``: the rule's
        name (it says when and why) and its threshold."""
        return {
            "itsm_escalation_rule": self.with_context(lang=lang).name,
            "itsm_escalation_minutes": self.threshold_minutes,
        }

    @api.model
    def _digest_from(self):
        """A recipient told of more than this many records by one rung in
        one sweep gets one digest instead (a setting, default 5)."""
        # sudo: a setting every sweep reads.
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("itsm_incident.escalation_digest_from", 5)
        )

    def _split_digests(self, records, recipients):
        """(recipients per record without the digest readers, {partner:
        records} of those who get a digest)."""
        by_partner = defaultdict(list)
        for record in records:
            for partner in recipients[record.id]:
                by_partner[partner].append(record.id)
        limit = self._digest_from()
        digests = {
            partner: records.browse(ids)
            for partner, ids in by_partner.items()
            if limit and len(ids) > limit
        }
        if not digests:
            return recipients, digests
        readers = self.env["res.partner"].union(*digests)
        return (
            {
                record_id: partners - readers
                for record_id, partners in recipients.items()
            },
            digests,
        )

    def _send_mails(self, records, recipients):
        """One rendering per recipients' language and one batch of mails; a
        burst (more records for one recipient than the digest setting) is
        told in one digest per recipient instead."""
        recipients, digests = self._split_digests(records, recipients)
        template = self.mail_template_id
        # The copy goes only to those who may read the records it tells of.
        cc = self._itsm_cc_by_record(records)
        values = []
        for lang, partners_by_record in self._by_recipient_lang(
            records, recipients
        ).items():
            res_ids = list(partners_by_record)
            context = self._notice_context(lang)
            subjects = template._render_field(
                "subject", res_ids, set_lang=lang, add_context=context
            )
            bodies = template._render_field(
                "body_html", res_ids, set_lang=lang, add_context=context
            )
            for res_id, partners in partners_by_record.items():
                values.append(
                    {
                        "subject": subjects[res_id],
                        "body_html": bodies[res_id],
                        "recipient_ids": [(6, 0, partners.ids)],
                        "email_cc": cc[res_id],
                        "model": records._name,
                        "res_id": res_id,
                        "auto_delete": False,
                    }
                )
        values += self._digest_mail_values(digests, cc)
        # sudo: the sweep sends the notices the rule configures; recipients
        # are the rule's, not chosen by whoever runs it.
        self.env["mail.mail"].sudo().create(values)

    def _digest_mail_values(self, digests, cc):
        """One mail per digest reader: the rung, how many records and a line
        for each, in the reader's language; in copy, those of ``cc`` ({record
        id: addresses}) who are in copy of every record of it."""
        values = []
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        for partner, digest_records in digests.items():
            lang = partner.lang if partner.lang in installed else "en_US"
            rule = self.with_context(lang=lang)
            model_name = rule.model_id.name
            body = (
                self.env["ir.qweb"]
                .with_context(lang=lang)
                ._render(
                    "itsm_incident.escalation_digest",
                    {
                        "intro": rule.env._(
                            "The escalation rule “%(rule)s” fired for %(count)s "
                            "%(model)s records in one sweep:",
                            rule=rule.name,
                            count=len(digest_records),
                            model=model_name,
                        ),
                        "more": len(digest_records) > 200
                        and rule.env._("… and %s more.", len(digest_records) - 200),
                        "records": digest_records.with_context(lang=lang),
                        "base_url": rule.get_base_url(),
                    },
                )
            )
            values.append(
                {
                    "subject": rule.env._(
                        "%(rule)s: %(count)s %(model)s records",
                        rule=rule.name,
                        count=len(digest_records),
                        model=model_name,
                    ),
                    "body_html": body,
                    "recipient_ids": [(6, 0, partner.ids)],
                    "email_cc": ",".join(
                        sorted(
                            set.intersection(
                                *(
                                    set(filter(None, cc[record_id].split(",")))
                                    for record_id in digest_records.ids
                                )
                            )
                        )
                    ),
                    "auto_delete": False,
                }
            )
        return values

    def _send_sms(self, records, recipients):
        """One rendering per recipients' language and one batch of queued
        text messages (Odoo's SMS gateway sends them); a burst is one text
        per recipient."""
        recipients, digests = self._split_digests(records, recipients)
        values = []
        for partner, digest_records in digests.items():
            number = partner.mobile or partner.phone
            if number:
                rule = self.with_context(lang=partner.lang or self.env.lang)
                values.append(
                    {
                        "number": number,
                        "partner_id": partner.id,
                        "body": rule.env._(
                            "%(rule)s: %(count)s %(model)s records, see your mail.",
                            rule=rule.name,
                            count=len(digest_records),
                            model=rule.model_id.name,
                        ),
                    }
                )
        for lang, partners_by_record in self._by_recipient_lang(
            records, recipients
        ).items():
            bodies = self.sms_template_id._render_field(
                "body",
                list(partners_by_record),
                set_lang=lang,
                add_context=self._notice_context(lang),
            )
            for res_id, partners in partners_by_record.items():
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

    def _schedule_activities(self, records, recipients):
        """An activity per record for each recipient who is a user; a burst
        (as for the digest) is one activity, on the first record, saying how
        many records wait."""
        recipients, digests = self._split_digests(records, recipients)
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        burst = [
            {
                "res_model_id": self.model_id.id,
                "res_id": digest_records[:1].id,
                "user_id": user.id,
                "activity_type_id": activity_type.id,
                "summary": self.env._(
                    "%(rule)s: %(count)s records",
                    rule=self.name,
                    count=len(digest_records),
                ),
            }
            for partner, digest_records in digests.items()
            for user in partner.user_ids
            if not user.share
        ]
        values = burst + [
            {
                "res_model_id": self.model_id.id,
                "res_id": record.id,
                "user_id": user.id,
                "activity_type_id": activity_type.id,
                "summary": self.name,
            }
            for record in records
            for user in recipients[record.id].user_ids
            if not user.share
        ]
        # sudo: activities for the rule's recipients on records they may not
        # follow yet.
        Activity = self.env["mail.activity"].sudo()
        if self.mail_template_id:
            # The rule's own e-mail already tells them: no second mail for
            # the activity.
            Activity = Activity.with_context(mail_activity_quick_update=True)
        Activity.create(values)
