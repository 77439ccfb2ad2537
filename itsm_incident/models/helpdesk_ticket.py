import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.cron import retry_on_conflict

# Other modules import these from here.
# pylint: disable=unused-import
from .helpdesk_ticket_screening import DECLARATION_TYPES, SCREENING_STATES  # noqa: F401
from .itsm_grade_rule import GRADES
from .itsm_priority import HELPDESK_PRIORITY, PRIORITY_LEVELS
from .itsm_priority_matrix import IMPACTS, URGENCIES

_logger = logging.getLogger(__name__)

# ITSM tickets a refused deletion names; a longer selection ends with "…".
UNLINK_NAMED = 5
# The desk classifies (S2 §5.4.3): what a portal user never sets. The
# reporter may state the urgency.
DESK_CLASSIFICATION = frozenset(
    {
        "impact",
        "itsm_priority",
        "priority",
        "priority_override",
        "priority_override_reason",
        "grade",
        "is_major",
        # A fault calls the fault ladder, texts included (security review
        # L6): P1/P2 and alerts are faults, the desk marks the others.
        "is_fault",
    }
)


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """An ITSM incident: classification, the impact × urgency matrix, the
    grade, the intake channels, and the ``create``/``write`` that call the
    concerns' hooks. The concerns (``helpdesk_ticket_<concern>.py``) extend
    the ticket before this class, so its ``create``/``write`` run first and
    theirs inside; ``models/__init__.py`` orders them."""

    _inherit = "helpdesk.ticket"

    # ITSM applies to the tickets of ITSM teams; the others stay plain
    # helpdesk_mgmt tickets.
    is_itsm = fields.Boolean(
        related="team_id.is_itsm",
        store=True,
        index=True,
        string="ITSM ticket",
        help="A ticket of an ITSM service desk team: screening, priority "
        "matrix, SLA clocks, escalation and the closed loop apply to it.",
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
    impact = fields.Selection(
        IMPACTS,
        tracking=True,
        index=True,
        help="Set by the service desk (S2 §5.4.3).\n"
        "Minor: hardly any adverse effect or serious consequence; solved "
        "quickly, e.g. by reassuring the customer.\n"
        "Moderate: may somewhat affect the company's reputation, and slightly "
        "the customer's reputation or property.\n"
        "Severe: a fairly serious effect on the customer's reputation or "
        "property.",
    )
    urgency = fields.Selection(
        URGENCIES,
        tracking=True,
        index=True,
        help="The reporter may state it; the service desk confirms it (S2 "
        "§5.4.3).\n"
        "Low: service performance is degraded, but the normal business of the "
        "company's operations and of end users or customers is not affected.\n"
        "Medium: part of the service is unavailable; the normal business of "
        "the company's operations and of end users or customers is affected "
        "to some extent.\n"
        "High: a service centre's whole service is unavailable, or key staff "
        "are missing; the normal business of the company's operations and of "
        "end users or customers is seriously affected.",
    )
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
    resolution_target_display = fields.Char(
        related="itsm_priority_id.resolution_target_display",
        string="Resolution target",
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

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("team_id")
    def _compute_stage_id(self):
        """helpdesk_mgmt's: the stage stays while the team's stages include
        it, else the team's first. The same, with one search per team, not
        per ticket (it runs for every ticket created, and again whenever its
        team changes)."""
        for team, tickets in self.grouped("team_id").items():
            applicable = team._get_applicable_stages()
            for ticket in tickets:
                if ticket.stage_id not in applicable:
                    ticket.stage_id = applicable[:1]

    @api.depends("nature_id")
    def _compute_responsible_department_id(self):
        for ticket in self:
            if ticket.nature_id.department_id:
                ticket.responsible_department_id = ticket.nature_id.department_id

    @api.depends("impact", "urgency", "priority_override", "is_itsm")
    def _compute_itsm_priority(self):
        """The matrix's cell, or the manager's override; none for a plain
        ticket (no ITSM priority, no SLA clocks)."""
        matrix = self.env["itsm.priority.matrix"]._level_map()
        for ticket in self:
            if not ticket.is_itsm:
                ticket.itsm_priority = False
                continue
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

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        # helpdesk_mgmt's priority mirrors ours: computed, not defaulted.
        values.pop("priority", None)
        # After helpdesk_mgmt's defaults (it assigns the creator).
        self._itsm_assignment_defaults(values, fields_list)
        return values

    @api.model_create_multi
    def create(self, vals_list):
        # First: the desk classifies (S2 §5.4.3).
        vals_list = [self._itsm_check_desk_classification(vals) for vals in vals_list]
        # Before helpdesk_mgmt's create, which takes the stage and company
        # from the team, and before the clocks start.
        for vals in vals_list:
            self._itsm_screening_prepare_vals(vals)
        self._itsm_assignment_prepare_create(vals_list)
        for vals, is_itsm in zip(
            vals_list, self._itsm_vals_are_itsm(vals_list), strict=True
        ):
            if is_itsm:
                # The stars follow the ITSM priority (INC-5).
                vals.pop("priority", None)
        tickets = super().create(vals_list)
        tickets.filtered("urgent")._itsm_start_emergency()
        return tickets

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        # The assignee of a new ticket follows it and hears of it from the
        # follow-up cron right after the commit, for all their new tickets
        # at once (helpdesk_ticket_assignment_notice.py), not from mail.thread now:
        # one subscription and one rendered notice per ticket cost more than
        # the ticket.
        user_id = updated_values.get("user_id")
        if user_id and updated_values.get("itsm_notice_user_id") == user_id:
            updated_values = dict(updated_values, user_id=False)
        return super()._message_auto_subscribe_followers(
            updated_values, default_subtype_ids
        )

    @api.model
    @retry_on_conflict
    def _cron_itsm_follow_up(self, batch_size=1000):
        """What new tickets leave for right after their transaction commits
        (one cron, one trigger per transaction): the assignees' notices, then
        the tickets' own follow-up (helpdesk_ticket_follow_up.py); each step claims
        up to ``batch_size`` tickets and the runner calls again while some
        remain."""
        done = remaining = 0
        for step in (self._itsm_send_assignee_notices, self._itsm_follow_up_pending):
            step_done, step_remaining = step(batch_size)
            done += step_done
            remaining += step_remaining
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    def write(self, vals):
        vals = self._itsm_check_desk_classification(vals)
        # First: a ticket still to screen keeps its stage (INC-2).
        self._itsm_screening_check_write(vals)
        # An ITSM ticket's stars show its ITSM priority (INC-5): they follow
        # the matrix or the manager's override, never a free edit. Plain
        # teams' tickets keep helpdesk_mgmt's stars.
        stars = vals.get("priority")
        itsm = self._itsm_only(vals) if "priority" in vals else self.browse()
        if itsm:
            vals = {key: value for key, value in vals.items() if key != "priority"}
            (self - itsm).write({"priority": stars})
        # Before the clocks follow the urgency and the stage.
        self._itsm_screening_prepare_vals(vals)
        self._itsm_assignment_prepare_write(vals)
        newly_urgent = (
            self.filtered(lambda t: not t.urgent) if vals.get("urgent") else None
        )
        result = super().write(vals)
        if newly_urgent:
            newly_urgent._itsm_start_emergency()
        if itsm.filtered(lambda ticket: ticket.priority != stars):
            raise UserError(
                self.env._(
                    "The priority of a service desk ticket follows its impact and "
                    "urgency (the priority matrix); an ITSM manager may override "
                    "it with a reason."
                )
            )
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_itsm(self):
        """Archive, never delete (X-5): an incident's history (chatter,
        clocks, escalations, review, improvement actions) is the audit
        trail. Only the superuser deletes ITSM tickets; plain teams' tickets
        keep helpdesk_mgmt's rights."""
        itsm = self.browse() if self.env.su else self._itsm_only()
        if itsm:
            names = ", ".join(itsm[:UNLINK_NAMED].mapped("display_name"))
            raise UserError(
                self.env._(
                    "ITSM tickets are never deleted, so that their history "
                    "stays auditable: archive them instead (%(tickets)s).",
                    tickets=names + (", …" if len(itsm) > UNLINK_NAMED else ""),
                )
            )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _itsm_check_linkable(self):
        """Refuse linking these tickets to a record when the current user
        may not read them: the link would be read back with the ticket's
        name (security review M7). Code acting for the system (sudo) links
        what it computed."""
        if not self.env.su:
            self.check_access("read")

    @api.model
    def _itsm_check_desk_classification(self, vals):
        """The desk classifies (S2 §5.4.3): impact, priority and grade are
        never a portal user's. Refused when such a user sets them through the
        ORM (RPC included); left out when code acting for them with sudo (the
        portal form) passes them on. The urgency is the reporter's to state.
        Returns the values to use."""
        user = self.env.user
        classified = DESK_CLASSIFICATION & set(vals)
        if not (classified and user.share):
            return vals
        if not self.env.su:
            labels = ", ".join(
                sorted(
                    self._fields[name]._description_string(self.env)
                    for name in classified
                )
            )
            raise AccessError(
                self.env._(
                    "The service desk classifies tickets: a customer may describe "
                    "the request and state its urgency, not set %(fields)s.",
                    fields=labels,
                )
            )
        return {key: value for key, value in vals.items() if key not in classified}

    def _itsm_only(self, vals=None):
        """These tickets that are ITSM tickets, once ``vals`` are written
        (a new team in them decides)."""
        if vals and "team_id" in vals:
            team = self.env["helpdesk.ticket.team"].browse(vals["team_id"])
            # sudo: whether a team is ITSM is not a secret of the team.
            return self if team.sudo().is_itsm else self.browse()
        return self.filtered("is_itsm")

    def _itsm_schedule_with_notice(self, user, template_xmlid, **activity_values):
        """Give ``user`` an activity on this ticket and tell them with the
        editable notice ``template_xmlid``, in their language (an internal
        note to them), instead of Odoo's fixed activity mail: told once, and
        not when they gave it to themselves."""
        self.ensure_one()
        self.with_context(mail_activity_quick_update=True).activity_schedule(
            user_id=user.id, **activity_values
        )
        if user != self.env.user:
            self._itsm_post_notice(
                template_xmlid,
                {self.id: user.partner_id},
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _itsm_vals_are_itsm(self, vals_list):
        """For each of these create values: is the ticket an ITSM ticket
        (its team is)? The teams are read together."""
        # sudo: whether a team is ITSM is not a secret of the team.
        teams = (
            self.env["helpdesk.ticket.team"]
            .sudo()
            .browse({vals["team_id"] for vals in vals_list if vals.get("team_id")})
        )
        itsm = set(teams.filtered("is_itsm").ids)
        return [vals.get("team_id") in itsm for vals in vals_list]

    @api.model
    def _itsm_follow_matrix(self, cells):
        """Open tickets of changed matrix cells take the new priority."""
        domain = [("is_itsm", "=", True), ("stage_id.closed", "=", False)]
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

    # ------------------------------------------------------------------
    # Intake channels (INC-1)
    # ------------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A message to an ITSM team's alias is a declaration of the e-mail
        channel, reported by its sender: the contact with that address, or a
        new one.

        helpdesk_mgmt sets the channel only under its fetchmail cron; every
        gateway route (fetchmail, a mail relay posting to ``/mail/incoming``)
        comes here."""
        values = dict(custom_values or {})
        team = self.env["helpdesk.ticket.team"].browse(values.get("team_id"))
        # sudo: whether the alias's team is ITSM is not a secret of the team.
        if not team.sudo().is_itsm:
            # A plain team's alias: helpdesk_mgmt's own intake.
            return super().message_new(msg_dict, custom_values=custom_values)
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
