from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

RESOLVER = "itsm_incident.group_itsm_resolver"


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The problem side of an incident (INC-10): the problem it belongs to,
    problem proposals when its impact is severe or it recurs, and the known
    error of its category suggested with its workaround."""

    _inherit = "helpdesk.ticket"

    problem_id = fields.Many2one(
        "itsm.problem",
        index=True,
        tracking=True,
        copy=False,
        check_company=True,
    )
    problem_proposal_ids = fields.Many2many(
        "itsm.problem.proposal",
        "itsm_problem_proposal_ticket_rel",
        "ticket_id",
        "proposal_id",
        string="Problem proposals",
        readonly=True,
        copy=False,
        groups=RESOLVER,
    )
    suggested_problem_id = fields.Many2one(
        "itsm.problem",
        string="Known error",
        compute="_compute_suggested_problem_id",
        groups=RESOLVER,
        help="A known error of this category: its workaround may restore the "
        "service at once.",
    )
    suggested_workaround = fields.Html(
        compute="_compute_suggested_problem_id",
        string="Known workaround",
        groups=RESOLVER,
    )

    @api.depends("category_id", "problem_id")
    def _compute_suggested_problem_id(self):
        """The newest known error of each ticket's category: one search for
        the whole batch."""
        todo = self.filtered(lambda t: t.category_id and not t.problem_id)
        by_category = {}
        if todo:
            for problem in self.env["itsm.problem"].search(
                [
                    ("known_error", "=", True),
                    ("state", "not in", ("resolved", "closed")),
                    ("category_id", "in", todo.category_id.ids),
                ],
                order="id desc",
            ):
                by_category.setdefault(problem.category_id, problem)
        for ticket in self:
            problem = by_category.get(ticket.category_id, self.env["itsm.problem"])
            ticket.suggested_problem_id = problem
            ticket.suggested_workaround = problem.workaround

    def _itsm_follow_up(self):
        # Right after the commit (helpdesk_ticket_follow_up.py): severe or recurring
        # incidents call for a problem.
        result = super()._itsm_follow_up()
        self._itsm_propose_problems()
        return result

    def action_link_suggested_problem(self):
        """One click: the incident joins the known error suggested to it."""
        for ticket in self:
            if not ticket.suggested_problem_id:
                raise UserError(
                    self.env._(
                        "No known error is suggested for %s.", ticket.display_name
                    )
                )
        for ticket in self:
            ticket.problem_id = ticket.suggested_problem_id
        return True

    # ------------------------------------------------------------------
    # Problem proposals
    # ------------------------------------------------------------------

    @api.model
    def _itsm_recurrence_threshold(self):
        # sudo: a setting every ticket's proposals depend on.
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("itsm_incident.problem_recurrence_threshold", 3)
        )

    def _itsm_propose_problems(self):
        """Propose a problem for severe incidents and for incidents that
        recur at least the threshold: one proposal per (category, customer)
        cluster, joined by later incidents. One query finds the earlier
        similar incidents of all recurring clusters."""
        threshold = self._itsm_recurrence_threshold()
        # sudo: the suite proposes, whoever's incident set it off (the
        # similar incidents of a cluster belong to its proposal even when
        # the creator may not read them); the department leader decides.
        tickets = self.sudo().filtered(
            lambda t: t.declaration_type == "incident" and not t.problem_id
        )
        severe = tickets.filtered(lambda t: t.impact == "severe")
        recurring = tickets.filtered(
            lambda t: threshold > 0 and t.recurrence_count >= threshold
        )
        if not (severe or recurring):
            return
        clusters = defaultdict(lambda: ["severe", tickets.browse()])
        for ticket in severe:
            clusters[ticket._itsm_cluster_key()][1] |= ticket
        for ticket in recurring:
            cluster = clusters[ticket._itsm_cluster_key()]
            cluster[0] = "recurrence"
            cluster[1] |= ticket
        # sudo: as above, the suite proposes; the leader decides.
        Proposal = self.env["itsm.problem.proposal"].sudo()
        open_proposals = Proposal._itsm_open_proposals(set(clusters))
        # A recurrence proposal holds the earlier similar incidents since it
        # opened: later ones join alone. Others gather theirs (one search),
        # so that a storm reported one alert at a time stays linear.
        gather = recurring.filtered(
            lambda t: open_proposals.get(t._itsm_cluster_key(), Proposal).reason
            != "recurrence"
        )
        if gather:
            since = fields.Datetime.now() - timedelta(
                days=self._itsm_recurrence_window()
            )
            keys = {ticket._itsm_cluster_key() for ticket in gather}
            # One row per (company, category, customer) of the batch's
            # categories and customers, with the ids of its tickets.
            for company, category, partner, ids in tickets._read_group(
                [
                    ("category_id", "in", gather.category_id.ids),
                    ("commercial_partner_id", "in", gather.commercial_partner_id.ids),
                    ("declaration_type", "=", "incident"),
                    ("problem_id", "=", False),
                    ("create_date", ">=", since),
                ],
                ["company_id", "category_id", "commercial_partner_id"],
                ["id:array_agg"],
            ):
                key = (company.id, category.id, partner.id)
                if key in keys:
                    clusters[key][1] |= tickets.browse(ids)
        Proposal._itsm_propose(
            {key: tuple(value) for key, value in clusters.items()}, open_proposals
        )

    def _itsm_cluster_key(self):
        self.ensure_one()
        return (
            self.company_id.id,
            self.category_id.id,
            self.commercial_partner_id.id,
        )
