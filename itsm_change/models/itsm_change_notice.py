import logging
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import working_day_close

_logger = logging.getLogger(__name__)

# The three notices of a change (S4 系统变更管理流程 7)–9), 时限要求), each a
# tracked deadline (itsm.deadline kind) met when it is sent: the states it
# may be sent in, its editable template.
NOTICES = {
    "change_notice": {
        "states": ("approved", "testing", "implementing", "review"),
        "template": "itsm_change.mail_template_change_notice",
    },
    "result_notice": {
        "states": ("review", "closed"),
        "template": "itsm_change.mail_template_change_result_notice",
    },
    "summary_report": {
        "states": ("review", "closed"),
        "template": "itsm_change.mail_template_change_summary_report",
    },
}
# The states in which a change's notices are watched by the ladder.
WATCHED_STATES = ("approved", "testing", "implementing", "review", "closed")
MANAGER = "itsm_change.group_itsm_change_manager"


# One concern a file (itsm_incident's readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmChange(models.Model):
    """The notices of a change as tracked deadlines on the escalation ladder
    (CHG-7): the change notice (《系统变更通知》) is due two hours before the
    end of the working day of the change (of the working day before, for a
    change in a night window), the result notice (《系统变更结果通告》) 12
    hours after its end, the summary report (《系统变更总结报告》) of a
    complex change 3 working days after its end; the numbers are settings.
    Each is sent from its button, which renders its editable template to
    the recipients the ladder's resolver names, and meets its deadline; a
    deadline not met is breached and the seeded ladder rules tell the
    change owner (its requester) before, the change manager after."""

    _name = "itsm.change"
    _inherit = ["itsm.change", "itsm.escalation.mixin"]

    is_complex = fields.Boolean(
        string="Complex change",
        tracking=True,
        help="Highly complex or wide-reaching (复杂度高、涉及范围大): its "
        "complete check ends with a summary report a few working days after "
        "the change (CHG-7).",
    )
    notice_time_label = fields.Char(
        compute="_compute_notice_time_label",
        string="Operation time",
        help="The planned time of the change as its notices state it.",
    )
    notice_note = fields.Text(
        string="Other notes",
        help="Other notes of the change notice (其余注意事项).",
    )
    phone_notice_date = fields.Datetime(
        string="Phoned on",
        copy=False,
        help="In an emergency the main using departments are phoned before "
        "the change notice follows: when.",
    )
    phone_notice_note = fields.Text(
        string="Phoned to",
        copy=False,
        help="Who was phoned, by whom, and what they were told.",
    )
    notice_late_reason = fields.Text(
        string="Reason for a late notice",
        copy=False,
        help="Why a notice is sent after its deadline.",
    )
    result_summary = fields.Html(
        string="Result statement",
        copy=False,
        help="The result of the change; for a failed one, why it failed "
        "(系统变更结果说明).",
    )
    result_deviation = fields.Text(
        string="Deviation from the announced time",
        copy=False,
        help="When the change ran far from the announced time: why.",
    )
    result_leftover = fields.Text(
        string="Leftover issues",
        copy=False,
        help="Issues left after the change and their plan (遗留问题及进度安排).",
    )
    result_note = fields.Text(
        string="Result notes",
        copy=False,
        help="Notes and additions of the result notice (注意事项及新内容补充).",
    )
    summary_background = fields.Html(string="Background", copy=False)
    summary_work = fields.Html(string="Work done", copy=False)
    summary_difficulty = fields.Html(string="Difficulty and complexity", copy=False)
    summary_significance = fields.Html(string="Significance", copy=False)
    change_notice_date = fields.Datetime(
        string="Change notice sent on", readonly=True, copy=False
    )
    change_notice_by_id = fields.Many2one(
        "res.users", string="Change notice sent by", readonly=True, copy=False
    )
    result_notice_date = fields.Datetime(
        string="Result notice sent on", readonly=True, copy=False
    )
    result_notice_by_id = fields.Many2one(
        "res.users", string="Result notice sent by", readonly=True, copy=False
    )
    summary_report_date = fields.Datetime(
        string="Summary report sent on", readonly=True, copy=False
    )
    summary_report_by_id = fields.Many2one(
        "res.users", string="Summary report sent by", readonly=True, copy=False
    )

    @api.depends("planned_start", "planned_end", "company_id")
    def _compute_notice_time_label(self):
        for change in self:
            if change.planned_start and change.planned_end:
                change.notice_time_label = (
                    f"{change._itsm_format(change.planned_start)} – "
                    f"{change._itsm_format(change.planned_end)} "
                    f"({change._itsm_tz().zone})"
                )
            else:
                change.notice_time_label = False

    def write(self, vals):
        if "is_complex" in vals:
            ended = self.filtered(lambda c: c.state in ("review", "closed"))
            if ended.filtered(lambda c: c.is_complex != bool(vals["is_complex"])):
                raise UserError(
                    self.env._(
                        "Whether %s is complex is fixed once it has ended: its "
                        "summary report is already due or not.",
                        ", ".join(ended.mapped("display_name")),
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------------
    # The deadlines
    # ------------------------------------------------------------------

    def _itsm_notice_change_notice_due(self):
        """When the change notice is due (naive UTC): the notice setting's
        hours before the end of the working day the change belongs to (the
        working day before a change in a night window), in the company's
        working time; None without a planned start."""
        self.ensure_one()
        if not self.planned_start:
            return None
        calendar = self._itsm_calendar()
        close = working_day_close(
            calendar._itsm_intervals(),
            pytz.utc.localize(self.planned_start),
            self._itsm_tz(),
        )
        if close is None:
            return None
        due = close - timedelta(hours=self._itsm_setting("notice_hours_before_close"))
        return due.astimezone(pytz.utc).replace(tzinfo=None)

    def _itsm_deadline_targets(self):
        """The change notice from its approval (to a fixed moment, on the
        round-the-clock calendar), the result notice from the change's end
        (hours, round the clock), the summary report of a complex change
        from its end (working days of the company)."""
        targets = super()._itsm_deadline_targets()
        always = self.env.ref("itsm_incident.calendar_24x7")
        due = self._itsm_notice_change_notice_due()
        if due:
            start = (
                self._itsm_deadline_clocks(["change_notice"]).started_at
                or fields.Datetime.now()
            )
            targets["change_notice"] = (
                max((due - start).total_seconds() / 60, 0.0),
                always,
                self.env._("Due %s", self._itsm_format(due)),
            )
        if self.actual_end:
            hours = self._itsm_setting("result_notice_hours")
            hours_label = f"{hours:g}"
            targets["result_notice"] = (
                hours * 60,
                always,
                self.env._("%s hours after the change", hours_label),
            )
            if self.is_complex:
                calendar = self._itsm_calendar()
                days = self._itsm_setting("summary_report_days")
                days_label = f"{days:g}"
                targets["summary_report"] = (
                    days * (calendar.hours_per_day or 24.0) * 60,
                    calendar,
                    self.env._("%s working days after the change", days_label),
                )
        return targets

    def _itsm_notice_drop_running(self, kinds=None):
        """The running clocks of these notices go: the change no longer
        needs them (back to draft, cancelled)."""
        self._itsm_deadline_clocks(kinds or list(NOTICES)).filtered(
            lambda clock: clock.state != "done"
        ).unlink()

    def action_approve(self):
        result = super().action_approve()
        self._itsm_deadline_start(kinds=["change_notice"])
        return result

    def action_draft(self):
        result = super().action_draft()
        self._itsm_notice_drop_running(["change_notice"])
        return result

    def action_cancel(self):
        result = super().action_cancel()
        self._itsm_notice_drop_running()
        return result

    def action_finish(self):
        result = super().action_finish()
        for change in self:
            change._itsm_deadline_start(
                kinds=["result_notice", "summary_report"], at=change.actual_end
            )
        return result

    def _itsm_schedule_changed(self, vals):
        """A rescheduled change: a change notice not yet sent falls due anew
        from the same start; one already sent announced another time, so a
        new one is due (from now, once the change is approved)."""
        result = super()._itsm_schedule_changed(vals)
        if not {"planned_start", "planned_end", "company_id"} & set(vals):
            return result
        announced = self.filtered("change_notice_date")
        if announced:
            announced._itsm_deadline_clocks(["change_notice"]).unlink()
            announced._itsm_step_write(
                {"change_notice_date": False, "change_notice_by_id": False}
            )
            announced._itsm_log_notes(
                {
                    change.id: self.env._(
                        "Rescheduled after its change notice was sent: a new "
                        "change notice is due."
                    )
                    for change in announced
                }
            )
            announced.filtered(
                lambda c: c.state in ("approved", "testing")
            )._itsm_deadline_start(kinds=["change_notice"])
        clocks = (self - announced)._itsm_deadline_clocks(["change_notice"])
        for clock in clocks.filtered(lambda c: c.state == "running"):
            change = self.browse(clock.res_id)
            minutes, _calendar, explanation = change._itsm_deadline_targets()[
                "change_notice"
            ]
            clock._retarget(minutes, explanation)
        return result

    # ------------------------------------------------------------------
    # On the ladder
    # ------------------------------------------------------------------

    @api.model
    def _itsm_escalation_scope(self, rule):
        return [("state", "in", WATCHED_STATES)]

    def _itsm_escalation_responsible(self):
        """The change owner: its requester."""
        return {change.id: change.requester_id for change in self}

    def _itsm_escalation_org_chart_fallback(self, kind):
        # Nobody above the requester in the org chart: the change's manager
        # is told instead.
        return self._itsm_change_manager_partners()

    def _itsm_escalation_customers(self):
        return {change.id: self.env["res.partner"] for change in self}

    def _itsm_escalation_services(self):
        """The changed services, then those that depend on them."""
        return {
            change.id: change.service_ids | change.affected_service_ids
            for change in self
        }

    def _itsm_change_manager_partners(self):
        """{change id: res.partner} the change's manager, or every change
        manager when it has none.

        sudo: who the change managers are decides who hears of a late
        notice."""
        managers = self.env.ref(MANAGER).sudo().users.partner_id
        return {change.id: change.user_id.partner_id or managers for change in self}

    # ------------------------------------------------------------------
    # Sending the notices
    # ------------------------------------------------------------------

    def _itsm_notice_recipients(self, kind):
        """(main recipients, copy) of the ``kind`` notice of this change,
        resolved as the ladder resolves them (DESIGN §5): the interface
        persons of the affected services most relevant first, in copy the
        division leader (over the change's requester) and the managers of
        the interface persons' departments; the summary report to the
        managers of the business departments, the division leader in copy."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        # sudo: the catalogue's interface lines and the org chart name the
        # recipients, whoever sends; only their contacts leave here.
        services = self._itsm_escalation_services()[self.id].sudo()
        lines = services._itsm_ranked_interfaces()
        managers = (
            lines.department_id | self.sudo().department_ids
        ).manager_id.work_contact_id
        chart = self.requester_id.sudo()._itsm_org_chart()
        leader = chart.get(self.requester_id.id, {}).get("division_leader", Partner)
        if kind == "summary_report":
            return managers.with_env(self.env), (leader - managers).with_env(self.env)
        interfaces = self._itsm_escalation_service_interfaces()[self.id]
        if kind == "result_notice":
            return interfaces, Partner
        return interfaces, ((leader | managers) - interfaces).with_env(self.env)

    def _itsm_prepare_notice(self, kind):
        """What sending the ``kind`` notice of these changes asks: the state
        and the user's role are checked, nothing goes without a recipient,
        a late notice needs its reason (and an emergency change's phone
        call). Returns (template, {change id: (to, cc)})."""
        labels = dict(
            self.env["itsm.deadline"]._fields["kind"]._description_selection(self.env)
        )
        step = self.env._("Sending the %s", labels[kind].lower())
        self._itsm_check_state(NOTICES[kind]["states"], step)
        self._itsm_check_role(step, requester=True, implementer=True)
        now = fields.Datetime.now()
        clocks = self._itsm_deadline_clocks([kind]).grouped("res_id")
        recipients = {}
        for change in self:
            clock = clocks.get(change.id)
            late = clock and clock.state == "running" and clock.deadline < now
            if late:
                change._itsm_check_late_notice(kind)
            to, cc = change._itsm_notice_recipients(kind)
            if not to:
                raise UserError(
                    self.env._(
                        "%(change)s: nobody to send the %(notice)s to. Name the "
                        "interface persons of its services' using departments "
                        "(and, for a summary report, the departments' managers) "
                        "first.",
                        change=change.display_name,
                        notice=labels[kind].lower(),
                    )
                )
            recipients[change.id] = (to, cc)
        return self.env.ref(NOTICES[kind]["template"]), recipients

    @staticmethod
    def _itsm_notice_context(to, cc):
        """What the notice templates read: the main recipients, in order,
        and those in copy."""
        return {
            "itsm_notice_to": ", ".join(to.mapped("name")),
            "itsm_notice_cc": ", ".join(cc.mapped("name")),
        }

    def _itsm_send_notice(self, kind):
        """Send the ``kind`` notice of these changes (checked as
        :meth:`_itsm_prepare_notice` says): its template is posted to its
        recipients in each one's language and its deadline is met (or
        settled as breached)."""
        template, recipients = self._itsm_prepare_notice(kind)
        for change in self:
            to, cc = recipients[change.id]
            change._itsm_post_notice(
                template,
                {change.id: to | cc},
                render_context=self._itsm_notice_context(to, cc),
            )
        return self._itsm_notice_sent(kind)

    def _itsm_notice_sent(self, kind):
        """The ``kind`` notice of these changes went: its date and sender
        are recorded (the first time) and its deadline stops."""
        now = fields.Datetime.now()
        unsent = self.filtered(lambda c: not c[f"{kind}_date"])
        unsent._itsm_step_write(
            {f"{kind}_date": now, f"{kind}_by_id": self.env.user.id}
        )
        self._itsm_deadline_stop(kinds=[kind], at=now)
        return True

    def _itsm_compose_notice(self, kind):
        """The composer of the ``kind`` notice, its template rendered and its
        recipients filled in, to be edited before it goes (in the sender's
        language: the direct send renders it in each recipient's); sending
        it records the notice as sent."""
        self.ensure_one()
        template, recipients = self._itsm_prepare_notice(kind)
        to, cc = recipients[self.id]
        # Rendered here, in the sender's language, with what the template
        # reads besides the change (the composer renders a template on the
        # record alone).
        rendered = {
            field: template._render_field(
                field,
                self.ids,
                set_lang=self.env.lang,
                add_context=self._itsm_notice_context(to, cc),
            )[self.id]
            for field in ("subject", "body_html")
        }
        return {
            "type": "ir.actions.act_window",
            "name": template.name,
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_composition_mode": "comment",
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_subject": rendered["subject"],
                "default_body": rendered["body_html"],
                "default_partner_ids": (to | cc).ids,
                "default_subtype_xmlid": "mail.mt_comment",
                "itsm_change_notice_kind": kind,
            },
        }

    def _itsm_check_late_notice(self, kind):
        """A notice past its deadline says why; an emergency change's
        change notice follows a phone call to the main using departments
        (S4 时限要求)."""
        self.ensure_one()
        if (
            kind == "change_notice"
            and self.change_type == "emergency"
            and not (self.phone_notice_date and (self.phone_notice_note or "").strip())
        ):
            raise UserError(
                self.env._(
                    "The change notice of %s is late: record the phone call to the "
                    "main using departments first (when, and who was phoned).",
                    self.display_name,
                )
            )
        if not (self.notice_late_reason or "").strip():
            raise UserError(
                self.env._(
                    "The notice of %s is late: give the reason for the late notice "
                    "first.",
                    self.display_name,
                )
            )

    def action_send_change_notice(self):
        """Send the change notice (《系统变更通知》)."""
        return self._itsm_send_notice("change_notice")

    def action_send_result_notice(self):
        """Send the result notice (《系统变更结果通告》)."""
        return self._itsm_send_notice("result_notice")

    def action_send_summary_report(self):
        """Send the summary report (《系统变更总结报告》)."""
        return self._itsm_send_notice("summary_report")

    def action_compose_change_notice(self):
        """Edit the change notice in the composer, then send it."""
        return self._itsm_compose_notice("change_notice")

    def action_compose_result_notice(self):
        """Edit the result notice in the composer, then send it."""
        return self._itsm_compose_notice("result_notice")

    def action_compose_summary_report(self):
        """Edit the summary report in the composer, then send it."""
        return self._itsm_compose_notice("summary_report")
