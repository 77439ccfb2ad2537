from datetime import date, datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import STEP

PLAN_STATES = [
    ("draft", "Draft"),
    ("confirming", "Confirming"),
    ("agreed", "Agreed"),
    ("superseded", "Superseded"),
]
OPEN_STATES = ("draft", "confirming")
MANAGER = "itsm_change.group_itsm_change_manager"
# Written by the plan's buttons only (``_itsm_step_write``).
PLAN_WORKFLOW_FIELDS = frozenset(
    {"state", "revision", "previous_id", "agreed_date", "company_id"}
)


def month_start(day):
    """The first day of ``day``'s month."""
    return date(day.year, day.month, 1)


def month_bounds(first_day, tz):
    """The month starting on ``first_day`` as naive UTC datetimes [start,
    end), its days read in the time zone ``tz``."""
    start = tz.localize(datetime.combine(first_day, time.min))
    end = tz.localize(datetime.combine(first_day + relativedelta(months=1), time.min))
    return (
        start.astimezone(pytz.utc).replace(tzinfo=None),
        end.astimezone(pytz.utc).replace(tzinfo=None),
    )


class ItsmChangePlan(models.Model):
    """The monthly change plan (CHG-2, S4 系统变更管理流程 1)–2)): the changes
    of a month, agreed by IT and the business departments. The change
    manager drafts it (the changes planned in the month are proposed) and
    sends it for confirmation; each business department's head confirms it
    on base_tier_validation, one review per department; once all have, it is
    agreed. An urgent and important need outside the plan is filed as a
    requirement request (需求申请) and leads to a plan adjustment: a new
    revision of the plan, confirmed again, which supersedes the former one
    when agreed. The revisions of a month stay as its history."""

    _name = "itsm.change.plan"
    _description = "ITSM Monthly Change Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "tier.validation"]
    _order = "date_start desc, revision desc"
    _check_company_auto = True
    _rec_names_search = ["month"]
    # The departments' heads discuss a plan they may only read.
    _mail_post_access = "read"

    # tier.validation: the departments' confirmations take the plan from
    # "confirming" to "agreed"; back to draft drops them.
    _state_from = ["confirming"]
    _state_to = ["agreed"]
    _cancel_state = "draft"
    _tier_validation_manual_config = True

    date_start = fields.Date(
        string="Month",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: month_start(fields.Date.context_today(self)),
        help="Any day of the month planned; the plan starts on its first day.",
    )
    month = fields.Char(
        string="Period", compute="_compute_month", store=True, index=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    revision = fields.Integer(default=1, readonly=True, copy=False)
    previous_id = fields.Many2one(
        "itsm.change.plan",
        string="Adjusts",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="The revision this plan adjustment (计划调整) replaces once agreed.",
    )
    revision_ids = fields.Many2many(
        "itsm.change.plan",
        compute="_compute_revision_ids",
        string="Revisions",
        help="Every revision of the month's plan, the superseded ones as its history.",
    )
    state = fields.Selection(
        PLAN_STATES,
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Planner",
        default=lambda self: self.env.user,
        tracking=True,
        domain=lambda self: [("groups_id", "in", self.env.ref(MANAGER).id)],
    )
    change_ids = fields.Many2many(
        "itsm.change",
        "itsm_change_plan_change_rel",
        "plan_id",
        "change_id",
        string="Changes",
        check_company=True,
        help="The changes scheduled in the month.",
    )
    change_count = fields.Integer(compute="_compute_change_count")
    added_change_ids = fields.Many2many(
        "itsm.change",
        compute="_compute_added_change_ids",
        string="Added by the adjustment",
    )
    department_ids = fields.Many2many(
        "hr.department",
        "itsm_change_plan_department_rel",
        "plan_id",
        "department_id",
        string="Confirming departments",
        check_company=True,
        help="The business departments whose heads confirm the plan.",
    )
    requirement_id = fields.Many2one(
        "helpdesk.ticket",
        string="Requirement request",
        check_company=True,
        index="btree_not_null",
        tracking=True,
        domain=[("request_kind", "=", "requirement")],
        help="The requirement request (需求申请) of the urgent and important "
        "need that asks for this plan adjustment.",
    )
    urgent_change_id = fields.Many2one(
        "itsm.change",
        string="Urgent change",
        check_company=True,
        tracking=True,
        help="The urgent change this adjustment brings into the plan.",
    )
    adjustment_reason = fields.Text(
        help="Why the plan is adjusted, as agreed with the business departments."
    )
    note = fields.Html(string="Notes", help="What IT and the departments agreed.")
    agreed_date = fields.Datetime(string="Agreed on", readonly=True, copy=False)

    _sql_constraints = [
        (
            "revision_unique",
            "unique(company_id, date_start, revision)",
            "A company has one change plan a month; adjust it for a new revision.",
        ),
    ]

    def init(self):
        # One open revision (draft or being confirmed) and one agreed
        # revision a month and company, below the buttons' checks.
        for name, states in (
            ("itsm_change_plan_open_unique", OPEN_STATES),
            ("itsm_change_plan_agreed_unique", ("agreed",)),
        ):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s "
                    "(company_id, date_start) WHERE state IN %s",
                    SQL.identifier(name),
                    SQL.identifier(self._table),
                    states,
                )
            )

    @api.depends("date_start")
    def _compute_month(self):
        for plan in self:
            plan.month = plan.date_start and plan.date_start.strftime("%Y-%m")

    @api.depends("month", "revision")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = self.env._(
                "Change plan %(month)s (rev. %(revision)s)",
                month=plan.month or "",
                revision=plan.revision,
            )

    @api.depends("date_start", "company_id")
    def _compute_revision_ids(self):
        keys = {(plan.company_id.id, plan.date_start) for plan in self}
        revisions = self.search(
            [
                ("company_id", "in", list({key[0] for key in keys})),
                ("date_start", "in", list({key[1] for key in keys})),
            ]
        ).grouped(lambda plan: (plan.company_id.id, plan.date_start))
        for plan in self:
            plan.revision_ids = revisions.get(
                (plan.company_id.id, plan.date_start), self.browse()
            )

    @api.depends("change_ids")
    def _compute_change_count(self):
        for plan in self:
            plan.change_count = len(plan.change_ids)

    @api.depends("change_ids", "previous_id.change_ids")
    def _compute_added_change_ids(self):
        for plan in self:
            plan.added_change_ids = (
                plan.change_ids - plan.previous_id.change_ids
                if plan.previous_id
                else self.env["itsm.change"]
            )

    # ------------------------------------------------------------------
    # Create, write
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (PLAN_WORKFLOW_FIELDS - {"company_id"}) & set(vals) and (
                self.env.context.get("itsm_change_step") is not STEP
            ):
                raise UserError(
                    self.env._(
                        "A new change plan starts as a draft of revision 1; "
                        "adjust an agreed plan for a new revision."
                    )
                )
            if vals.get("date_start"):
                vals["date_start"] = month_start(
                    fields.Date.to_date(vals["date_start"])
                )
        self._itsm_check_one_a_month(
            [
                (
                    self.env["res.company"].browse(
                        vals.get("company_id") or self.env.company.id
                    ),
                    vals.get("date_start") or self._fields["date_start"].default(self),
                    vals.get("revision", 1),
                    self.browse(),
                )
                for vals in vals_list
            ]
        )
        plans = super().create(vals_list)
        # A new revision joins the history of its month.
        self.invalidate_model(["revision_ids"])
        return plans

    def write(self, vals):
        if self.env.context.get("itsm_change_step") is not STEP:
            if PLAN_WORKFLOW_FIELDS & set(vals):
                raise UserError(
                    self.env._(
                        "A change plan's state and revision change through its "
                        "buttons only."
                    )
                )
            content = set(vals) - self._itsm_free_fields()
            fixed = self.filtered(lambda plan: plan.state != "draft")
            if content and fixed:
                raise UserError(
                    self.env._(
                        "%s is no longer a draft: an agreed plan stays as it "
                        "was agreed; adjust it for a new revision (Adjust).",
                        ", ".join(fixed.mapped("display_name")),
                    )
                )
            if "date_start" in vals and self.filtered("previous_id"):
                raise UserError(
                    self.env._("A plan adjustment keeps the month of the plan.")
                )
        if vals.get("date_start"):
            vals["date_start"] = month_start(fields.Date.to_date(vals["date_start"]))
        if vals.get("date_start") or vals.get("company_id"):
            self._itsm_check_one_a_month(
                [
                    (
                        self.env["res.company"].browse(vals["company_id"])
                        if vals.get("company_id")
                        else plan.company_id,
                        vals.get("date_start") or plan.date_start,
                        plan.revision,
                        plan,
                    )
                    for plan in self
                ]
            )
        return super().write(vals)

    @api.model
    def _itsm_free_fields(self):
        """Fields written whatever the state: discussion and the tier
        validation's own."""
        return {
            "message_follower_ids",
            "message_ids",
            "activity_ids",
            "message_main_attachment_id",
            "review_ids",
        }

    def _itsm_check_one_a_month(self, keys):
        """One plan a month and company (``keys``: (company, first day of
        the month, revision, the plan itself or nothing) of the plans
        about to be written): a clear error before the unique
        constraint's."""
        # sudo: a company has one plan a month, whoever can see it.
        existing = self.sudo().search(
            [
                ("company_id", "in", list({key[0].id for key in keys})),
                ("date_start", "in", list({key[1] for key in keys})),
            ]
        )
        for company, first_day, revision, plan in keys:
            others = (
                existing.filtered(
                    lambda other, company=company, first_day=first_day: (
                        other.company_id == company and other.date_start == first_day
                    )
                )
                - plan
            )
            same = others.filtered(lambda other, r=revision: other.revision == r)
            if same:
                raise UserError(
                    self.env._(
                        "%(company)s already has a change plan for %(month)s "
                        "(%(plan)s): adjust it instead of making another.",
                        company=company.name,
                        month=first_day.strftime("%Y-%m"),
                        plan=same[0].display_name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if self.filtered(lambda plan: plan.state != "draft"):
            raise UserError(
                self.env._(
                    "Only draft change plans are deleted: agreed and superseded "
                    "ones are the history of the month."
                )
            )

    # ------------------------------------------------------------------
    # tier.validation hooks
    # ------------------------------------------------------------------

    def _get_to_validate_message_name(self):
        return self.env._("Monthly Change Plan")

    def _itsm_review_departments(self):
        """The departments that confirm the plan, one review each."""
        self.ensure_one()
        return self.department_ids

    def request_validation(self):
        """The tiers of the plan, a tier marked "one review per department"
        made into one review per confirming department (reviewed by its
        head), each with a sequence of its own so that a head approves only
        their department's review."""
        reviews = super().request_validation()
        split = reviews.filtered("definition_id.itsm_per_department")
        if not split:
            return reviews
        extra_vals = []
        for plan in self:
            sequence = 0
            for review in reviews.filtered(
                lambda r, plan=plan: r.res_id == plan.id
            ).sorted("sequence"):
                if not review.definition_id.itsm_per_department:
                    sequence += 1
                    review.sequence = sequence
                    continue
                departments = plan._itsm_review_departments()
                sequence += 1
                review.write(
                    {"sequence": sequence, "itsm_department_id": departments[:1].id}
                )
                for department in departments[1:]:
                    sequence += 1
                    vals = plan._prepare_tier_review_vals(
                        review.definition_id, sequence
                    )
                    vals["itsm_department_id"] = department.id
                    extra_vals.append(vals)
        extra = self.env["tier.review"].create(extra_vals)
        self._notify_review_requested(extra)
        return reviews | extra

    def _validate_tier(self, tiers=False):
        """Once every review is approved, the plan is agreed (whichever way
        the last approval came: button or comment wizard)."""
        result = super()._validate_tier(tiers)
        self.filtered(
            lambda plan: plan.state == "confirming"
            and plan.validation_status == "validated"
        )._itsm_agree()
        return result

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    def _itsm_step_write(self, vals):
        # sudo: every button checks the step and the user's role first; a
        # department head's confirmation agrees a plan they may only read.
        return self.sudo().with_context(itsm_change_step=STEP).write(vals)

    def _itsm_check_planner(self, step):
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("%s: only a change manager may do it.", step))

    def _itsm_check_state(self, states, step):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for plan in self:
            if plan.state not in states:
                raise UserError(
                    self.env._(
                        "%(step)s is not possible on %(plan)s: it is %(state)s.",
                        step=step,
                        plan=plan.display_name,
                        state=labels[plan.state],
                    )
                )

    def _itsm_month_bounds(self):
        """The plan's month as naive UTC datetimes, in the company's time
        zone (that of its working calendar)."""
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id or self.env.ref(
            "itsm_incident.calendar_24x7"
        )
        return month_bounds(self.date_start, pytz.timezone(calendar.tz or "UTC"))

    def action_propose_changes(self):
        """Add the changes planned to start in the month (cancelled ones
        left out) and their involved departments; the planner then removes
        or adds what the discussion decides."""
        step = self.env._("Proposing the changes")
        self._itsm_check_planner(step)
        self._itsm_check_state(("draft",), step)
        bounds = {plan.id: plan._itsm_month_bounds() for plan in self}
        domain = [
            ("state", "!=", "cancelled"),
            ("company_id", "in", self.company_id.ids),
        ]
        domain += ["|"] * (len(self) - 1)
        for start, end in bounds.values():
            domain += ["&", ("planned_start", ">=", start), ("planned_start", "<", end)]
        changes = self.env["itsm.change"].search(domain)
        for plan in self:
            start, end = bounds[plan.id]
            found = changes.filtered(
                lambda c, plan=plan, start=start, end=end: c.company_id
                == plan.company_id
                and start <= c.planned_start < end
            )
            plan.write(
                {
                    "change_ids": [Command.link(c.id) for c in found],
                    "department_ids": [
                        Command.link(d.id) for d in found.department_ids
                    ],
                }
            )
        return True

    def action_send(self):
        """Send the plan to the departments' heads for confirmation."""
        step = self.env._("Sending the plan for confirmation")
        self._itsm_check_planner(step)
        self._itsm_check_state(("draft",), step)
        for plan in self:
            plan._itsm_check_sendable()
        self._itsm_step_write({"state": "confirming"})
        reviews = self.request_validation()
        reviews._compute_can_review()
        # need_validation has no dependencies: computed before the reviews
        # existed, it would request them again on the way to "agreed".
        self.invalidate_recordset(["need_validation", "validation_status"])
        # Without any tier (an administrator removed them), the planner's
        # sending is the agreement.
        self.filtered(lambda plan: not plan.review_ids)._itsm_agree()
        return True

    def _itsm_check_sendable(self):
        """The sentences that keep the plan from being sent, as one error."""
        self.ensure_one()
        problems = []
        if not self.department_ids:
            problems.append(
                self.env._("name the business departments that confirm it.")
            )
        # sudo: who heads a department decides who confirms; only the link
        # is read.
        headless = self.department_ids.sudo().filtered(
            lambda department: not department.manager_id.user_id
        )
        if headless:
            problems.append(
                self.env._(
                    "give %s a manager with a user (Employees): nobody would "
                    "confirm for it.",
                    ", ".join(headless.mapped("name")),
                )
            )
        start, end = self._itsm_month_bounds()
        outside = self.change_ids.filtered(
            lambda c: not c.planned_start or not start <= c.planned_start < end
        )
        if outside:
            problems.append(
                self.env._(
                    "%(changes)s are not planned to start in %(month)s: "
                    "reschedule them or remove them from the plan.",
                    changes=", ".join(outside.mapped("display_name")),
                    month=self.month,
                )
            )
        if self.previous_id:
            if not self.requirement_id:
                problems.append(
                    self.env._(
                        "link the requirement request (需求申请) that asks for "
                        "the adjustment."
                    )
                )
            unjustified = self.added_change_ids.filtered(
                lambda c: not c._itsm_is_urgent() or not c.requirement_id
            )
            if unjustified:
                problems.append(
                    self.env._(
                        "an adjustment brings in urgent and important changes "
                        "linked to their requirement request only; not %s.",
                        ", ".join(unjustified.mapped("display_name")),
                    )
                )
        if problems:
            raise UserError(
                "\n".join(
                    [
                        self.env._(
                            "%s cannot be sent for confirmation yet:",
                            self.display_name,
                        ),
                        *problems,
                    ]
                )
            )

    def action_confirm(self):
        """The head of a department confirms the plan for it."""
        step = self.env._("Confirming the plan")
        self._itsm_check_state(("confirming",), step)
        for plan in self:
            if not plan.can_review:
                waiting = plan.review_ids.filtered(
                    lambda r: r.status in ("waiting", "pending")
                )
                raise AccessError(
                    self.env._(
                        "%(plan)s is confirmed by %(who)s, not by you.",
                        plan=plan.display_name,
                        who=", ".join(waiting.mapped("todo_by")) or "-",
                    )
                )
            plan.validate_tier()
        return True

    def action_reject(self):
        """The head of a department does not agree: the planner reworks
        the plan (back to draft) and sends it again."""
        step = self.env._("Rejecting the plan")
        self._itsm_check_state(("confirming",), step)
        for plan in self:
            if not plan.can_review:
                raise AccessError(
                    self.env._(
                        "Only the heads of its departments reject %s.",
                        plan.display_name,
                    )
                )
            plan.reject_tier()
        return True

    def action_draft(self):
        """Back to draft for rework: the confirmations given are dropped."""
        step = self.env._("Back to draft")
        self._itsm_check_planner(step)
        self._itsm_check_state(("confirming",), step)
        self._itsm_step_write({"state": "draft"})
        return True

    def _itsm_agree(self):
        """The plan is agreed: the former agreed revision of its month is
        superseded."""
        if not self:
            return
        # sudo: the month's former agreed revision is superseded whoever
        # confirmed last (a department head who may not read every plan).
        former = (
            self.sudo()
            .search(
                [
                    ("state", "=", "agreed"),
                    ("company_id", "in", self.company_id.ids),
                    ("date_start", "in", list(set(self.mapped("date_start")))),
                ]
            )
            .filtered(
                lambda old: any(
                    old.company_id == plan.company_id
                    and old.date_start == plan.date_start
                    for plan in self
                )
            )
        )
        former._itsm_step_write({"state": "superseded"})
        # Written now: one agreed revision a month (the unique index) at
        # every moment, whatever order the flush would take.
        former.flush_recordset(["state"])
        self._itsm_step_write({"state": "agreed", "agreed_date": fields.Datetime.now()})
        for old in former:
            old.message_post(
                body=self.env._(
                    "Superseded by %s.",
                    self.filtered(lambda p, old=old: p.date_start == old.date_start)[
                        :1
                    ].display_name,
                )
            )
        for plan in self:
            plan.message_post(body=self.env._("Agreed by the business departments."))

    def action_adjust(self):
        """A plan adjustment (计划调整): a new revision of the agreed plan, in
        draft, with the same changes and departments, to be confirmed again."""
        self.ensure_one()
        adjustment = self._itsm_adjust()
        return adjustment._itsm_form()

    def _itsm_adjust(self, requirement=None, change=None):
        """The open adjustment of this agreed plan, made when there is none
        (a draft one takes ``change`` too): ``requirement`` and ``change``
        are the requirement request and the urgent change that ask for
        it."""
        self.ensure_one()
        step = self.env._("Adjusting the plan")
        self._itsm_check_planner(step)
        self._itsm_check_state(("agreed",), step)
        open_revision = self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("date_start", "=", self.date_start),
                ("state", "in", OPEN_STATES),
            ],
            limit=1,
        )
        if open_revision.state == "confirming":
            raise UserError(
                self.env._(
                    "%s is being confirmed: wait for it, or take it back to "
                    "draft, before adjusting the plan again.",
                    open_revision.display_name,
                )
            )
        if open_revision:
            vals = {}
            if change:
                vals["change_ids"] = [Command.link(change.id)]
                vals["department_ids"] = [
                    Command.link(d.id) for d in change.department_ids
                ]
                if not open_revision.urgent_change_id:
                    vals["urgent_change_id"] = change.id
            if requirement and not open_revision.requirement_id:
                vals["requirement_id"] = requirement.id
            if vals:
                open_revision.write(vals)
            return open_revision
        last = max(self.revision_ids.mapped("revision"))
        return (
            self.with_context(itsm_change_step=STEP)
            .create(
                {
                    "date_start": self.date_start,
                    "company_id": self.company_id.id,
                    "revision": last + 1,
                    "previous_id": self.id,
                    "user_id": self.env.uid,
                    "note": self.note,
                    "change_ids": [Command.set((self.change_ids | change).ids)]
                    if change
                    else [Command.set(self.change_ids.ids)],
                    "department_ids": [
                        Command.set(
                            (
                                self.department_ids
                                | (
                                    change.department_ids
                                    if change
                                    else self.env["hr.department"]
                                )
                            ).ids
                        )
                    ],
                    "requirement_id": requirement.id if requirement else False,
                    "urgent_change_id": change.id if change else False,
                }
            )
            .with_context(itsm_change_step=None)
        )

    def _itsm_form(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
        }

    def action_view_changes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "itsm_change.itsm_change_action"
        )
        action.update(
            domain=[("id", "in", self.change_ids.ids)],
            context={"create": False},
            name=self.display_name,
        )
        return action

    @api.model
    def _itsm_agreed_plans(self, keys):
        """{(company id, first day of the month): its agreed plan} for these
        keys, in one search.

        sudo: the agreed plan decides whether a change may be submitted,
        whoever submits it; only the plan's changes are read."""
        if not keys:
            return {}
        plans = (
            self.sudo()
            .search(
                [
                    ("state", "=", "agreed"),
                    ("company_id", "in", list({key[0] for key in keys})),
                    ("date_start", "in", list({key[1] for key in keys})),
                ]
            )
            .grouped(lambda plan: (plan.company_id.id, plan.date_start))
        )
        return {key: plan[:1] for key, plan in plans.items() if key in keys}

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------

    @api.model
    def _itsm_demo_month_plan(self, department_ids, requirement_id):
        """Demo (fresh install only): this month's plan with its changes,
        agreed by the heads of ``department_ids``; then the draft change
        raised by the requirement request ``requirement_id``, made urgent
        and brought in by a plan adjustment waiting for confirmation."""
        planner = self.with_user(self.env.ref("base.user_admin"))
        first_day = month_start(fields.Date.context_today(planner))
        if planner.search_count(
            [("date_start", "=", first_day), ("company_id", "=", self.env.company.id)]
        ):
            return
        departments = self.env["hr.department"].browse(department_ids)
        plan = planner.create(
            {
                "date_start": first_day,
                "department_ids": [Command.set(departments.ids)],
                "note": self.env._(
                    "<p>Agreed in the monthly change meeting of IT and the "
                    "business departments.</p>"
                ),
            }
        )
        plan.action_propose_changes()
        plan.action_send()
        for head in departments.manager_id.user_id:
            plan.with_user(head).action_confirm()
        requirement = self.env["helpdesk.ticket"].browse(requirement_id)
        change = requirement.request_change_ids.filtered(lambda c: c.state == "draft")[
            :1
        ]
        if not change or plan.state != "agreed":
            return
        __, end = plan._itsm_month_bounds()
        change = change.with_user(planner.env.user)
        change.write(
            {
                "urgent": True,
                "requirement_id": requirement.id,
                "planned_start": end - relativedelta(hours=22),
                "planned_end": end - relativedelta(hours=20),
                "department_ids": [Command.set(departments.ids)],
                "implementation_plan": self.env._(
                    "<p>Deploy the report export, run it once by hand.</p>"
                ),
                "rollback_plan": self.env._("<p>Remove the export.</p>"),
            }
        )
        adjustment = planner.browse(change.action_request_plan_adjustment()["res_id"])
        adjustment.adjustment_reason = self.env._(
            "The sales team needs the Excel export before the month's closing."
        )
        adjustment.action_send()
