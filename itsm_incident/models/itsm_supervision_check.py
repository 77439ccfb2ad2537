from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

CHECK_STATES = [("todo", "To Check"), ("done", "Checked")]
# Stamped by action_done only (security review L5).
RECORD_FIELDS = {"state", "user_id", "date_checked"}


class ItsmSupervisionCheck(models.Model):
    """One sampled incident checked against the checklist (INC-17). Failed
    items become rectification actions (整改) with an owner and a deadline,
    followed up until done; the share of items passed is the score that
    feeds the department's score."""

    _name = "itsm.supervision.check"
    _description = "ITSM Supervision Check"
    _order = "round_id desc, id"
    _rec_name = "ticket_id"

    round_id = fields.Many2one(
        "itsm.supervision.round",
        string="Spot Check",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="round_id.company_id", store=True, index=True)
    ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Incident", required=True, index=True, readonly=True
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Reporter's department",
        compute="_compute_department_id",
        store=True,
        index=True,
        help="The department the incident was reported for.",
    )
    # S1 §3.2.3, §5 assesses the responsible department: the scores group
    # by it first.
    responsible_department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        index=True,
        help="The department responsible for the incident's event nature.",
    )
    handling_department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        index=True,
        help="The department of the incident's handler when they took it.",
    )
    user_id = fields.Many2one(
        "res.users", string="Checked by", readonly=True, copy=False
    )
    date_checked = fields.Date(string="Checked on", readonly=True, copy=False)
    state = fields.Selection(
        CHECK_STATES, required=True, default="todo", index=True, readonly=True
    )
    line_ids = fields.One2many(
        "itsm.supervision.check.line", "check_id", string="Checklist"
    )
    action_ids = fields.Many2many(
        "itsm.improvement.action",
        string="Rectification Actions",
        compute="_compute_action_ids",
    )
    open_action_count = fields.Integer(compute="_compute_action_ids")
    score = fields.Float(
        compute="_compute_score",
        store=True,
        aggregator="avg",
        help="Share of the applicable checklist items passed (%).",
    )

    @api.depends("ticket_id")
    def _compute_department_id(self):
        for check in self:
            # sudo: the departments of a sampled ticket, whoever reads the check.
            ticket = check.ticket_id.sudo()
            check.department_id = ticket.department_id
            check.responsible_department_id = ticket.responsible_department_id
            check.handling_department_id = ticket.handling_department_id

    @api.depends("line_ids.result")
    def _compute_score(self):
        for check in self:
            judged = check.line_ids.filtered(
                lambda line: line.result in ("pass", "fail")
            )
            passed = judged.filtered(lambda line: line.result == "pass")
            check.score = 100.0 * len(passed) / len(judged) if judged else 0.0

    @api.depends("line_ids.action_id.state")
    def _compute_action_ids(self):
        for check in self:
            check.action_ids = check.line_ids.action_id
            check.open_action_count = len(
                check.action_ids.filtered(lambda a: a.state == "open")
            )

    @api.constrains("ticket_id")
    def _check_ticket_readable(self):
        # Only a ticket the user may read (security review M7).
        self.ticket_id._itsm_check_linkable()

    def write(self, vals):
        # Who checked, when, and that it is recorded: the action's stamps
        # (security review L5).
        if RECORD_FIELDS & set(vals) and not self.env.su:
            raise AccessError(
                self.env._("A check is recorded only with its Record Check button.")
            )
        return super().write(vals)

    def action_done(self):
        """Record the check: every item judged; a failed item needs a
        finding, an owner and a deadline, and becomes a rectification action."""
        problems = []
        for check in self:
            if check.state != "todo":
                raise UserError(
                    self.env._("“%s” has already been checked.", check.display_name)
                )
            for line in check.line_ids:
                missing = line._itsm_missing()
                if missing:
                    problems.append(
                        f"{check.display_name} – {line.item_id.name}: {missing}"
                    )
        if problems:
            raise UserError(
                self.env._("These checks are incomplete:\n%s", "\n".join(problems))
            )
        failed = self.line_ids.filtered(lambda line: line.result == "fail")
        # sudo: supervisors record rectification actions for the owners they
        # name; improvement actions are otherwise written by the desk.
        actions = (
            self.env["itsm.improvement.action"]
            .sudo()
            .create([line._itsm_action_vals() for line in failed])
        )
        for line, action in zip(failed, actions, strict=True):
            line.action_id = action
        # sudo: the stamps are this action's (the write guard); the
        # supervisor may write these checks (checked).
        self.check_access("write")
        self.sudo().write(
            {
                "state": "done",
                "user_id": self.env.user.id,
                "date_checked": fields.Date.context_today(self),
            }
        )
