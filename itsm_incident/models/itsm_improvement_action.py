from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.cron import retry_on_conflict

ACTION_STATES = [
    ("open", "Open"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
ACTION_TYPES = [
    ("corrective", "Corrective"),
    ("preventive", "Preventive"),
]
# What an owner who is not a resolver may change: the progress of their own
# action, nothing of what was agreed (name, deadline, owner).
OWNER_FIELDS = {"state", "date_done", "description"}


class ItsmImprovementAction(models.Model):
    """A corrective or preventive action (改进措施, INC-13): an owner, a
    deadline and a state, followed up until done. It comes from an incident,
    a problem or a supervision finding.

    Its deadline is a tracked deadline (kind ``action_due``, due at the end
    of the deadline's day in the owner's time zone, wall-clock time), so the
    escalation ladder reminds the owner and tells their supervisor, as its
    rules say; the owner also gets a daily digest of what is overdue."""

    _name = "itsm.improvement.action"
    _description = "ITSM Improvement Action"
    _inherit = ["mail.thread", "mail.activity.mixin", "itsm.escalation.mixin"]
    _order = "state, date_deadline, id"

    name = fields.Char(string="Action", required=True, tracking=True)
    description = fields.Html()
    action_type = fields.Selection(
        ACTION_TYPES,
        string="Type",
        required=True,
        default="corrective",
        tracking=True,
        index=True,
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Incident",
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    problem_id = fields.Many2one(
        "itsm.problem",
        index=True,
        ondelete="cascade",
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
    )
    date_deadline = fields.Date(
        string="Deadline", required=True, index=True, tracking=True
    )
    state = fields.Selection(
        ACTION_STATES, required=True, default="open", index=True, tracking=True
    )
    date_done = fields.Date(string="Done on", readonly=True, copy=False)
    last_reminder_date = fields.Date(
        string="Last reminded on", readonly=True, copy=False, index=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )

    @api.depends("state", "date_deadline")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.is_overdue = (
                action.state == "open"
                and bool(action.date_deadline)
                and action.date_deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on Overdue."))
        domain = [
            ("state", "=", "open"),
            ("date_deadline", "<", fields.Date.context_today(self)),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.onchange("ticket_id")
    def _onchange_ticket_id(self):
        if self.ticket_id.problem_id and not self.problem_id:
            self.problem_id = self.ticket_id.problem_id

    @api.constrains("ticket_id")
    def _check_ticket_readable(self):
        # Only a ticket the user may read (security review M7).
        self.ticket_id._itsm_check_linkable()

    @api.model_create_multi
    def create(self, vals_list):
        actions = super().create(vals_list)
        actions.filtered(lambda a: a.state == "open")._itsm_deadline_start()
        return actions

    def write(self, vals):
        self._itsm_check_owner_write(vals)
        result = super().write(vals)
        if "date_deadline" in vals or "user_id" in vals:
            self._itsm_deadline_retarget()
        if vals.get("state") == "done":
            self._itsm_deadline_stop()
        elif vals.get("state") == "cancelled":
            # Nothing is due any more: the clock stops where it is.
            self._itsm_deadline_clocks()._pause()
        elif vals.get("state") == "open":
            clocks = self._itsm_deadline_clocks()
            clocks._reopen()
            clocks._resume()
            self.filtered(
                lambda a: a.id not in clocks.mapped("res_id")
            )._itsm_deadline_start()
        return result

    # ------------------------------------------------------------------
    # The deadline on the ladder
    # ------------------------------------------------------------------

    def _itsm_due_moment(self):
        """The end of the deadline's day in the owner's time zone (UTC,
        naive)."""
        self.ensure_one()
        tz = pytz.timezone(self.user_id.tz or self.env.user.tz or "UTC")
        end = tz.localize(
            datetime.combine(self.date_deadline + timedelta(days=1), time.min)
        )
        return end.astimezone(pytz.utc).replace(tzinfo=None)

    def _itsm_deadline_targets(self):
        self.ensure_one()
        start = (
            self._itsm_deadline_clocks(["action_due"]).started_at
            or fields.Datetime.now()
        )
        minutes = max((self._itsm_due_moment() - start).total_seconds() / 60, 0.0)
        calendar = self.env.ref("itsm_incident.calendar_24x7")
        return {"action_due": (minutes, calendar, False)}

    def _itsm_escalation_customers(self):
        # No customer: the incident's reporter hears of its actions through
        # the incident.
        return {action.id: self.env["res.partner"] for action in self}

    def _itsm_check_owner_write(self, vals):
        if not self.env.su and not self.env.user.has_group(
            "itsm_incident.group_itsm_resolver"
        ):
            # Record rules keep others to their own actions; here, to their
            # progress only.
            forbidden = set(vals) - OWNER_FIELDS
            if forbidden:
                raise AccessError(
                    self.env._(
                        "As the owner of an improvement action you may record its "
                        "progress, not change %s.",
                        ", ".join(
                            self._fields[name].get_description(self.env)["string"]
                            for name in sorted(forbidden)
                            if name in self._fields
                        ),
                    )
                )

    def action_done(self):
        self.write({"state": "done", "date_done": fields.Date.context_today(self)})

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def action_reopen(self):
        self.write({"state": "open", "date_done": False})

    # ------------------------------------------------------------------
    # Overdue reminders
    # ------------------------------------------------------------------

    @api.model
    def _overdue_to_remind_domain(self, today):
        return [
            ("state", "=", "open"),
            ("date_deadline", "<", today),
            "|",
            ("last_reminder_date", "=", False),
            ("last_reminder_date", "<", today),
        ]

    @api.model
    @retry_on_conflict
    def _cron_remind_overdue(self, batch_size=200):
        """Remind each owner of their overdue actions: one digest e-mail per
        owner, at most once a day (the actions remember the day they were
        reminded, so a rerun continues where it stopped)."""
        today = fields.Date.context_today(self)
        domain = self._overdue_to_remind_domain(today)
        owners = self.env["res.users"].browse(
            [user.id for (user,) in self._read_group(domain, ["user_id"])]
        )
        batch = owners[:batch_size]
        if batch:
            actions = self.search(domain + [("user_id", "in", batch.ids)])
            self._send_overdue_digests(batch)
            actions.write({"last_reminder_date": today})
            actions._message_log_batch(
                bodies={
                    action.id: self.env._("Overdue: %s reminded.", action.user_id.name)
                    for action in actions
                }
            )
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=len(owners) - len(batch)
        )
        return batch

    @api.model
    def _send_overdue_digests(self, owners):
        """One rendering per language, one batch of mails."""
        template = self.env.ref("itsm_incident.mail_template_improvement_overdue")
        values = []
        for _lang, (lang_template, res_ids) in template._classify_per_lang(
            owners.ids
        ).items():
            subjects = lang_template._render_field("subject", res_ids)
            bodies = lang_template._render_field("body_html", res_ids)
            for res_id in res_ids:
                values.append(
                    {
                        "subject": subjects[res_id],
                        "body_html": bodies[res_id],
                        "recipient_ids": [(6, 0, owners.browse(res_id).partner_id.ids)],
                        "auto_delete": True,
                    }
                )
        # sudo: the reminders go to the actions' owners, chosen by the
        # actions, not by whoever runs the cron.
        self.env["mail.mail"].sudo().create(values)
