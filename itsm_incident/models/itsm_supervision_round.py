import random
from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

ROUND_STATES = [("draft", "Draft"), ("checking", "Checking"), ("done", "Done")]


class ItsmSupervisionRound(models.Model):
    """A spot check (抽查, INC-17): the supervision group draws a random
    sample of the incidents closed in a period and checks each one against
    the checklist. The draw is reproducible: the same seed over the same
    closed incidents gives the same sample."""

    _name = "itsm.supervision.round"
    _description = "ITSM Supervision Spot Check"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    date_from = fields.Date(string="Closed from", required=True, tracking=True)
    date_to = fields.Date(string="Closed until", required=True, tracking=True)
    department_ids = fields.Many2many(
        "hr.department",
        string="Departments",
        help="Only incidents these departments are responsible for or were "
        "reported for; all when empty.",
    )
    sample_size = fields.Integer(required=True, default=10, tracking=True)
    seed = fields.Integer(
        required=True,
        default=lambda s: random.SystemRandom().randint(1, 999999),
        tracking=True,
        help="The same seed over the same closed incidents draws the same sample.",
    )
    state = fields.Selection(
        ROUND_STATES, required=True, default="draft", tracking=True, index=True
    )
    check_ids = fields.One2many("itsm.supervision.check", "round_id", string="Checks")
    check_count = fields.Integer(compute="_compute_scores", store=True)
    score = fields.Float(
        compute="_compute_scores",
        store=True,
        aggregator="avg",
        help="Average score of the checked incidents (share of checks passed).",
    )

    _sql_constraints = [
        ("sample_size_positive", "CHECK(sample_size > 0)", "Sample at least one."),
    ]

    @api.depends("check_ids.score", "check_ids.state")
    def _compute_scores(self):
        for spot_check in self:
            done = spot_check.check_ids.filtered(lambda c: c.state == "done")
            spot_check.check_count = len(spot_check.check_ids)
            spot_check.score = sum(done.mapped("score")) / len(done) if done else 0.0

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for spot_check in self:
            if spot_check.date_to < spot_check.date_from:
                raise ValidationError(
                    self.env._("The period of a spot check must end after it starts.")
                )

    def _itsm_population_domain(self):
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            # Security incidents are the security group's alone: not
            # drawn for the supervision group.
            ("declaration_type", "!=", "security_incident"),
            ("stage_id.closed", "=", True),
            ("closed_date", ">=", datetime.combine(self.date_from, time.min)),
            (
                "closed_date",
                "<",
                datetime.combine(self.date_to + timedelta(days=1), time.min),
            ),
        ]
        if self.department_ids:
            domain += [
                "|",
                ("responsible_department_id", "in", self.department_ids.ids),
                ("department_id", "in", self.department_ids.ids),
            ]
        return domain

    def _itsm_draw(self):
        """The sampled ticket ids: the population ordered by id, then
        ``random.Random(seed).sample``."""
        self.ensure_one()
        # sudo: the supervision group reads every ticket; the draw must not
        # depend on who presses the button.
        population = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(self._itsm_population_domain(), order="id")
            .ids
        )
        size = min(self.sample_size, len(population))
        return sorted(random.Random(self.seed).sample(population, size))

    def write(self, vals):
        # The state moves only with the buttons (security review L5).
        if "state" in vals and not self.env.su:
            raise AccessError(
                self.env._(
                    "A spot check moves on only with its buttons (Draw Sample, Finish)."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_recorded(self):
        # Recorded checks are the supervision's findings (security review
        # L5): their spot check stays.
        recorded = self.filtered(
            lambda r: r.state == "done" or "done" in r.check_ids.mapped("state")
        )
        if recorded:
            raise UserError(
                self.env._(
                    "These spot checks hold recorded checks and are kept: %s.",
                    ", ".join(recorded.mapped("name")),
                )
            )

    def action_draw_sample(self):
        for spot_check in self:
            if spot_check.state != "draft":
                raise UserError(
                    self.env._(
                        "The sample of “%s” has already been drawn.", spot_check.name
                    )
                )
            ticket_ids = spot_check._itsm_draw()
            if not ticket_ids:
                raise UserError(
                    self.env._(
                        "No incident was closed in the period of “%s”.", spot_check.name
                    )
                )
            # The checklist: a handful of active items.
            items = self.env["itsm.supervision.checklist.item"].search(
                [("active", "=", True)]
            )
            if not items:
                raise UserError(self.env._("The supervision checklist is empty."))
            # sudo: the sample and the state are the draw's, not the user's
            # (the write guard, the checks' ticket constraint); the
            # supervisor may write the spot check (checked).
            spot_check.check_access("write")
            spot_check.sudo().write(
                {
                    "state": "checking",
                    "check_ids": [
                        Command.create(
                            {
                                "ticket_id": ticket_id,
                                "line_ids": [
                                    Command.create({"item_id": item.id})
                                    for item in items
                                ],
                            }
                        )
                        for ticket_id in ticket_ids
                    ],
                }
            )

    def action_done(self):
        for spot_check in self:
            if spot_check.state != "checking":
                raise UserError(self.env._("Draw the sample first."))
            if spot_check.check_ids.filtered(lambda c: c.state != "done"):
                raise UserError(
                    self.env._("Finish every check of “%s” first.", spot_check.name)
                )
        # sudo: the state is this action's (the write guard); the supervisor
        # may write these spot checks (checked).
        self.check_access("write")
        self.sudo().write({"state": "done"})
