from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

PROBLEM_STATES = [
    ("new", "New"),
    ("investigating", "Investigating"),
    ("known_error", "Known Error"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
]
OPEN_PROBLEM_STATES = ("new", "investigating", "known_error")


class ItsmProblem(models.Model):
    """A problem (问题, INC-10): the unknown cause behind one or more
    incidents, investigated until its root cause, workaround and permanent
    fix are known. A known error is a problem whose workaround new incidents
    of its category are offered."""

    _name = "itsm.problem"
    _description = "ITSM Problem"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _rec_names_search = ["number", "name"]

    number = fields.Char(
        default="/", required=True, readonly=True, copy=False, index=True
    )
    name = fields.Char(string="Title", required=True, tracking=True)
    description = fields.Html()
    state = fields.Selection(
        PROBLEM_STATES,
        required=True,
        default="new",
        index=True,
        tracking=True,
        copy=False,
        group_expand=True,
    )
    category_id = fields.Many2one("helpdesk.ticket.category", index=True, tracking=True)
    department_id = fields.Many2one("hr.department", tracking=True, index=True)
    service_id = fields.Many2one(
        "itsm.service",
        tracking=True,
        index="btree_not_null",
        help="The service of the catalogue whose incidents this problem causes.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        tracking=True,
        index=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    ticket_ids = fields.One2many("helpdesk.ticket", "problem_id", string="Incidents")
    ticket_count = fields.Integer(
        compute="_compute_counts", string="Number of incidents"
    )
    root_cause = fields.Html(string="Root cause")
    workaround = fields.Html(
        help="How to restore the service until the permanent fix is in place; "
        "offered on new incidents of the category once this is a known error."
    )
    known_error = fields.Boolean(
        tracking=True,
        copy=False,
        help="The root cause and a workaround are known: new incidents of the "
        "category are pointed to them.",
    )
    permanent_fix = fields.Html(string="Permanent fix")
    date_resolved = fields.Datetime(string="Resolved on", readonly=True, copy=False)
    improvement_action_ids = fields.One2many(
        "itsm.improvement.action", "problem_id", string="Improvement Actions"
    )
    improvement_action_count = fields.Integer(
        compute="_compute_counts", string="Number of actions"
    )
    proposal_ids = fields.One2many(
        "itsm.problem.proposal", "problem_id", string="Proposals"
    )

    @api.depends("ticket_ids", "improvement_action_ids")
    def _compute_counts(self):
        tickets = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("problem_id", "in", self.ids)], ["problem_id"], ["__count"]
            )
        )
        actions = dict(
            self.env["itsm.improvement.action"]._read_group(
                [("problem_id", "in", self.ids)], ["problem_id"], ["__count"]
            )
        )
        for problem in self:
            problem.ticket_count = tickets.get(problem, 0)
            problem.improvement_action_count = actions.get(problem, 0)

    @api.depends("number", "name")
    def _compute_display_name(self):
        for problem in self:
            problem.display_name = (
                f"[{problem.number}] {problem.name}"
                if problem.number and problem.number != "/"
                else problem.name
            )

    @api.model_create_multi
    def create(self, vals_list):
        Sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("number", "/") == "/":
                company = vals.get("company_id") or self.env.company.id
                vals["number"] = Sequence.with_company(company).next_by_code(
                    "itsm.problem"
                )
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_state(self, allowed, action):
        wrong = self.filtered(lambda p: p.state not in allowed)
        if wrong:
            raise UserError(
                self.env._(
                    "%(action)s is not possible for %(problems)s in its current state.",
                    action=action,
                    problems=", ".join(wrong.mapped("display_name")),
                )
            )

    def action_investigate(self):
        self._check_state(("new",), self.env._("Starting the investigation"))
        self.write({"state": "investigating"})

    def action_known_error(self):
        self._check_state(("new", "investigating"), self.env._("A known error"))
        missing = self.filtered(lambda p: is_html_empty(p.workaround))
        if missing:
            raise UserError(
                self.env._(
                    "Record the workaround of %s before marking it a known error: "
                    "new incidents are pointed to it.",
                    ", ".join(missing.mapped("display_name")),
                )
            )
        self.write({"state": "known_error", "known_error": True})

    def action_resolve(self):
        self._check_state(OPEN_PROBLEM_STATES, self.env._("Resolving"))
        missing = self.filtered(lambda p: is_html_empty(p.permanent_fix))
        if missing:
            raise UserError(
                self.env._(
                    "Record the permanent fix of %s before resolving it.",
                    ", ".join(missing.mapped("display_name")),
                )
            )
        self.write({"state": "resolved", "date_resolved": fields.Datetime.now()})

    def action_close(self):
        self._check_state(("resolved",), self.env._("Closing"))
        self.write({"state": "closed"})

    def action_reopen(self):
        self._check_state(("resolved", "closed"), self.env._("Reopening"))
        self.write({"state": "investigating", "date_resolved": False})

    def action_create_article(self):
        """A problem's known error or permanent fix becomes a knowledge
        article (INC-10, INC-14) in one step, or opens the one already
        written from it."""
        self.ensure_one()
        if is_html_empty(self.permanent_fix) and is_html_empty(self.workaround):
            raise UserError(
                self.env._(
                    "Record the workaround or the permanent fix of %s first: "
                    "they are the article's solution.",
                    self.display_name,
                )
            )
        return self.env["itsm.knowledge.article"]._itsm_draft_from(
            self, "problem_id", self._prepare_article_vals
        )

    def _prepare_article_vals(self):
        """The draft article: the problem's description (else its title) as
        the symptom, the root cause, and the permanent fix as the solution —
        the workaround while no fix is known."""
        self.ensure_one()
        symptom = (
            self.description
            if not is_html_empty(self.description)
            else Markup("<p>%s</p>") % self.name
        )
        solution = (
            self.permanent_fix
            if not is_html_empty(self.permanent_fix)
            else self.workaround
        )
        return {
            "name": self.name,
            "symptom": symptom,
            "cause": self.root_cause,
            "solution": solution,
            "category_id": self.category_id.id,
            "problem_id": self.id,
            "author_id": self.env.uid,
            "company_id": self.company_id.id,
        }

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "itsm_incident.helpdesk_ticket_action_itsm"
        )
        action.update(
            domain=[("problem_id", "=", self.id)],
            context={"default_problem_id": self.id},
        )
        return action

    def action_view_improvement_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "itsm_incident.itsm_improvement_action_action"
        )
        action.update(
            domain=[("problem_id", "=", self.id)],
            context={"default_problem_id": self.id},
        )
        return action
