from odoo import api, fields, models

ACTION_STATES = [
    ("open", "Open"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]


class ItsmImprovementAction(models.Model):
    """A corrective or preventive action (改进措施, INC-13): an owner, a
    deadline and a state, followed up until done. It comes from an incident,
    a problem or a supervision finding."""

    _name = "itsm.improvement.action"
    _description = "ITSM Improvement Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, date_deadline, id"

    name = fields.Char(string="Action", required=True, tracking=True)
    description = fields.Html()
    ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Incident", index=True, ondelete="cascade"
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
            action.is_overdue = action.state == "open" and action.date_deadline < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on Overdue."))
        domain = [
            ("state", "=", "open"),
            ("date_deadline", "<", fields.Date.context_today(self)),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    def action_done(self):
        self.write({"state": "done", "date_done": fields.Date.context_today(self)})

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def action_reopen(self):
        self.write({"state": "open", "date_done": False})
