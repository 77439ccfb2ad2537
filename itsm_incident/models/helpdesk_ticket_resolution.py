import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.cron import retry_on_conflict

_logger = logging.getLogger(__name__)

REVIEW_READERS = (
    "itsm_incident.group_itsm_resolver,itsm_incident.group_itsm_department_head,"
    "itsm_incident.group_itsm_risk_control,itsm_incident.group_itsm_supervisor"
)

# The resolution record (S1 §3.4.2: result, measures taken, prevention advice;
# S0 §3.6: the solution and its cause) and the summary every incident gets
# (S1 §3.5.1 总结报告: cause, handling, result, lessons learned), in the
# order they are written.
RESOLUTION_FIELDS = (
    "resolution_cause",
    "resolution_measures",
    "resolution_result",
    "resolution_prevention",
    "resolution_lessons",
)


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """Resolution and closure of a ticket (INC-12): the resolution record,
    the "Resolved" stage where the reporter confirms and rates (or rejects)
    the resolution, the automatic closure after a configurable silence, and
    what a closed loop requires before a ticket may close (S1)."""

    _inherit = "helpdesk.ticket"

    resolution_cause = fields.Text(string="Cause", tracking=True, copy=False)
    resolution_measures = fields.Text(
        string="Measures taken", tracking=True, copy=False
    )
    resolution_result = fields.Text(string="Result", tracking=True, copy=False)
    resolution_prevention = fields.Text(
        string="Prevention advice", tracking=True, copy=False
    )
    resolution_lessons = fields.Text(
        string="Lessons learned",
        tracking=True,
        copy=False,
        help="The summary of every incident (S1 §3.5.1): what the responsible "
        "department learned from it. Internal: not in the reporter's notice.",
    )
    itsm_stage_resolved = fields.Boolean(
        string="Awaiting confirmation", compute="_compute_itsm_stage_resolved"
    )
    resolved_date = fields.Datetime(string="Resolved on", readonly=True, copy=False)
    resolved_by_id = fields.Many2one(
        "res.users", string="Resolved by", readonly=True, copy=False
    )
    auto_close_date = fields.Datetime(
        string="Closes automatically on",
        readonly=True,
        copy=False,
        # Only resolved tickets have one: the cron reads a small index.
        index="btree_not_null",
        help="Unless the reporter answers before, the resolved ticket closes then.",
    )
    reporter_confirmed_date = fields.Datetime(
        string="Confirmed by the reporter on", readonly=True, copy=False
    )
    auto_closed = fields.Boolean(
        string="Closed automatically", readonly=True, copy=False
    )
    reopen_count = fields.Integer(
        string="Rejected resolutions",
        readonly=True,
        copy=False,
        help="How many times the reporter rejected the resolution.",
    )
    incident_review_ids = fields.One2many(
        "itsm.incident.review",
        "ticket_id",
        string="Review Reports",
        groups=REVIEW_READERS,
    )
    review_state = fields.Selection(
        [("none", "None"), ("draft", "Draft"), ("approved", "Approved")],
        string="Review report",
        compute="_compute_review_state",
        # sudo: the gate and the reporter's confirmation need the state of
        # a review they may not read.
        compute_sudo=True,
    )

    def _compute_itsm_stage_resolved(self):
        for ticket in self:
            ticket.itsm_stage_resolved = ticket.stage_id.itsm_resolved

    @api.depends("incident_review_ids.state")
    def _compute_review_state(self):
        for ticket in self:
            states = set(ticket.incident_review_ids.mapped("state"))
            ticket.review_state = (
                "approved" if "approved" in states else "draft" if states else "none"
            )

    def write(self, vals):
        if set(RESOLUTION_FIELDS) & set(vals):
            self._itsm_check_handler()
        stage = self.env["helpdesk.ticket.stage"].browse(vals.get("stage_id"))
        if stage.itsm_resolved:
            resolving = self._itsm_only(vals).filtered(lambda t: t.stage_id != stage)
            resolving._itsm_check_resolvable(vals)
            # Stamped first: the resolution notice, sent on entering the
            # stage, says when the ticket closes by itself.
            resolving._itsm_start_confirmation()
        elif stage:
            # Cleared once the ticket has left the stage: the closure gate
            # reads it (the silence that closes the ticket).
            leaving = self.filtered("auto_close_date")
            result = super().write(vals)
            leaving.sudo().write({"auto_close_date": False})
            return result
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_resolve(self):
        """Resolved: the reporter gets the resolution notice to confirm it.
        Only a screened ticket (INC-2)."""
        self._itsm_check_screened()
        for ticket in self:
            stage = ticket._itsm_stage_with("itsm_resolved")
            if not stage:
                raise UserError(
                    self.env._(
                        "Team %s has no “resolved” stage: add one in "
                        "Configuration › Stages.",
                        ticket.team_id.display_name,
                    )
                )
            ticket.stage_id = stage
        return True

    def action_itsm_confirm_for_reporter(self):
        """The reporter confirmed the resolution to the desk (a call back,
        回访): the desk records it and the ticket closes through the gate.
        The desk and ITSM managers only; logged with who recorded it."""
        if not self.env.user.has_group("itsm_incident.group_itsm_agent"):
            raise AccessError(
                self.env._("Only the service desk records a reporter's confirmation.")
            )
        for ticket in self:
            ticket._itsm_check_awaiting()
        # sudo: checked above that the user is the desk; the stamp is the
        # system's.
        self.sudo()._message_log_batch(
            bodies=dict.fromkeys(
                self.ids,
                self.env._(
                    "%s recorded the reporter's confirmation of the resolution.",
                    self.env.user.name,
                ),
            )
        )
        self._itsm_confirm()
        return True

    def action_open_review(self):
        """The review report of the major incident, new or existing."""
        self.ensure_one()
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Review Report"),
            "res_model": "itsm.incident.review",
            "view_mode": "form",
            "context": {"default_ticket_id": self.id},
        }
        if self.incident_review_ids:
            action["res_id"] = self.incident_review_ids[:1].id
        return action

    # ------------------------------------------------------------------
    # Closure gate
    # ------------------------------------------------------------------

    def _itsm_closure_blockers(self):
        blockers = super()._itsm_closure_blockers()
        stage = self._itsm_closing_stage()
        if stage and not stage.itsm_closed_loop:
            return blockers
        blockers += self._itsm_resolution_blockers()
        blockers += self._itsm_confirmation_blockers()
        if self.is_major and self.review_state != "approved":
            blockers.append(
                self.env._(
                    "an approved review report of the major incident (cause, "
                    "process, result, lessons learned)"
                )
            )
        return blockers

    def _itsm_resolution_blockers(self, vals=None):
        """What the ticket lacks to be resolved: a complete resolution
        record and a fix verified as working."""
        self.ensure_one()
        values = {name: self[name] for name in RESOLUTION_FIELDS}
        values["verification_state"] = self.verification_state
        values.update(
            (name, value) for name, value in (vals or {}).items() if name in values
        )
        blockers = []
        missing = [
            self._fields[name].get_description(self.env)["string"]
            for name in RESOLUTION_FIELDS
            if not (values[name] or "").strip()
        ]
        if missing:
            blockers.append(self.env._("the resolution record: %s", ", ".join(missing)))
        if values["verification_state"] != "passed":
            blockers.append(self.env._("a verified fix (verification passed)"))
        return blockers

    def _itsm_confirmation_blockers(self):
        """Done only through Resolved (S1's closed loop): the reporter got the
        resolution notice and confirmed it (portal, e-mail link, rating, or
        the desk on their word), or stayed silent until the automatic
        closure. An incident without a reporter to ask (a monitoring alert,
        :meth:`_itsm_awaits_reporter`) needs the Resolved stage only."""
        self.ensure_one()
        if self.env.su and self.env.context.get("itsm_history"):
            # History imported by the system (the demo generator, a move
            # from another tool): those reporters answered long ago. No
            # request can set it: RPC never runs as the superuser.
            return []
        if not self.stage_id.itsm_resolved:
            return [
                self.env._(
                    "to be resolved first: the reporter gets the resolution "
                    "notice and confirms it, or stays silent until it closes "
                    "by itself"
                )
            ]
        if (
            self.reporter_confirmed_date
            or not self._itsm_awaits_reporter()
            or (self.auto_close_date and self.auto_close_date <= fields.Datetime.now())
        ):
            return []
        return [
            self.env._(
                "the reporter's confirmation of the resolution (or their silence "
                "until the automatic closure)"
            )
        ]

    def _itsm_awaits_reporter(self):
        """Whether closing waits for a reporter's word (extended: a
        monitoring alert has no reporter)."""
        self.ensure_one()
        return True

    def _itsm_check_resolvable(self, vals):
        missing = self._itsm_missing_items(lambda t: t._itsm_resolution_blockers(vals))
        if missing:
            raise UserError(
                self.env._("These tickets cannot be resolved yet:\n\n%s", missing)
            )

    # ------------------------------------------------------------------
    # Confirmation by the reporter
    # ------------------------------------------------------------------

    def _itsm_start_confirmation(self):
        """Entering the resolved stage: stamped, and the automatic closure
        planned after the configured silence in working time. The notice
        goes out as the stage's rating e-mail (helpdesk_mgmt_rating)."""
        now = fields.Datetime.now()
        days = self._itsm_auto_close_days()
        if not self:
            return
        # sudo: the stamps are the system's, whoever resolves.
        tickets = self.sudo()
        tickets.write(
            {
                "resolved_date": now,
                "resolved_by_id": self.env.uid,
                "reporter_confirmed_date": False,
                "auto_closed": False,
            }
        )
        if days <= 0:
            return
        default = self.env.ref("itsm_incident.calendar_24x7")
        moments = set()
        for calendar, group in tickets.grouped(
            lambda t: t.company_id.resource_calendar_id or default
        ).items():
            minutes = days * (calendar.hours_per_day or 24) * 60
            moment = calendar._itsm_add_working_minutes(now, minutes)
            group.write({"auto_close_date": moment})
            moments.add(moment)
        self.env.ref("itsm_incident.ir_cron_itsm_auto_close")._trigger(sorted(moments))

    @api.model
    def _itsm_auto_close_days(self):
        # sudo: a setting every resolved ticket depends on.
        return float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("itsm_incident.auto_close_working_days", 3)
        )

    def _itsm_stage_with(self, flag):
        """The first stage of the ticket's team that has the flag."""
        self.ensure_one()
        return self.team_id._get_applicable_stages().filtered(flag)[:1]

    def _itsm_closing_stage_of(self):
        self.ensure_one()
        stages = self.team_id._get_applicable_stages().filtered("closed")
        return stages.filtered("itsm_closed_loop")[:1] or stages[:1]

    def _itsm_reporter_confirm(self, rate, feedback=None):
        """The reporter confirms the resolution and rates it (portal). The
        caller has checked that the current user may read the ticket."""
        self.ensure_one()
        self._itsm_check_awaiting()
        # sudo: the reporter gives their rating on their own ticket; the
        # token is the one of the pending rating request.
        ticket = self.sudo()
        token = ticket._rating_get_access_token()
        ticket.rating_apply(rate, token=token, feedback=feedback)
        return True

    def _itsm_reporter_reject(self, reason):
        """The reporter says it is not resolved: handling goes on, the fix is
        to be verified again and the SLA clock resumes."""
        self.ensure_one()
        self._itsm_check_awaiting()
        if not (reason or "").strip():
            raise UserError(self.env._("Tell us what is still not working."))
        # sudo: the reporter reopens their own ticket; the stage and the
        # verification are the system's to reset.
        ticket = self.sudo()
        stages = ticket.team_id._get_applicable_stages().filtered(
            lambda s: not (s.closed or s.itsm_resolved or s.itsm_pause_sla)
        )
        in_progress = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress", raise_if_not_found=False
        )
        stage = in_progress if in_progress in stages else stages[:1]
        ticket.write(
            {
                "stage_id": stage.id,
                "verification_state": False,
                "verified_by_id": False,
                "verified_date": False,
                "reopen_count": ticket.reopen_count + 1,
            }
        )
        user = self.env.user
        # Through the notice's link, without logging in: the reporter.
        author = ticket.partner_id if user._is_public() else user.partner_id
        # The handler reads what is still wrong, in their language (an
        # editable template); the reporter's words stay in the chatter.
        ticket.with_context(itsm_reject_reason=reason)._itsm_post_notice(
            "itsm_incident.mail_template_reporter_rejected",
            recipients={ticket.id: ticket.user_id.partner_id},
            author_id=author.id,
        )
        return True

    def _itsm_check_awaiting(self):
        self.ensure_one()
        if self.reporter_confirmed_date:
            raise UserError(
                self.env._(
                    "You have already confirmed the resolution of %s.",
                    self.display_name,
                )
            )
        if not self.stage_id.itsm_resolved:
            raise UserError(
                self.env._(
                    "%s is not waiting for your confirmation.", self.display_name
                )
            )

    def _itsm_confirm(self):
        """The reporter confirmed: the ticket closes, through the gate."""
        # sudo: the stamp is the system's; callers checked the reporter may
        # read the ticket and that it awaits their confirmation.
        self.sudo().write({"reporter_confirmed_date": fields.Datetime.now()})
        self._itsm_close_resolved()

    def _itsm_close_resolved(self, auto=False):
        """Close resolved tickets through the gate. Those that cannot close
        stay resolved, with what they lack in their chatter; returns them."""
        blocked = {}
        by_stage = {}
        for ticket in self:
            stage = ticket._itsm_closing_stage_of()
            blockers = ticket.with_context(
                itsm_closing_stage_id=stage.id
            )._itsm_closure_blockers()
            if blockers or not stage:
                blocked[ticket.id] = blockers
            else:
                by_stage.setdefault(stage, []).append(ticket.id)
        # sudo: a confirmation or the silence closes the ticket, whoever
        # confirms (the reporter) or runs the cron.
        Ticket = self.sudo()
        for stage, ticket_ids in by_stage.items():
            Ticket.browse(ticket_ids).write({"stage_id": stage.id, "auto_closed": auto})
        if blocked:
            lines = {
                ticket_id: Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._("The resolved ticket cannot close yet; it lacks:"),
                    Markup().join(
                        Markup("<li>%s</li>") % blocker for blocker in blockers
                    ),
                )
                for ticket_id, blockers in blocked.items()
            }
            Ticket.browse(list(blocked))._message_log_batch(bodies=lines)
        return self.browse(list(blocked))

    # ------------------------------------------------------------------
    # Automatic closure
    # ------------------------------------------------------------------

    @api.model
    @retry_on_conflict
    def _cron_itsm_auto_close(self, batch_size=500):
        """Close resolved tickets whose reporter stayed silent past their
        automatic-closure date, a batch at a time. A ticket that cannot close
        is skipped (its automatic closure cancelled, what it lacks logged)."""
        # sudo: the cron closes every company's silent tickets.
        Ticket = self.sudo()
        stages = (
            self.env["helpdesk.ticket.stage"]
            .sudo()
            .search([("itsm_resolved", "=", True)])
        )
        domain = [
            ("stage_id", "in", stages.ids),
            ("auto_close_date", "<=", fields.Datetime.now()),
        ]
        tickets = Ticket.search(domain, order="auto_close_date, id", limit=batch_size)
        blocked = tickets._itsm_close_resolved(auto=True)
        blocked.write({"auto_close_date": False})
        if blocked:
            _logger.info(
                "Automatic closure skipped for %s tickets that lack what "
                "closing requires: %s",
                len(blocked),
                ", ".join(blocked.mapped("display_name")),
            )
        remaining = Ticket.search_count(domain) if len(tickets) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(tickets), remaining=remaining)
        return tickets - blocked
