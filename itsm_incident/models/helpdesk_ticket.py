from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import create_index

from .itsm_grade_rule import GRADES
from .itsm_priority import HELPDESK_PRIORITY, PRIORITY_LEVELS
from .itsm_priority_matrix import IMPACTS, URGENCIES

DECLARATION_TYPES = [
    ("incident", "Incident"),
    ("service_request", "Service Request"),
    ("complaint", "Complaint"),
    ("security_incident", "Security Incident"),
]
SCREENING_STATES = [
    ("to_screen", "To Screen"),
    ("valid", "Valid"),
    ("invalid", "Invalid"),
    ("out_of_scope", "Out of Scope"),
]


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = [
        "helpdesk.ticket",
        "itsm.ticket.sla",
        "itsm.ticket.problem",  # before recurrence: proposes once counted
        "itsm.ticket.recurrence",
        "itsm.ticket.monitoring",
        "itsm.ticket.record.form",
        # Before the closure gate: they extend its blockers.
        "itsm.ticket.handling",
        "itsm.ticket.resolution",
        "itsm.ticket.improvement",  # before closure: adds a closure blocker
        "itsm.ticket.closure",
        "itsm.ticket.kpi",
        "itsm.ticket.knowledge",
    ]

    # Declaration and screening (INC-2, INC-3)
    declaration_type = fields.Selection(
        DECLARATION_TYPES,
        string="Type",
        required=True,
        default="incident",
        tracking=True,
        index=True,
    )
    screening_state = fields.Selection(
        SCREENING_STATES,
        string="Screening",
        required=True,
        default="to_screen",
        tracking=True,
        index=True,
        copy=False,
    )
    screening_note = fields.Text(string="Screening reason", tracking=True, copy=False)
    urgent = fields.Boolean(
        tracking=True,
        help="Urgent (紧急): starts the emergency procedure at once.",
    )
    occurrence_date = fields.Datetime(string="Occurred on", default=fields.Datetime.now)
    contact_name = fields.Char(string="Contact person")
    contact_phone = fields.Char(string="Contact phone")
    department_id = fields.Many2one(
        comodel_name="hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="Department of the reporter, whose head follows the ticket.",
    )

    # Classification (INC-4)
    nature_id = fields.Many2one(
        "itsm.event.nature", string="Event Nature", tracking=True, index=True
    )
    responsible_department_id = fields.Many2one(
        "hr.department",
        compute="_compute_responsible_department_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="Department responsible for handling the event, from its nature.",
    )

    # Priority matrix (INC-5) and grade (INC-6)
    impact = fields.Selection(IMPACTS, tracking=True, index=True)
    urgency = fields.Selection(URGENCIES, tracking=True, index=True)
    itsm_priority = fields.Selection(
        PRIORITY_LEVELS,
        string="ITSM Priority",
        compute="_compute_itsm_priority",
        store=True,
        tracking=True,
        index=True,
        help="From the impact × urgency matrix, unless a manager overrode it.",
    )
    itsm_priority_id = fields.Many2one(
        "itsm.priority",
        string="Priority Level",
        compute="_compute_itsm_priority_id",
        store=True,
    )
    resolution_target_hours = fields.Float(
        related="itsm_priority_id.effective_resolution_hours",
        string="Resolution target (hours)",
    )
    priority_override = fields.Selection(
        PRIORITY_LEVELS,
        string="Overridden priority",
        tracking=True,
        copy=False,
        groups="itsm_incident.group_itsm_manager",
    )
    priority_override_reason = fields.Char(
        tracking=True, copy=False, groups="itsm_incident.group_itsm_manager"
    )
    priority = fields.Selection(compute="_compute_priority", store=True, readonly=False)
    grade = fields.Selection(
        GRADES, compute="_compute_grade", store=True, tracking=True, index=True
    )
    is_major = fields.Boolean(
        string="Major incident",
        compute="_compute_grade",
        store=True,
        help="Follows the major-incident procedure (review meeting, report).",
    )

    # Assignment (INC-7)
    acknowledged_date = fields.Datetime(readonly=True, copy=False)
    acknowledged_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    response_minutes = fields.Float(
        string="Response time (minutes)",
        compute="_compute_response_minutes",
        store=True,
        aggregator="avg",
    )
    reassignment_count = fields.Integer(readonly=True, copy=False)
    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("partner_id")
    def _compute_department_id(self):
        partners = self.partner_id
        # sudo: only the department of the matching employee is read, so that
        # reporters without HR rights still get their department.
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([("work_contact_id", "in", partners.ids)])
            if partners
            else self.env["hr.employee"]
        )
        department_by_partner = {
            employee.work_contact_id: employee.department_id for employee in employees
        }
        for ticket in self:
            department = department_by_partner.get(ticket.partner_id)
            if department:
                ticket.department_id = department

    @api.depends("nature_id")
    def _compute_responsible_department_id(self):
        for ticket in self:
            if ticket.nature_id.department_id:
                ticket.responsible_department_id = ticket.nature_id.department_id

    @api.depends("impact", "urgency", "priority_override")
    def _compute_itsm_priority(self):
        matrix = self.env["itsm.priority.matrix"]._level_map()
        for ticket in self:
            # sudo: the override is a manager-only field, but everyone's
            # ticket shows the priority it gives.
            override = ticket.sudo().priority_override
            ticket.itsm_priority = override or matrix.get(
                (ticket.impact, ticket.urgency)
            )

    @api.depends("itsm_priority")
    def _compute_priority(self):
        """helpdesk_mgmt's priority mirrors ours (P1 = very high)."""
        for ticket in self:
            if ticket.itsm_priority:
                ticket.priority = HELPDESK_PRIORITY[ticket.itsm_priority]
            elif not ticket.priority:
                ticket.priority = "1"

    @api.depends("itsm_priority")
    def _compute_itsm_priority_id(self):
        levels = self.env["itsm.priority"]._level_data()
        for ticket in self:
            level = levels.get(ticket.itsm_priority)
            ticket.itsm_priority_id = level[0] if level else False

    @api.depends("itsm_priority", "impact")
    def _compute_grade(self):
        Rule = self.env["itsm.grade.rule"]
        for ticket in self:
            ticket.grade = Rule._grade_for(ticket.itsm_priority, ticket.impact)
            ticket.is_major = ticket.grade == "major"

    @api.depends("acknowledged_date")
    def _compute_response_minutes(self):
        for ticket in self:
            # Never negative: create_date keeps microseconds, now() does not.
            ticket.response_minutes = (
                max((ticket.acknowledged_date - ticket.create_date).total_seconds(), 0)
                / 60
                if ticket.acknowledged_date and ticket.create_date
                else 0.0
            )

    @api.onchange("category_id")
    def _onchange_category_id_team(self):
        """Choosing a category proposes the team that handles it."""
        team = self._itsm_team_of_category(
            self.category_id, self._itsm_category_teams()
        )
        if team:
            self.team_id = team

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains(
        "screening_state", "partner_id", "partner_name", "contact_name", "contact_phone"
    )
    def _check_valid_declaration_contact(self):
        for ticket in self.filtered(lambda t: t.screening_state == "valid"):
            missing = ticket._itsm_missing_contact()
            if missing:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s is a valid declaration: "
                        "it needs %(missing)s.",
                        ticket=ticket.display_name,
                        missing=", ".join(missing),
                    )
                )

    @api.constrains("priority_override", "priority_override_reason")
    def _check_priority_override_reason(self):
        # sudo: reads the two manager-only fields the constraint is about.
        for ticket in self.sudo():
            if ticket.priority_override and not ticket.priority_override_reason:
                raise ValidationError(
                    self.env._(
                        "Say why the priority of %(ticket)s is overridden.",
                        ticket=ticket.display_name,
                    )
                )

    def _itsm_missing_contact(self):
        self.ensure_one()
        missing = []
        if not (self.partner_id or self.partner_name):
            missing.append(self.env._("the customer name"))
        if not (self.contact_name or self.partner_id):
            missing.append(self.env._("the contact person"))
        partner = self.partner_id
        if not (
            self.contact_phone
            or self.partner_email
            or partner.email
            or partner.phone
            or partner.mobile
        ):
            missing.append(self.env._("a phone number or e-mail address"))
        return missing

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        # helpdesk_mgmt's priority mirrors ours: computed, not defaulted.
        values.pop("priority", None)
        company = (
            self.env["res.company"].browse(values.get("company_id")) or self.env.company
        )
        if company.itsm_auto_assign:
            # Assignment by skill and workload replaces "assign to the creator".
            values.pop("user_id", None)
        if "team_id" in fields_list and not values.get("team_id"):
            if company.itsm_default_team_id:
                values["team_id"] = company.itsm_default_team_id.id
        return values

    @api.model_create_multi
    def create(self, vals_list):
        Category = self.env["helpdesk.ticket.category"]
        category_teams = None
        for vals in vals_list:
            if vals.get("urgent"):
                vals["urgency"] = "high"
            if not vals.get("team_id") and vals.get("category_id"):
                # The category's team comes before the default service desk.
                if category_teams is None:
                    category_teams = self._itsm_category_teams()
                team = self._itsm_team_of_category(
                    Category.browse(vals["category_id"]), category_teams
                )
                if team:
                    vals["team_id"] = team.id
        tickets = super().create(vals_list)
        tickets.filtered(lambda t: t.team_id and not t.user_id)._itsm_assign_by_load()
        tickets.filtered("urgent")._itsm_start_emergency()
        return tickets

    def write(self, vals):
        if vals.get("urgent"):
            vals["urgency"] = "high"
        if vals.get("category_id") and "team_id" not in vals:
            # A new category brings its team (not a new assignee alone).
            team = self._itsm_team_of_category(
                self.env["helpdesk.ticket.category"].browse(vals["category_id"]),
                self._itsm_category_teams(),
            )
            if team:
                vals["team_id"] = team.id
        if "user_id" in vals:
            for ticket in self.filtered(
                lambda t: t.user_id and t.user_id.id != vals["user_id"]
            ):
                ticket.reassignment_count += 1
        newly_urgent = (
            self.filtered(lambda t: not t.urgent) if vals.get("urgent") else None
        )
        result = super().write(vals)
        if newly_urgent:
            newly_urgent._itsm_start_emergency()
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_acknowledge(self):
        """The handler takes the ticket: records the response time."""
        to_acknowledge = self.filtered(lambda t: not t.acknowledged_date)
        if not to_acknowledge:
            raise UserError(self.env._("These tickets are already acknowledged."))
        now = fields.Datetime.now()
        for ticket in to_acknowledge:
            vals = {"acknowledged_date": now, "acknowledged_by_id": self.env.uid}
            if not ticket.user_id:
                vals["user_id"] = self.env.uid
            ticket.write(vals)
        # The reporter hears that someone is on it (a user action on a few
        # tickets: one post each).
        template = self.env.ref("itsm_incident.mail_template_acknowledged")
        for ticket in to_acknowledge.filtered("partner_id"):
            ticket.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
        return True

    def action_screen_valid(self):
        """Screening (申报甄别): a valid declaration, routed by its type."""
        for ticket in self:
            if ticket.screening_state != "to_screen":
                raise UserError(
                    self.env._(
                        "Ticket %s has already been screened.", ticket.display_name
                    )
                )
            missing = ticket._itsm_missing_contact()
            if missing:
                raise UserError(
                    self.env._(
                        "Before the declaration is valid, ask the reporter for "
                        "%(missing)s.",
                        missing=", ".join(missing),
                    )
                )
        self.write({"screening_state": "valid"})
        self._itsm_route_by_type()
        return True

    def action_open_screening_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Screen the declaration"),
            "res_model": "itsm.screening.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_ids": self.ids},
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _itsm_category_teams(self):
        """{category id: team} for the teams that list categories."""
        Team = self.env["helpdesk.ticket.team"]
        return {
            category_id: Team.browse(team_id)
            for category_id, team_id in Team._itsm_team_by_category().items()
        }

    @api.model
    def _itsm_team_of_category(self, category, category_teams):
        """The team listing the category or its nearest parent."""
        lineage = [int(i) for i in (category.parent_path or "").split("/")[:-1]]
        for category_id in reversed(lineage):
            if category_id in category_teams:
                return category_teams[category_id]
        return self.env["helpdesk.ticket.team"]

    @api.model
    def _itsm_follow_matrix(self, cells):
        """Open tickets of changed matrix cells take the new priority."""
        domain = [("stage_id.closed", "=", False)]
        pairs = [
            ["&", ("impact", "=", cell.impact), ("urgency", "=", cell.urgency)]
            for cell in cells
        ]
        domain += ["|"] * (len(pairs) - 1) + [leaf for pair in pairs for leaf in pair]
        # sudo: a matrix change applies to every open ticket, whoever may
        # read it; only the priority is recomputed.
        tickets = self.sudo().search(domain)
        if tickets:
            self.env.add_to_compute(self._fields["itsm_priority"], tickets)
            tickets.flush_recordset(["itsm_priority"])
            tickets._message_log_batch(
                bodies={
                    ticket.id: self.env._(
                        "Priority recomputed after a change of the priority "
                        "matrix: P%s.",
                        ticket.itsm_priority,
                    )
                    for ticket in tickets
                }
            )
        return tickets

    def _itsm_assign_by_load(self):
        """Assign each ticket to the member of its team who has the skill for
        its category (or any member when nobody has) and the least workload:
        open tickets weighted by priority. One query for all loads."""
        tickets = self.filtered(lambda t: t.company_id.itsm_auto_assign)
        members = tickets.team_id.user_ids
        if not members:
            return
        weights = {
            level: weight
            for level, (_id, weight) in self.env["itsm.priority"]._level_data().items()
        }
        # sudo: workloads count every open ticket of the candidates, also
        # those the creator may not read; only counts leave this method.
        load = defaultdict(int)
        for user, level, count in self.sudo()._read_group(
            [("user_id", "in", members.ids), ("stage_id.closed", "=", False)],
            ["user_id", "itsm_priority"],
            ["__count"],
        ):
            load[user] += count * weights.get(level, 1)
        chosen = defaultdict(lambda: self.browse())
        for ticket in tickets:
            candidates = ticket.team_id.user_ids
            if not candidates:
                continue
            lineage = set(
                map(int, (ticket.category_id.parent_path or "").split("/")[:-1])
            )
            skilled = candidates.filtered(
                lambda user, lineage=lineage: lineage
                & set(user.itsm_skill_category_ids.ids)
            )
            user = min(skilled or candidates, key=lambda u: (load[u], u.id))
            load[user] += weights.get(ticket.itsm_priority, 1)
            chosen[user] |= ticket
        for user, assigned in chosen.items():
            # One notice per assignee below, not one per ticket.
            assigned.with_context(mail_auto_subscribe_no_notify=True).write(
                {"user_id": user.id}
            )
        self._itsm_notify_assignees(chosen)

    def _itsm_notify_assignees(self, chosen):
        """Tell each assignee of their new tickets: Odoo's usual notice for
        one ticket, one digest for several (an alert storm assigns dozens at
        once, and a notice costs far more than the assignment)."""
        for user, tickets in chosen.items():
            if user == self.env.user or not user.active:
                continue
            if len(tickets) == 1:
                tickets._message_auto_subscribe_notify(
                    user.partner_id.ids, "mail.message_user_assigned"
                )
                continue
            lines = Markup("").join(
                Markup('<li><a href="%s">%s</a></li>')
                % (ticket._notify_get_action_link("view"), ticket.display_name)
                for ticket in tickets
            )
            tickets[0].with_context(lang=user.lang).message_notify(
                partner_ids=user.partner_id.ids,
                subject=self.env._(
                    "You have been assigned %(count)s tickets", count=len(tickets)
                ),
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._(
                        "You have been assigned %(count)s tickets:", count=len(tickets)
                    ),
                    lines,
                ),
                email_layout_xmlid="mail.mail_notification_layout",
            )

    def _itsm_start_emergency(self):
        """An urgent mark starts the emergency procedure: the team leader (or
        the responsible department's manager) gets an activity at once."""
        activity_type = self.env.ref("itsm_incident.mail_activity_type_emergency")
        for ticket in self:
            responsible = (
                ticket.team_id.user_id
                or ticket.responsible_department_id.manager_id.user_id
                or ticket.user_id
            )
            if responsible:
                ticket.activity_schedule(
                    activity_type_id=activity_type.id,
                    user_id=responsible.id,
                    summary=self.env._("Urgent: start the emergency procedure"),
                )

    def _itsm_route_by_type(self):
        """Valid declarations go where their type says (S2 §5.4.2)."""
        request_type = self.env.ref("itsm_incident.mail_activity_type_service_request")
        for ticket in self:
            company = ticket.company_id
            if ticket.declaration_type == "service_request":
                head = (
                    ticket.department_id.manager_id.user_id
                    or ticket.responsible_department_id.manager_id.user_id
                    or ticket.team_id.user_id
                )
                if head:
                    ticket.message_subscribe(partner_ids=head.partner_id.ids)
                    ticket.activity_schedule(
                        activity_type_id=request_type.id,
                        user_id=head.id,
                        summary=self.env._("Service request to handle"),
                    )
            elif (
                ticket.declaration_type == "complaint"
                and company.itsm_complaint_team_id
            ):
                ticket.team_id = company.itsm_complaint_team_id
            elif (
                ticket.declaration_type == "security_incident"
                and company.itsm_security_team_id
            ):
                ticket.team_id = company.itsm_security_team_id

    # ------------------------------------------------------------------
    # Monitoring events: the index behind itsm.ticket.monitoring
    # ------------------------------------------------------------------

    def init(self):
        # "The open incident of (source, fingerprint)": one index lookup, the
        # newest ticket first; only tickets opened by a monitoring tool.
        create_index(
            self.env.cr,
            "helpdesk_ticket_event_source_fingerprint_idx",
            self._table,
            ["event_source_id", "event_fingerprint", "id DESC"],
            where="event_fingerprint IS NOT NULL",
        )
        return super().init()

    # ------------------------------------------------------------------
    # Intake channels (INC-1)
    # ------------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A message to a team's alias is a declaration of the e-mail channel,
        reported by its sender: the contact with that address, or a new one.

        helpdesk_mgmt sets the channel only under its fetchmail cron; every
        gateway route (fetchmail, a mail relay posting to ``/mail/incoming``)
        comes here."""
        values = dict(custom_values or {})
        if not values.get("channel_id"):
            channel = self.env.ref(
                "helpdesk_mgmt.helpdesk_ticket_channel_email", raise_if_not_found=False
            )
            values["channel_id"] = channel.id if channel else False
        if not msg_dict.get("author_id") and msg_dict.get("email_from"):
            sender = self._mail_find_partner_from_emails(
                [msg_dict["email_from"]], force_create=True
            )[0]
            # The gateway posts the message with the same author afterwards.
            msg_dict["author_id"] = sender.id
        return super().message_new(msg_dict, custom_values=values)
