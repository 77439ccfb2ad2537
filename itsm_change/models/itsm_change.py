from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import is_html_empty

from ..tools import STEP

CHANGE_TYPES = [
    ("standard", "Standard"),
    ("normal", "Normal"),
    ("emergency", "Emergency"),
]
RISKS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("testing", "Testing"),
    ("implementing", "Implementing"),
    ("review", "Review"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
RESULTS = [("successful", "Successful"), ("failed", "Failed")]
# Fields only the change's buttons write (through ``_itsm_step_write``).
WORKFLOW_FIELDS = {
    "state",
    "number",
    "submitted_date",
    "approved_by_id",
    "approved_date",
    "actual_start",
    "actual_end",
    "test_verified_by_id",
    "test_verified_date",
    "result",
    "override_state",
    "override_requested_by_id",
    "override_decided_by_id",
    "override_decided_date",
    "change_notice_date",
    "change_notice_by_id",
    "result_notice_date",
    "result_notice_by_id",
    "summary_report_date",
    "summary_report_by_id",
}
# What the schedule of a change is made of: fixed once it is implemented.
SCHEDULE_FIELDS = {
    "planned_start",
    "planned_end",
    "service_ids",
    "user_impacting",
    "cross_department",
    "change_type",
    "company_id",
}

REQUESTER = "itsm_incident.group_itsm_reporter"
CAB = "itsm_change.group_itsm_change_cab"
MANAGER = "itsm_change.group_itsm_change_manager"


class ItsmChange(models.Model):
    """A change request (CHG-1, S4 系统变更管理流程): what is changed, why,
    on which services, when, by whom, with its implementation, rollback and
    test plans, from the request to its review and closure.

    The state changes only through the ``action_*`` buttons, which check the
    order of the steps, the user's role and the rules of the schedule (the
    window, lead times, freezes and conflicts: ``itsm_change_schedule.py``;
    the test gate: the departments' confirmations); ``write`` refuses any
    other change of the workflow fields, and record rules keep each role to
    the changes and states it may edit."""

    _name = "itsm.change"
    _description = "ITSM Change"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "planned_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["number", "name"]
    # Everyone who reads a change may discuss it, whatever its state.
    _mail_post_access = "read"

    number = fields.Char(
        required=True, readonly=True, copy=False, default="/", index=True
    )
    name = fields.Char(string="Title", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        STATES,
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    change_type = fields.Selection(
        CHANGE_TYPES,
        string="Type",
        required=True,
        default="normal",
        tracking=True,
        help="Standard: a pre-approved, low-risk routine change. Normal: "
        "assessed and approved before it is scheduled. Emergency: must be "
        "done at once; an approved emergency override lifts the window, the "
        "lead times and the freezes.",
    )
    risk = fields.Selection(RISKS, required=True, default="medium", tracking=True)
    risk_reason = fields.Char(help="Why the risk is what it is.")
    description = fields.Html(help="What is changed (系统变更内容).")
    reason = fields.Html(help="Why the change is needed.")
    impact_scope = fields.Text(
        string="Impact scope", help="Who and what is affected (影响范围)."
    )
    impact_duration = fields.Float(
        string="Impact duration (hours)",
        help="How long users are affected (影响时长).",
    )
    service_ids = fields.Many2many(
        "itsm.service",
        "itsm_change_service_rel",
        "change_id",
        "service_id",
        string="Services",
        check_company=True,
        tracking=True,
        help="The services changed.",
    )
    affected_service_ids = fields.Many2many(
        "itsm.service",
        compute="_compute_affected_service_ids",
        string="Also affected",
        help="Services that depend on the changed ones, directly or not.",
    )
    department_ids = fields.Many2many(
        "hr.department",
        "itsm_change_department_rel",
        "change_id",
        "department_id",
        string="Involved departments",
        check_company=True,
        help="Business departments that use what is changed: each confirms "
        "the test before the implementation (CHG-3).",
    )
    collaborating_department_ids = fields.Many2many(
        "hr.department",
        "itsm_change_collaborating_department_rel",
        "change_id",
        "department_id",
        string="Collaborating departments",
        check_company=True,
        help="Departments that take part in the implementation.",
    )
    user_impacting = fields.Boolean(
        tracking=True,
        help="Users of the live systems are affected: the change runs in the "
        "change window after midnight and the maintenance departments are "
        "told some working days before (CHG-4, CHG-5).",
    )
    cross_department = fields.Boolean(
        tracking=True,
        help="Other departments take part: the request and the plan are "
        "submitted some working days before (CHG-5).",
    )
    implementation_plan = fields.Html()
    rollback_plan = fields.Html()
    test_plan = fields.Html()
    planned_start = fields.Datetime(tracking=True, index=True, copy=False)
    planned_end = fields.Datetime(tracking=True, index=True, copy=False)
    actual_start = fields.Datetime(readonly=True, copy=False)
    actual_end = fields.Datetime(readonly=True, copy=False)
    requester_id = fields.Many2one(
        "res.users",
        string="Requested by",
        required=True,
        default=lambda self: self.env.user,
        readonly=True,
        tracking=True,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Change manager",
        tracking=True,
        index=True,
        domain=lambda self: [("groups_id", "in", self.env.ref(MANAGER).id)],
    )
    implementer_ids = fields.Many2many(
        "res.users",
        "itsm_change_implementer_rel",
        "change_id",
        "user_id",
        string="Implementers",
        domain=[("share", "=", False)],
    )
    onsite_contact_id = fields.Many2one(
        "res.users",
        string="IT on-site contact",
        domain=[("share", "=", False)],
        help="The IT person users call during the change (IT管理部现场联系人员).",
    )
    ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        "itsm_change_ticket_rel",
        "change_id",
        "ticket_id",
        string="Related tickets",
        check_company=True,
    )
    problem_ids = fields.Many2many(
        "itsm.problem",
        "itsm_change_problem_rel",
        "change_id",
        "problem_id",
        string="Related problems",
        check_company=True,
    )
    submitted_date = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    # The test gate (CHG-3).
    test_result = fields.Html(
        string="Test verification",
        copy=False,
        help="The functional verification in the test environment.",
    )
    test_verified_by_id = fields.Many2one(
        "res.users", string="Test recorded by", readonly=True, copy=False
    )
    test_verified_date = fields.Datetime(
        string="Test recorded on", readonly=True, copy=False
    )
    confirmation_ids = fields.One2many(
        "itsm.change.confirmation",
        "change_id",
        string="Department confirmations",
        readonly=True,
        copy=False,
    )
    # Review and closure.
    result = fields.Selection(RESULTS, readonly=True, copy=False, tracking=True)
    review_note = fields.Html(
        string="Post-implementation check",
        copy=False,
        help="The check of the main business flows after the change.",
    )
    rollback_done = fields.Boolean(string="Rolled back", copy=False)
    rollback_date = fields.Datetime(string="Rolled back on", copy=False)
    rollback_result = fields.Text(copy=False)
    color = fields.Integer(compute="_compute_color")

    @api.depends("state", "change_type")
    def _compute_color(self):
        # Kanban and calendar colours: emergencies red, closed ones grey.
        for change in self:
            if change.state in ("closed", "cancelled"):
                change.color = 0
            elif change.change_type == "emergency":
                change.color = 1
            elif change.change_type == "standard":
                change.color = 10
            else:
                change.color = 4

    @api.depends("service_ids")
    def _compute_affected_service_ids(self):
        for change in self:
            services = change.service_ids._origin
            change.affected_service_ids = (
                self._itsm_closure(services, "dependant_ids") - services
            )

    @api.depends("number", "name")
    def _compute_display_name(self):
        for change in self:
            change.display_name = (
                f"[{change.number}] {change.name}"
                if change.number and change.number != "/"
                else change.name
            )

    @api.model
    def _itsm_closure(self, services, field):
        """``services`` and those reached from them through ``field``
        (``depends_on_ids`` or ``dependant_ids``), directly or not: one read
        per level.

        sudo: the catalogue's dependencies decide what a change affects,
        whoever looks; only the links are read."""
        result = frontier = services.sudo()
        while frontier:
            frontier = frontier[field] - result
            result |= frontier
        return result.with_env(self.env)

    # ------------------------------------------------------------------
    # Create, write
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            workflow = WORKFLOW_FIELDS & set(vals)
            if workflow - {"number"} or vals.get("number", "/") != "/":
                if self.env.context.get("itsm_change_step") is not STEP:
                    raise UserError(self.env._("A new change starts as a draft."))
            if not self.env.user.has_group(MANAGER):
                # Only a change manager requests a change on someone's behalf.
                vals["requester_id"] = self.env.user.id
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.company.id
            )
            if vals.get("number", "/") == "/":
                vals["number"] = self._itsm_sequence(company).next_by_id()
        return super().create(vals_list)

    @api.model
    def _itsm_sequence(self, company):
        """The company's CHG numbering, made when a company has none yet.

        sudo: numbering is the system's; users never read sequences."""
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search(
            [("code", "=", "itsm.change"), ("company_id", "=", company.id)], limit=1
        )
        if not sequence:
            sequence = Sequence.create(
                {
                    "name": f"ITSM Change ({company.name})",
                    "code": "itsm.change",
                    "prefix": "CHG",
                    "padding": 5,
                    "company_id": company.id,
                }
            )
        return sequence

    def write(self, vals):
        if WORKFLOW_FIELDS & set(vals) and (
            self.env.context.get("itsm_change_step") is not STEP
        ):
            raise UserError(
                self.env._(
                    "A change's state, number and the stamps of its steps change "
                    "through its buttons only."
                )
            )
        if SCHEDULE_FIELDS & set(vals):
            fixed = self.filtered(
                lambda c: c.state in ("implementing", "review", "closed", "cancelled")
            )
            if fixed:
                raise UserError(
                    self.env._(
                        "The schedule, services and type of %s are fixed once its "
                        "implementation has started.",
                        ", ".join(fixed.mapped("display_name")),
                    )
                )
            # The changes already submitted are checked again before anything
            # is written (a rescheduled change needs its lead time from now):
            # on each change as it would be.
            for change in self.filtered(
                lambda c: c.state in ("submitted", "approved", "testing")
            ):
                change.new(vals, origin=change)._itsm_check_schedule(lead_times=True)
        result = super().write(vals)
        if SCHEDULE_FIELDS & set(vals):
            self._itsm_schedule_changed(vals)
        return result

    def _itsm_schedule_changed(self, vals):
        """The schedule or scope changed: accepted conflicts no longer
        hold."""
        # sudo: the acceptances are the system's record of a decision on
        # the former schedule; the change's writer may drop them.
        self.env["itsm.change.conflict"].sudo().search(
            ["|", ("change_id", "in", self.ids), ("other_id", "in", self.ids)]
        ).unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if self.filtered(lambda c: c.state != "draft"):
            raise UserError(
                self.env._(
                    "Only draft changes are deleted; cancel a submitted change "
                    "instead, so its history stays."
                )
            )

    # ------------------------------------------------------------------
    # The steps
    # ------------------------------------------------------------------

    def _itsm_step_write(self, vals):
        # sudo: every button checks the step and the user's role first
        # (``_itsm_check_state``, ``_itsm_check_role``); a requester, say,
        # takes their submitted change back to draft, which their record
        # rule no longer lets them edit.
        return self.sudo().with_context(itsm_change_step=STEP).write(vals)

    def _itsm_check_state(self, states, step):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for change in self:
            if change.state not in states:
                raise UserError(
                    self.env._(
                        "%(step)s is not possible on %(change)s: it is %(state)s; "
                        "it must be %(allowed)s.",
                        step=step,
                        change=change.display_name,
                        state=labels[change.state],
                        allowed=self.env._(" or ").join(labels[s] for s in states),
                    )
                )

    def _itsm_check_role(self, step, requester=False, implementer=False, cab=False):
        """Refuse ``step`` unless the user is a change manager, or one of the
        roles named for every change: its requester, one of its
        implementers, a CAB member."""
        user = self.env.user
        if user.has_group(MANAGER) or (cab and user.has_group(CAB)):
            return
        for change in self:
            if requester and change.requester_id == user:
                continue
            if implementer and user in change.implementer_ids:
                continue
            who = [self.env._("a change manager")]
            if cab:
                who.append(self.env._("a CAB member"))
            if requester:
                who.append(self.env._("its requester"))
            if implementer:
                who.append(self.env._("one of its implementers"))
            raise AccessError(
                self.env._(
                    "%(step)s on %(change)s: only %(who)s may do it.",
                    step=step,
                    change=change.display_name,
                    who=self.env._(" or ").join(who),
                )
            )

    def action_submit(self):
        """Submit the request and its plan: the schedule must keep the
        window, the lead times and the freezes."""
        step = self.env._("Submitting")
        self._itsm_check_state(("draft",), step)
        self._itsm_check_role(step, requester=True)
        for change in self:
            missing = change._itsm_missing_for_submission()
            if missing:
                raise UserError(
                    self.env._(
                        "%(change)s cannot be submitted yet: fill in %(fields)s.",
                        change=change.display_name,
                        fields=", ".join(missing),
                    )
                )
        self._itsm_check_schedule(lead_times=True)
        self._itsm_step_write(
            {"state": "submitted", "submitted_date": fields.Datetime.now()}
        )
        return True

    def _itsm_missing_for_submission(self):
        self.ensure_one()
        required = ["planned_start", "planned_end", "service_ids"]
        if self.change_type != "standard":
            required += ["implementation_plan", "rollback_plan"]
        return [
            self._fields[name].get_description(self.env)["string"]
            for name in required
            if not self[name]
        ]

    def _itsm_check_approval(self, step):
        """Refuse the approval unless the changes are submitted and the
        user is a CAB member or change manager who did not request them
        (four eyes); extended by the tiers (itsm_change_approval.py)."""
        self._itsm_check_state(("submitted",), step)
        self._itsm_check_role(step, cab=True)
        for change in self:
            if change.requester_id == self.env.user:
                raise UserError(
                    self.env._(
                        "Approval of %s: you requested it; someone else must "
                        "approve it (four eyes).",
                        change.display_name,
                    )
                )

    def action_approve(self):
        """Approve the change (CAB or change manager; never its own
        requester): its schedule is checked again and every conflict must be
        accepted with a reason."""
        self._itsm_check_approval(self.env._("Approval"))
        self._itsm_check_schedule(lead_times=False)
        self._itsm_check_conflicts_accepted()
        self._itsm_step_write(
            {
                "state": "approved",
                "approved_by_id": self.env.user.id,
                "approved_date": fields.Datetime.now(),
            }
        )
        return True

    def action_draft(self):
        """Back to draft for rework (its requester or a change manager)."""
        step = self.env._("Back to draft")
        self._itsm_check_state(("submitted", "approved"), step)
        self._itsm_check_role(step, requester=True)
        self._itsm_step_write(
            {"state": "draft", "approved_by_id": False, "approved_date": False}
        )
        return True

    def action_start_testing(self):
        """The functional verification in the test environment begins: one
        confirmation line per involved department (CHG-3)."""
        step = self.env._("Testing")
        self._itsm_check_state(("approved",), step)
        self._itsm_check_role(step, implementer=True)
        self._itsm_step_write({"state": "testing"})
        self._itsm_sync_confirmations()
        return True

    def _itsm_sync_confirmations(self):
        """One confirmation line per involved department, made for those
        that have none (a department added later gets its line too).

        sudo: the lines are the system's; each department confirms its own
        through its button."""
        Confirmation = self.env["itsm.change.confirmation"].sudo()
        values = []
        for change in self:
            have = change.sudo().confirmation_ids.department_id
            values += [
                {"change_id": change.id, "department_id": department.id}
                for department in change.department_ids - have
            ]
        Confirmation.create(values)

    def action_record_test(self):
        """Record the functional verification in the test environment."""
        step = self.env._("Recording the test")
        self._itsm_check_state(("testing",), step)
        self._itsm_check_role(step, implementer=True)
        for change in self:
            if is_html_empty(change.test_result):
                raise UserError(
                    self.env._(
                        "Describe the verification of %s in the test environment "
                        "first (Test verification).",
                        change.display_name,
                    )
                )
        self._itsm_sync_confirmations()
        self._itsm_step_write(
            {
                "test_verified_by_id": self.env.user.id,
                "test_verified_date": fields.Datetime.now(),
            }
        )
        return True

    def action_implement(self):
        """Start the implementation in production: only after the test is
        recorded and every involved department confirmed it (CHG-3)."""
        step = self.env._("The implementation")
        self._itsm_check_state(("testing",), step)
        self._itsm_check_role(step, implementer=True)
        self._itsm_sync_confirmations()
        for change in self:
            blockers = change._itsm_test_gate_blockers()
            if blockers:
                raise UserError(
                    self.env._(
                        "%(change)s may not be implemented in production yet: "
                        "%(blockers)s",
                        change=change.display_name,
                        blockers=" ".join(blockers),
                    )
                )
        self._itsm_step_write(
            {"state": "implementing", "actual_start": fields.Datetime.now()}
        )
        return True

    def _itsm_test_gate_blockers(self):
        """The sentences that keep the change out of production (CHG-3)."""
        self.ensure_one()
        blockers = []
        if not self.test_verified_date:
            blockers.append(
                self.env._("the verification in the test environment is not recorded.")
            )
        # sudo: who confirmed is part of the gate, whoever starts it.
        pending = self.sudo().confirmation_ids.filtered(lambda c: not c.confirmed)
        if pending:
            blockers.append(
                self.env._(
                    "not yet confirmed by %s.",
                    ", ".join(pending.department_id.mapped("name")),
                )
            )
        return blockers

    def action_finish(self):
        """The implementation is over: the post-implementation check of the
        main business flows follows."""
        step = self.env._("Finishing")
        self._itsm_check_state(("implementing",), step)
        self._itsm_check_role(step, implementer=True)
        self._itsm_step_write({"state": "review", "actual_end": fields.Datetime.now()})
        return True

    def action_close(self):
        """Close the change as successful after its review (CHG-9)."""
        step = self.env._("Closing")
        self._itsm_check_state(("review",), step)
        self._itsm_check_role(step)
        self._itsm_step_write({"state": "closed", "result": "successful"})
        return True

    def action_close_failed(self):
        """Close the change as failed: its rollback is recorded first."""
        step = self.env._("Closing as failed")
        self._itsm_check_state(("review",), step)
        self._itsm_check_role(step)
        for change in self:
            if not change.rollback_result:
                raise UserError(
                    self.env._(
                        "%s failed: record its rollback first (whether it was "
                        "rolled back, when, and the result).",
                        change.display_name,
                    )
                )
        self._itsm_step_write({"state": "closed", "result": "failed"})
        return True

    def action_cancel(self):
        """Cancel the change: its requester before approval, a change
        manager until the implementation starts."""
        step = self.env._("Cancelling")
        self._itsm_check_state(("draft", "submitted", "approved", "testing"), step)
        if not self.env.user.has_group(MANAGER):
            self._itsm_check_state(("draft", "submitted"), step)
        self._itsm_check_role(step, requester=True)
        self._itsm_step_write({"state": "cancelled"})
        return True

    def action_open_confirmations(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Confirmations of %s", self.display_name),
            "res_model": "itsm.change.confirmation",
            "view_mode": "list,form",
            "domain": [("change_id", "=", self.id)],
            "context": {"create": False},
        }
