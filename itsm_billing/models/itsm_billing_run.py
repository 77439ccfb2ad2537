from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import STEP

RUN_TYPES = [("billing", "Billing"), ("settlement", "Settlement")]
STATES = [
    ("draft", "Draft"),
    ("data_checked", "Data checked"),
    ("running", "Running"),
    ("failed", "Failed"),
    ("computed", "Computed"),
    ("checked", "Checked"),
    ("reviewed", "Reviewed"),
    ("published", "Published"),
    ("rolled_back", "Rolled back"),
]
# The states the run's deadline and its ladder watch: the results are not
# yet checked.
OPEN_STATES = ("draft", "data_checked", "running", "failed", "computed")
# The states a supervisor may challenge (BIL-7): the run has results.
CHALLENGE_STATES = ("computed", "checked", "reviewed", "published")
# Fields only the run's buttons write (through ``_itsm_step_write``).
WORKFLOW_FIELDS = {
    "state",
    "operator_id",
    "checker_id",
    "checked_date",
    "reviewer_id",
    "reviewed_date",
    "published_date",
    "data_checked_date",
    "computed_date",
    "progress",
    "unit_total",
    "result_digest",
    "result_lines",
    "contract_snapshot",
    "challenged_by_id",
    "challenged_date",
    "challenge_reason",
    "failure_message",
}
# Fields that define what a run bills: fixed once it left the draft.
SCOPE_FIELDS = {"run_type", "period_start", "company_id"}
# Default days of the month (after the month billed) before which a run must
# be finished (S4 出账结算 时限: the 2nd and the 10th, at 00:00).
DUE_DAYS = {"billing": 2, "settlement": 10}

OPERATOR = "itsm_billing.group_itsm_billing_operator"
CHECKER = "itsm_billing.group_itsm_billing_checker"
SUPERVISOR = "itsm_billing.group_itsm_billing_supervisor"


class ItsmBillingRun(models.Model):
    """A monthly billing (出账) or settlement (结算) run of a company
    (BIL-2 … BIL-6, S4 出账结算管理流程): data check → run (rating,
    aggregation, draft invoices) → four-eyes check of the results (the
    checker is not the operator; the check report ticked item by item and
    signed) → supervisor review → publication (invoices posted).

    The state changes only through the ``action_*`` buttons, which check
    the order of the steps and the user's groups; ``write`` refuses any
    other change of the workflow fields, and record rules keep published
    runs as they are. The run's deadline (the 2nd, or the 10th, at 00:00)
    is a tracked deadline on the escalation ladder (BIL-5)."""

    _name = "itsm.billing.run"
    _description = "ITSM Billing Run"
    _inherit = ["mail.thread", "mail.activity.mixin", "itsm.escalation.mixin"]
    _order = "period_start desc, run_type, attempt desc, id desc"
    # Everyone who reads a run may discuss it, published or not.
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name", store=True)
    run_type = fields.Selection(
        RUN_TYPES,
        string="Kind",
        required=True,
        default="billing",
        tracking=True,
        index=True,
    )
    period_start = fields.Date(
        string="Month",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1)
        - relativedelta(months=1),
        help="The first day of the natural month billed.",
    )
    period_end = fields.Date(compute="_compute_period_end", store=True)
    attempt = fields.Integer(
        readonly=True,
        default=1,
        help="Runs of the same month and kind are numbered 1, 2…",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        STATES, required=True, default="draft", readonly=True, tracking=True, index=True
    )
    operator_id = fields.Many2one(
        "res.users",
        readonly=True,
        tracking=True,
        default=lambda self: self.env.user,
        help="Who runs it (数据管理岗位): cannot check it.",
    )
    checker_id = fields.Many2one(
        "res.users",
        readonly=True,
        tracking=True,
        help="Who checked the results and signed the check report.",
    )
    reviewer_id = fields.Many2one(
        "res.users", string="Reviewed by", readonly=True, tracking=True
    )
    data_checked_date = fields.Datetime(string="Data checked on", readonly=True)
    computed_date = fields.Datetime(string="Computed on", readonly=True)
    checked_date = fields.Datetime(string="Signed on", readonly=True)
    reviewed_date = fields.Datetime(string="Reviewed on", readonly=True)
    published_date = fields.Datetime(string="Published on", readonly=True)
    progress = fields.Float(readonly=True, help="Share of the invoices made.")
    move_ids = fields.One2many(
        "account.move", "itsm_billing_run_id", string="Invoices", readonly=True
    )
    item_ids = fields.One2many("itsm.billing.item", "run_id", readonly=True)
    check_item_ids = fields.One2many(
        "itsm.billing.check.item",
        "run_id",
        string="Data checks",
        domain=[("check_type", "=", "auto")],
    )
    report_item_ids = fields.One2many(
        "itsm.billing.check.item",
        "run_id",
        string="Check report",
        domain=[("check_type", "=", "manual")],
    )
    item_count = fields.Integer(compute="_compute_totals")
    invoice_count = fields.Integer(compute="_compute_totals")
    amount_total = fields.Monetary(string="Total (untaxed)", compute="_compute_totals")
    anomaly_count = fields.Integer(
        compute="_compute_anomaly_count",
        help="Items the blocking data checks found.",
    )
    note = fields.Html()
    # The result (BIL-7), stored by the run step: a re-run of the same data
    # gives the same digest.
    result_digest = fields.Char(
        string="Result digest",
        readonly=True,
        copy=False,
        help="SHA-256 of the run's rated items, one line each, sorted by key: "
        "key, contract, contract line, kind, quantity, unit price and amount "
        "to the cent. A re-run of the same data gives the same digest.",
    )
    result_lines = fields.Json(
        readonly=True,
        copy=False,
        help="The lines the digest was made of, kept when the run is rolled back.",
    )
    contract_snapshot = fields.Json(
        readonly=True,
        copy=False,
        help="{contract line id: [last invoiced, next invoice date, as set by "
        "the run…]} before the run moved them: what a rollback restores.",
    )
    previous_run_id = fields.Many2one(
        "itsm.billing.run",
        compute="_compute_previous_run",
        string="Previous run",
        help="The run of the same month, kind and company this one re-runs.",
    )
    result_comparison = fields.Selection(
        [("same", "Same result"), ("different", "Different result")],
        compute="_compute_previous_run",
        string="Against the previous run",
        help="Whether this run's result digest equals the rolled-back run's.",
    )
    challenged_by_id = fields.Many2one(
        "res.users", string="Challenged by", readonly=True, tracking=True
    )
    challenged_date = fields.Datetime(string="Challenged on", readonly=True)
    challenge_reason = fields.Text(readonly=True)
    failure_message = fields.Text(
        string="Last failure",
        readonly=True,
        copy=False,
        help="Why the last attempt of the run step failed (its work undone).",
    )
    credit_note_ids = fields.One2many(
        "account.move",
        "itsm_billing_rollback_run_id",
        string="Credit notes",
        readonly=True,
        help="The credit notes that reversed the run's posted invoices when it "
        "was rolled back.",
    )
    credit_note_count = fields.Integer(compute="_compute_totals")

    _sql_constraints = [
        (
            "attempt_unique",
            "unique(company_id, run_type, period_start, attempt)",
            "A month has one run of each number per kind and company.",
        ),
    ]

    @api.depends("run_type", "period_start", "attempt")
    def _compute_name(self):
        labels = dict(self._fields["run_type"]._description_selection(self.env))
        for run in self:
            run.name = (
                f"{labels.get(run.run_type, '')} "
                f"{run.period_start.strftime('%Y-%m') if run.period_start else ''}"
                f" #{run.attempt}"
            )

    @api.depends("period_start")
    def _compute_period_end(self):
        for run in self:
            run.period_end = run.period_start and (
                run.period_start + relativedelta(months=1, days=-1)
            )

    @api.depends("state", "move_ids", "credit_note_ids", "result_lines")
    def _compute_totals(self):
        items = self.env["itsm.billing.item"]._read_group(
            [("run_id", "in", self.ids)],
            ["run_id"],
            ["__count", "amount:sum"],
        )
        by_run = {run.id: (count, amount) for run, count, amount in items}
        moves = dict(
            self.env["account.move"]._read_group(
                [("itsm_billing_run_id", "in", self.ids)],
                ["itsm_billing_run_id"],
                ["__count"],
            )
        )
        credit_notes = dict(
            self.env["account.move"]._read_group(
                [("itsm_billing_rollback_run_id", "in", self.ids)],
                ["itsm_billing_rollback_run_id"],
                ["__count"],
            )
        )
        for run in self:
            run.item_count, run.amount_total = by_run.get(run.id, (0, 0.0))
            if run.state == "rolled_back":
                # Its items went back to the month: the result it had.
                lines = run.result_lines or []
                run.item_count = len(lines)
                run.amount_total = sum(float(line[-1]) for line in lines)
            run.invoice_count = moves.get(run, 0)
            run.credit_note_count = credit_notes.get(run, 0)

    @api.depends("company_id", "run_type", "period_start", "attempt", "result_digest")
    def _compute_previous_run(self):
        for run in self:
            previous = self.browse()
            if run.id and run.attempt > 1:
                previous = self.search(
                    [
                        ("company_id", "=", run.company_id.id),
                        ("run_type", "=", run.run_type),
                        ("period_start", "=", run.period_start),
                        ("attempt", "<", run.attempt),
                    ],
                    order="attempt desc",
                    limit=1,
                )
            run.previous_run_id = previous
            run.result_comparison = (
                ("same" if run.result_digest == previous.result_digest else "different")
                if previous.result_digest and run.result_digest
                else False
            )

    @api.depends("check_item_ids.found_count", "check_item_ids.blocking")
    def _compute_anomaly_count(self):
        for run in self:
            run.anomaly_count = sum(
                run.check_item_ids.filtered("blocking").mapped("found_count")
            )

    @api.constrains("period_start")
    def _check_period_start(self):
        for run in self:
            if run.period_start.day != 1:
                raise ValidationError(
                    self.env._("A run bills a natural month: it starts on its 1st.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.user.has_group(OPERATOR):
            raise AccessError(self.env._("Only billing operators start runs."))
        for vals in vals_list:
            if WORKFLOW_FIELDS & set(vals) - {"operator_id"}:
                raise UserError(self.env._("A new run starts as a draft."))
            vals["operator_id"] = self.env.user.id
            period_start = fields.Date.to_date(
                vals.get("period_start")
                or self.default_get(["period_start"])["period_start"]
            )
            company = self.env.company
            # sudo: the numbering sees every run of the month, readable or not.
            existing = (
                self.sudo()
                .with_context(active_test=False)
                .search(
                    [
                        ("company_id", "=", vals.get("company_id", company.id)),
                        ("run_type", "=", vals.get("run_type", "billing")),
                        ("period_start", "=", period_start),
                    ]
                )
            )
            live = existing.filtered(lambda r: r.state != "rolled_back")
            if live:
                raise UserError(
                    self.env._(
                        "%s already bills this month: a new run of the same month "
                        "follows a challenge and rollback of the previous one.",
                        live[0].display_name,
                    )
                )
            # Re-runs are numbered after every earlier run of the month.
            vals["attempt"] = max(existing.mapped("attempt"), default=0) + 1
        runs = super().create(vals_list)
        runs._itsm_deadline_start()
        return runs

    def write(self, vals):
        if WORKFLOW_FIELDS & set(vals) and (
            self.env.context.get("itsm_billing_step") is not STEP
        ):
            raise UserError(
                self.env._(
                    "A run's state and its operator, checker and reviewer change "
                    "through its buttons only."
                )
            )
        if SCOPE_FIELDS & set(vals) and self.filtered(lambda r: r.state != "draft"):
            raise UserError(
                self.env._(
                    "The kind, month and company of a run are fixed once its data "
                    "is checked."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("Runs are never deleted: their history stays auditable.")
        )

    # ------------------------------------------------------------------
    # The steps
    # ------------------------------------------------------------------

    def _itsm_step_check(self, states, group, step):
        """Refuse ``step`` (its label) unless every run is in one of
        ``states`` and the user is in ``group``."""
        if not self.env.user.has_group(group):
            raise AccessError(
                self.env._(
                    "%(step)s: you are not a %(group)s.",
                    step=step,
                    group=self.env.ref(group).name,
                )
            )
        labels = dict(self._fields["state"]._description_selection(self.env))
        for run in self:
            if run.state not in states:
                raise UserError(
                    self.env._(
                        "%(step)s is not possible on %(run)s: it is %(state)s; "
                        "it must be %(allowed)s.",
                        step=step,
                        run=run.display_name,
                        state=labels[run.state],
                        allowed=self.env._(" or ").join(labels[s] for s in states),
                    )
                )

    def _itsm_step_write(self, vals):
        return self.with_context(itsm_billing_step=STEP).write(vals)

    def _itsm_check_other_person(self, step, *fields_):
        """Four eyes: the user did none of the run's earlier steps."""
        for run in self:
            for field in fields_:
                if run[field] == self.env.user:
                    raise UserError(
                        self.env._(
                            "%(step)s on %(run)s: you are its %(role)s; someone "
                            "else must do it (four eyes).",
                            step=step,
                            run=run.display_name,
                            role=self._fields[field].get_description(self.env)[
                                "string"
                            ],
                        )
                    )

    def action_check_data(self):
        """Collect the month's billable items and run the automatic data
        checks; without blocking findings the run may go on."""
        step = self.env._("The data check")
        self._itsm_step_check(("draft", "data_checked"), OPERATOR, step)
        for run in self:
            run._itsm_collect_items()
            findings = run._itsm_run_data_checks()
            state = "draft" if findings else "data_checked"
            run._itsm_step_write(
                {
                    "state": state,
                    "operator_id": self.env.user.id,
                    "data_checked_date": fields.Datetime.now(),
                }
            )
            run.message_post(
                body=self.env._(
                    "Data check: %(items)s items, %(findings)s found by the "
                    "blocking checks.",
                    items=run._itsm_period_item_count(),
                    findings=findings,
                )
            )
        return True

    def action_run(self):
        """Rate the checked items and make the draft invoices; the results
        then wait for the four-eyes check."""
        step = self.env._("The run")
        self._itsm_step_check(("data_checked",), OPERATOR, step)
        self._itsm_check_ready_to_run()
        self._itsm_step_write({"operator_id": self.env.user.id})
        # Rating and invoices, chunk by chunk: in the request for a small
        # month, by the billing run cron otherwise (see
        # itsm_billing_run_background.py).
        return self._itsm_run_start()

    def _itsm_check_ready_to_run(self):
        """Refuse to rate (Run, Resume) unless someone else can check the
        results and the data, checked again now, has no blocking finding."""
        for run in self:
            run._itsm_check_eligible_checker()
            if run._itsm_run_data_checks():
                raise UserError(
                    self.env._(
                        "The data of %s changed since it was checked and the "
                        "checks now find anomalies: check the data again.",
                        run.display_name,
                    )
                )

    def _itsm_run_succeeded(self):
        """The run's work is done: it waits for the four-eyes check. The one
        place a run becomes *computed*."""
        self.ensure_one()
        self._itsm_step_write(
            {
                "state": "computed",
                "computed_date": fields.Datetime.now(),
                "progress": 100.0,
                "failure_message": False,
            }
        )
        self.message_post(
            body=self.env._(
                "Run computed: %(invoices)s draft invoices, %(items)s items, "
                "total %(total)s; result digest %(digest)s.",
                invoices=self.invoice_count,
                items=self.item_count,
                total=self.amount_total,
                digest=self.result_digest,
            )
        )
        self._itsm_send_notice("succeeded")
        self._itsm_request_checks()

    def _itsm_run_failed(self, error):
        """Keep and tell why the run failed; returns the message."""
        self.ensure_one()
        reason = str(error.args[0] if error.args else error) or type(error).__name__
        message = self.env._(
            "The run of %(run)s failed: %(reason)s. Its last chunk was undone; "
            "the invoices made before stay, and Resume goes on from there.",
            run=self.display_name,
            reason=reason,
        )
        self._itsm_step_write({"state": "failed", "failure_message": reason})
        self.message_post(body=message)
        self._itsm_send_notice("failed", error=reason)
        return message

    def action_sign(self):
        """The checker signs the check report, every item ticked (BIL-4)."""
        step = self.env._("Signing the check report")
        self._itsm_step_check(("computed",), CHECKER, step)
        self._itsm_check_other_person(step, "operator_id")
        for run in self:
            missing = run.report_item_ids.filtered(lambda i: not i.done)
            if missing:
                raise UserError(
                    self.env._(
                        "Tick every item of the check report of %(run)s before "
                        "signing it; not yet: %(items)s.",
                        run=run.display_name,
                        items=", ".join(missing.mapped("name")),
                    )
                )
        self._itsm_step_write(
            {
                "state": "checked",
                "checker_id": self.env.user.id,
                "checked_date": fields.Datetime.now(),
            }
        )
        self._itsm_deadline_stop()
        for run in self:
            run.message_post(
                body=self.env._("Check report signed by %s.", self.env.user.name)
            )
        return True

    def action_review(self):
        """The supervisor confirms the results and reports (BIL-6)."""
        step = self.env._("The supervisor's review")
        self._itsm_step_check(("checked",), SUPERVISOR, step)
        self._itsm_check_other_person(step, "operator_id", "checker_id")
        self._itsm_step_write(
            {
                "state": "reviewed",
                "reviewer_id": self.env.user.id,
                "reviewed_date": fields.Datetime.now(),
            }
        )
        return True

    def action_publish(self):
        """Publish the results: the invoices are posted and sent (BIL-6)."""
        step = self.env._("Publication")
        self._itsm_step_check(("reviewed",), SUPERVISOR, step)
        self._itsm_check_other_person(step, "operator_id", "checker_id")
        for run in self:
            run._itsm_post_invoices()
            run._itsm_send_invoices()
        self._itsm_step_write(
            {"state": "published", "published_date": fields.Datetime.now()}
        )
        for run in self:
            run.message_post(
                body=self.env._("Published: %s invoices posted.", run.invoice_count)
            )
        return True

    def action_open_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            domain=[("itsm_billing_run_id", "=", self.id)],
            context={"create": False, "default_move_type": "out_invoice"},
        )
        return action

    def action_open_items(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "itsm_billing.itsm_billing_item_action"
        )
        action["domain"] = self._itsm_item_domain()
        return action

    def _itsm_check_eligible_checker(self):
        """A run's results must find a checker who is not its operator (the
        maker–checker rule: no request without an eligible checker)."""
        self.ensure_one()
        checkers = (
            self.env.ref(CHECKER)
            .sudo()
            .users.filtered(lambda u: u.active and self.company_id in u.company_ids)
        )
        if not checkers - self.env.user:
            raise UserError(
                self.env._(
                    "Nobody but you can check %s: give another user the Billing "
                    "Checker role first.",
                    self.display_name,
                )
            )

    # ------------------------------------------------------------------
    # The deadline on the ladder (BIL-5)
    # ------------------------------------------------------------------

    def _itsm_due_moment(self):
        """00:00 on the due day (2nd or 10th, settings) of the month after
        the one billed, in the 24 × 7 calendar's time zone (UTC, naive)."""
        self.ensure_one()
        calendar = self.env.ref("itsm_incident.calendar_24x7")
        # sudo: a setting every run's deadline depends on.
        day = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(f"itsm_billing.{self.run_type}_due_day", DUE_DAYS[self.run_type])
        )
        due = self.period_start + relativedelta(months=1, day=day)
        local = pytz.timezone(calendar.tz or "UTC").localize(
            datetime.combine(due, time.min)
        )
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _itsm_deadline_targets(self):
        self.ensure_one()
        start = (
            self._itsm_deadline_clocks([self.run_type]).started_at
            or fields.Datetime.now()
        )
        minutes = max((self._itsm_due_moment() - start).total_seconds() / 60, 0.0)
        calendar = self.env.ref("itsm_incident.calendar_24x7")
        return {self.run_type: (minutes, calendar, False)}

    @api.model
    def _itsm_escalation_scope(self, rule):
        return [("state", "in", OPEN_STATES)]

    def _itsm_escalation_responsible(self):
        return {run.id: run.operator_id for run in self if run.operator_id}

    def _itsm_escalation_org_chart_fallback(self, kind):
        # The billing supervisors stand in for an operator with no one above
        # them in the org chart.
        if kind not in ("supervisor", "department_manager"):
            return super()._itsm_escalation_org_chart_fallback(kind)
        # sudo: who the supervisors are decides who hears of a late run.
        partners = self.env.ref(SUPERVISOR).sudo().users.partner_id
        return {run.id: partners for run in self}

    def _itsm_escalation_customers(self):
        return {run.id: self.env["res.partner"] for run in self}

    def _itsm_escalation_services(self):
        return {run.id: self.env["itsm.service"] for run in self}
