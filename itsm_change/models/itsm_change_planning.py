from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .itsm_change_plan import MANAGER, month_start

# The setting that makes an agreed plan a condition of every month's
# changes (off: months without a plan keep working as before).
REQUIRE_PLAN = "itsm_change.require_plan"


# One concern a file on purpose (itsm_incident/readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmChange(models.Model):
    """A change in the monthly change plan (CHG-2, S4 系统变更管理流程 1)–2)):
    the agreed plan of its month, and the rule at submission (and at each
    rescheduling of a submitted change): a normal or emergency change of a
    month whose plan is agreed is in that plan; an unplanned one comes in
    only as an urgent and important need, filed as a requirement request
    (需求申请), through a plan adjustment (计划调整) agreed by the
    departments. Standard changes (pre-approved routine work, maintenance
    plans) are outside the plan's rule."""

    _inherit = "itsm.change"

    plan_ids = fields.Many2many(
        "itsm.change.plan",
        "itsm_change_plan_change_rel",
        "change_id",
        "plan_id",
        string="Plan revisions",
        readonly=True,
        copy=False,
    )
    plan_id = fields.Many2one(
        "itsm.change.plan",
        string="Monthly plan",
        compute="_compute_plan_id",
        store=True,
        index="btree_not_null",
        help="The agreed change plan of the change's month that schedules it.",
    )
    is_planned = fields.Boolean(
        string="Planned",
        compute="_compute_plan_id",
        store=True,
        help="In the agreed change plan of its month.",
    )
    urgent = fields.Boolean(
        string="Urgent and important",
        tracking=True,
        copy=False,
        help="An urgent and important need outside the monthly plan (计划外紧急"
        "且重要的需求): with its requirement request, it comes into the plan "
        "through a plan adjustment. Emergency changes are urgent.",
    )
    requirement_id = fields.Many2one(
        "helpdesk.ticket",
        string="Requirement request",
        check_company=True,
        index="btree_not_null",
        tracking=True,
        copy=False,
        domain=[("request_kind", "=", "requirement")],
        help="The requirement request (需求申请) that asks for this change.",
    )
    plan_note = fields.Char(
        compute="_compute_plan_note",
        string="Plan",
        help="Whether the change is in its month's agreed plan.",
    )

    @api.depends("planned_start", "company_id", "plan_ids.state", "plan_ids.date_start")
    def _compute_plan_id(self):
        for change in self:
            month = change._itsm_plan_month()
            plan = change.plan_ids.filtered(
                lambda p, month=month, change=change: p.state == "agreed"
                and p.date_start == month
                and p.company_id == change.company_id
            )[:1]
            change.plan_id = plan
            change.is_planned = bool(plan)

    @api.depends("planned_start", "company_id", "plan_id", "change_type")
    def _compute_plan_note(self):
        keys = {
            (change.company_id.id, change._itsm_plan_month())
            for change in self
            if change.planned_start and change.change_type != "standard"
        }
        agreed = self.env["itsm.change.plan"]._itsm_agreed_plans(keys)
        for change in self:
            month = change._itsm_plan_month()
            plan = agreed.get((change.company_id.id, month))
            if change.plan_id or not plan or change.change_type == "standard":
                change.plan_note = False
            else:
                change.plan_note = self.env._(
                    "Not in the agreed change plan of %s.", plan.month
                )

    def _itsm_plan_month(self):
        """The first day of the month of the planned start, in the company's
        time zone (False without a planned start)."""
        self.ensure_one()
        if not self.planned_start:
            return False
        tz = self._itsm_tz()
        local = fields.Datetime.context_timestamp(
            self.with_context(tz=tz.zone), self.planned_start
        )
        return month_start(local.date())

    def _itsm_is_urgent(self):
        self.ensure_one()
        return self.urgent or self.change_type == "emergency"

    @api.model
    def _itsm_raise_for(self, source, values):
        """A change raised from a requirement request links it as its
        requirement."""
        if source._name == "helpdesk.ticket" and source.request_kind == "requirement":
            values = dict(values, requirement_id=source.id)
        return super()._itsm_raise_for(source, values)

    # ------------------------------------------------------------------
    # The rule
    # ------------------------------------------------------------------

    def _itsm_check_schedule(self, lead_times):
        result = super()._itsm_check_schedule(lead_times)
        if lead_times:
            # At submission and when a submitted change is rescheduled.
            self._itsm_check_plan()
        return result

    def _itsm_check_plan(self):
        """Refuse a normal or emergency change of a month whose agreed plan
        does not contain it (and, with the setting, of a month without an
        agreed plan): the error says what brings it in."""
        changes = self.filtered(
            lambda c: c.change_type != "standard" and c.planned_start
        )
        if not changes:
            return
        months = {change: change._itsm_plan_month() for change in changes}
        agreed = self.env["itsm.change.plan"]._itsm_agreed_plans(
            {(change.company_id.id, month) for change, month in months.items()}
        )
        # sudo: a setting every submission is checked against.
        required = (
            self.env["ir.config_parameter"].sudo().get_param(REQUIRE_PLAN, "False")
            == "True"
        )
        for change, month in months.items():
            plan = agreed.get((change.company_id.id, month))
            if not plan:
                if required:
                    raise UserError(
                        self.env._(
                            "%(change)s cannot be submitted: the change plan of "
                            "%(month)s is not agreed yet. The change manager "
                            "agrees the month's plan with the business "
                            "departments first (Changes › Monthly Plans).",
                            change=change.display_name,
                            month=month.strftime("%Y-%m"),
                        )
                    )
                continue
            if change._origin.id in plan.change_ids.ids:
                continue
            missing = []
            if not change._itsm_is_urgent():
                missing.append(self.env._("mark it urgent and important"))
            if not change.requirement_id:
                missing.append(
                    self.env._(
                        "link the requirement request (需求申请) that asks for it"
                    )
                )
            missing.append(
                self.env._(
                    "have a plan adjustment containing it agreed by the "
                    "departments (Request plan adjustment)"
                )
            )
            raise UserError(
                self.env._(
                    "%(change)s is not in the agreed change plan of %(month)s "
                    "(%(plan)s). Plan it in another month, or, for an urgent "
                    "and important need: %(missing)s.",
                    change=change.display_name,
                    month=plan.month,
                    plan=plan.display_name,
                    missing="; ".join(missing),
                )
            )

    # ------------------------------------------------------------------
    # Plan adjustment
    # ------------------------------------------------------------------

    def action_request_plan_adjustment(self):
        """Bring this urgent change into its month's agreed plan: the open
        adjustment of the plan, or a new one, with the change and its
        requirement request; the departments confirm it again."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only a change manager adjusts the monthly plan.")
            )
        if self.state not in ("draft", "submitted", "approved"):
            raise UserError(
                self.env._(
                    "%s is past its approval: it is no longer planned.",
                    self.display_name,
                )
            )
        problems = []
        if not self.planned_start:
            problems.append(self.env._("plan its start"))
        if not self._itsm_is_urgent():
            problems.append(self.env._("mark it urgent and important"))
        if not self.requirement_id:
            problems.append(
                self.env._("link the requirement request (需求申请) that asks for it")
            )
        if problems:
            raise UserError(
                self.env._(
                    "A plan adjustment is for urgent and important changes with "
                    "their requirement request; for %(change)s: %(problems)s.",
                    change=self.display_name,
                    problems="; ".join(problems),
                )
            )
        month = self._itsm_plan_month()
        plan = (
            self.env["itsm.change.plan"]
            ._itsm_agreed_plans({(self.company_id.id, month)})
            .get((self.company_id.id, month))
        )
        if not plan:
            raise UserError(
                self.env._(
                    "%(month)s has no agreed change plan to adjust: add %(change)s "
                    "to the month's plan before it is agreed.",
                    month=month.strftime("%Y-%m"),
                    change=self.display_name,
                )
            )
        if self in plan.change_ids:
            raise UserError(
                self.env._(
                    "%(change)s is already in %(plan)s.",
                    change=self.display_name,
                    plan=plan.display_name,
                )
            )
        adjustment = plan.with_env(self.env)._itsm_adjust(
            requirement=self.requirement_id, change=self
        )
        return adjustment._itsm_form()

    def action_open_plan(self):
        self.ensure_one()
        return self.plan_id._itsm_form()
