from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.itsm_incident.tools.cron import retry_on_conflict

MANAGER = "itsm_change.group_itsm_change_manager"
INTERVALS = [("days", "Days"), ("weeks", "Weeks"), ("months", "Months")]


class ItsmMaintenancePlan(models.Model):
    """A periodic maintenance plan of systems (CHG-11, S3 §2 系统维护流程:
    维护计划制定 → 维护通知 → 维护实施 → 维护记录 → 维护效果评估). Approved
    once by a change manager (not the one who wrote it), it generates its
    standard changes ahead of each occurrence, approved on the plan's
    authority: each change then gives the users its notice, records its
    implementation and closes with its effect evaluation."""

    _name = "itsm.maintenance.plan"
    _description = "ITSM Maintenance Plan"
    _inherit = ["mail.thread"]
    _order = "next_start, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        help="Requests the plan's changes.",
    )
    service_ids = fields.Many2many(
        "itsm.service", string="Services", required=True, check_company=True
    )
    description = fields.Html(
        string="Maintenance content", help="What is maintained (维护内容)."
    )
    implementation_plan = fields.Html()
    rollback_plan = fields.Html()
    implementer_ids = fields.Many2many(
        "res.users", string="Implementers", domain=[("share", "=", False)]
    )
    user_impacting = fields.Boolean(
        help="The maintenance interrupts the users' work: its changes keep the "
        "change window and the lead times."
    )
    interval_number = fields.Integer(string="Every", default=1, required=True)
    interval_type = fields.Selection(INTERVALS, default="months", required=True)
    next_start = fields.Datetime(
        string="Next maintenance", required=True, tracking=True
    )
    duration_hours = fields.Float(string="Duration (hours)", default=2.0)
    lead_days = fields.Integer(
        string="Prepared days ahead",
        default=7,
        help="The change of an occurrence is made this many days before it "
        "(in time for the lead times and the notice to the users).",
    )
    next_generation = fields.Datetime(
        compute="_compute_next_generation", store=True, index=True
    )
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    change_ids = fields.One2many("itsm.change", "maintenance_plan_id", readonly=True)
    change_count = fields.Integer(compute="_compute_change_count")

    _sql_constraints = [
        ("interval_positive", "CHECK(interval_number > 0)", "Repeat every 1 or more."),
        ("duration_positive", "CHECK(duration_hours > 0)", "A maintenance lasts."),
        ("lead_positive", "CHECK(lead_days >= 0)", "Days ahead cannot be negative."),
    ]

    @api.depends("next_start", "lead_days")
    def _compute_next_generation(self):
        for plan in self:
            plan.next_generation = plan.next_start and (
                plan.next_start - relativedelta(days=plan.lead_days)
            )

    def _compute_change_count(self):
        counts = dict(
            self.env["itsm.change"]._read_group(
                [("maintenance_plan_id", "in", self.ids)],
                ["maintenance_plan_id"],
                ["__count"],
            )
        )
        for plan in self:
            plan.change_count = counts.get(plan, 0)

    def write(self, vals):
        content = set(vals) - {"active", "next_start", "message_main_attachment_id"}
        if (
            content
            and not self.env.su
            and self.filtered(lambda plan: plan.state == "approved")
        ):
            raise UserError(
                self.env._(
                    "An approved maintenance plan changes only after going back "
                    "to draft (it is approved again)."
                )
            )
        return super().write(vals)

    def action_approve(self):
        """A change manager approves the plan, not the one who wrote it: its
        changes are approved on this authority (standard changes)."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only a change manager approves a maintenance plan.")
            )
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._("%s is already approved.", plan.display_name)
                )
            if self.env.user in (plan.user_id | plan.create_uid):
                raise UserError(
                    self.env._(
                        "%s: someone other than its author approves it (four eyes).",
                        plan.display_name,
                    )
                )
        # sudo: the approval's stamps, after the checks above.
        self.sudo().write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "approved_date": fields.Datetime.now(),
            }
        )
        return True

    def action_draft(self):
        if not self.env.user.has_group(MANAGER) and self.filtered(
            lambda plan: plan.user_id != self.env.user
        ):
            raise AccessError(
                self.env._("Only its responsible or a change manager reworks a plan.")
            )
        # sudo: back to draft, checked above.
        self.sudo().write({"state": "draft", "approved_by_id": False})
        return True

    def action_view_changes(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Changes of %s", self.display_name),
            "res_model": "itsm.change",
            "view_mode": "list,form,calendar",
            "domain": [("maintenance_plan_id", "=", self.id)],
        }

    # ------------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------------

    def _step(self):
        self.ensure_one()
        return relativedelta(**{self.interval_type: self.interval_number})

    @api.model
    @retry_on_conflict
    def _cron_generate_changes(self, batch_size=200):
        """The standard changes of the occurrences due for preparation, plan
        by plan (set-wise search on the stored, indexed preparation date);
        occurrences already past are skipped, not generated late."""
        now = fields.Datetime.now()
        plans = self.search(
            [("state", "=", "approved"), ("next_generation", "<=", now)],
            limit=batch_size,
        )
        for plan in plans:
            # The first occurrence not yet past, counted in memory: a plan
            # long overdue is written once, not once per skipped interval.
            step, start = plan._step(), plan.next_start
            while start < now:
                start += step
            if start != plan.next_start:
                plan.next_start = start
            if plan.next_generation <= now:
                plan._itsm_generate_change()
                plan.next_start = start + step
        remaining = self.search_count(
            [("state", "=", "approved"), ("next_generation", "<=", now)]
        )
        if remaining:
            self.env.ref("itsm_change.ir_cron_itsm_maintenance_changes")._trigger()
        return len(plans)

    def _itsm_generate_change(self):
        """The standard change of the next occurrence, approved on the
        plan's authority; one the schedule refuses (a freeze, the window)
        is not made, and the plan's chatter says why."""
        self.ensure_one()
        start = self.next_start
        values = {
            "name": f"{self.name} ({fields.Date.to_string(start)})",
            "change_type": "standard",
            "risk": "low",
            "company_id": self.company_id.id,
            "maintenance_plan_id": self.id,
            "service_ids": [(6, 0, self.service_ids.ids)],
            "user_impacting": self.user_impacting,
            "description": self.description,
            "implementation_plan": self.implementation_plan,
            "rollback_plan": self.rollback_plan,
            "implementer_ids": [(6, 0, self.implementer_ids.ids)],
            "planned_start": start,
            "planned_end": start + relativedelta(hours=self.duration_hours),
        }
        try:
            with self.env.cr.savepoint():
                # sudo: the plan's responsible requests it; the plan's
                # approval is the change's.
                change = (
                    self.env["itsm.change"]
                    .with_user(self.user_id)
                    .sudo()
                    .with_company(self.company_id)
                    .create(values)
                )
                change._itsm_check_schedule(lead_times=True)
                change._itsm_step_write(
                    {
                        "state": "approved",
                        "submitted_date": fields.Datetime.now(),
                        "approved_by_id": self.approved_by_id.id,
                        "approved_date": fields.Datetime.now(),
                    }
                )
                # Announced to the users as any approved change (CHG-7).
                change._itsm_deadline_start(kinds=["change_notice"])
        except UserError as error:
            self.message_post(
                body=self.env._(
                    "The maintenance of %(date)s was not prepared: %(reason)s",
                    date=start,
                    reason=error.args[0],
                ),
                subtype_xmlid="mail.mt_note",
            )
            return self.env["itsm.change"]
        change.message_post(
            body=self.env._(
                "Prepared from the maintenance plan %(plan)s, approved by %(by)s.",
                plan=self.display_name,
                by=self.approved_by_id.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return change
