from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

PROPOSAL_STATES = [
    ("proposed", "To Decide"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
]
PROPOSAL_REASONS = [
    ("severe", "Severe impact"),
    ("recurrence", "Recurring incident"),
]


class ItsmProblemProposal(models.Model):
    """A proposal to raise incidents to a problem (INC-10, S2 §5.4.5): made
    by the suite when an incident's impact is severe or when similar
    incidents (same category and customer) recur; the department leader
    decides through the tier validation (DESIGN §4). One open proposal per
    cluster: later recurrences join it."""

    _name = "itsm.problem.proposal"
    _description = "ITSM Problem Proposal"
    _inherit = ["mail.thread", "mail.activity.mixin", "tier.validation"]
    _order = "id desc"

    # tier.validation: the leader's approval is needed to accept; a
    # rejection keeps its review as the record of the decision.
    _state_from = ["proposed"]
    _state_to = ["accepted"]
    _cancel_state = "cancelled"
    _tier_validation_manual_config = True

    state = fields.Selection(
        PROPOSAL_STATES,
        required=True,
        default="proposed",
        index=True,
        tracking=True,
        copy=False,
    )
    reason = fields.Selection(PROPOSAL_REASONS, required=True, readonly=True)
    category_id = fields.Many2one("helpdesk.ticket.category", index=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, readonly=True
    )
    ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        "itsm_problem_proposal_ticket_rel",
        "proposal_id",
        "ticket_id",
        string="Incidents",
        readonly=True,
    )
    ticket_count = fields.Integer(
        compute="_compute_ticket_count", string="Number of incidents"
    )
    problem_id = fields.Many2one(
        "itsm.problem",
        index=True,
        tracking=True,
        readonly=True,
        help="Before the decision: the open problem of the category that the "
        "incidents would join; after acceptance: the problem they joined.",
    )
    department_id = fields.Many2one("hr.department", readonly=True)
    leader_id = fields.Many2one(
        "res.users",
        string="Department leader",
        index=True,
        readonly=True,
        help="Decides whether the incidents become a problem (是否升级由部门领导确定).",
    )
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decided_date = fields.Datetime(readonly=True, copy=False)
    reject_reason = fields.Text(string="Reason for rejection", tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        for proposal in self:
            proposal.ticket_count = len(proposal.ticket_ids)

    @api.depends("category_id", "partner_id", "reason")
    def _compute_display_name(self):
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        for proposal in self:
            parts = [
                proposal.category_id.name or self.env._("No category"),
                proposal.partner_id.name,
            ]
            reason = reasons.get(proposal.reason, "")
            proposal.display_name = f"{reason}: {' / '.join(filter(None, parts))}"

    @api.constrains("state", "reject_reason")
    def _check_reject_reason(self):
        for proposal in self:
            if proposal.state == "rejected" and not proposal.reject_reason:
                raise ValidationError(
                    self.env._(
                        "Say why the proposal %s is rejected.", proposal.display_name
                    )
                )

    # ------------------------------------------------------------------
    # tier.validation hooks
    # ------------------------------------------------------------------

    @api.model
    def _get_under_validation_exceptions(self):
        # Later recurrences join an open proposal; the leader writes the
        # reason before rejecting.
        return super()._get_under_validation_exceptions() + [
            "ticket_ids",
            "reject_reason",
        ]

    def _get_to_validate_message_name(self):
        return self.env._("Problem Proposal")

    # ------------------------------------------------------------------
    # Decision
    # ------------------------------------------------------------------

    def _check_decider(self):
        """Only an open proposal, only by a reviewer whose turn it is."""
        for proposal in self:
            if proposal.state != "proposed":
                raise UserError(
                    self.env._(
                        "The proposal %s has already been decided.",
                        proposal.display_name,
                    )
                )
            if not proposal.can_review:
                raise AccessError(
                    self.env._(
                        "Only %(leaders)s may decide the proposal %(proposal)s.",
                        leaders=", ".join(proposal.reviewer_ids.mapped("name"))
                        or self.env._(
                            "the department leader (none is set: give the "
                            "department a manager)"
                        ),
                        proposal=proposal.display_name,
                    )
                )

    def action_accept(self):
        """Approve this tier; once every tier approved, the incidents join
        the proposed problem, or a new one."""
        self._check_decider()
        for proposal in self:
            proposal.validate_tier()
        self.filtered(lambda p: p.validation_status == "validated")._itsm_accept()
        return True

    def action_reject(self):
        self._check_decider()
        missing = self.filtered(lambda p: not (p.reject_reason or "").strip())
        if missing:
            raise UserError(
                self.env._(
                    "Write the reason for rejecting %s first.",
                    ", ".join(missing.mapped("display_name")),
                )
            )
        for proposal in self:
            proposal.reject_tier()
        # The rejection is a decision, not an edit under validation.
        self.with_context(skip_validation_check=True).write(
            {
                "state": "rejected",
                "decided_by_id": self.env.uid,
                "decided_date": fields.Datetime.now(),
            }
        )
        return True

    def _itsm_accept(self):
        # sudo: the decider passed _check_decider; creating the problem and
        # linking the incidents is the consequence of that decision, also
        # for incidents outside the leader's department.
        proposals = self.sudo()
        proposals.invalidate_recordset(["need_validation"])
        to_create = proposals.filtered(lambda p: not p.problem_id)
        new_problems = dict(
            zip(
                to_create.ids,
                proposals.env["itsm.problem"].create(
                    [proposal._prepare_problem_vals() for proposal in to_create]
                ),
                strict=True,
            )
        )
        now = fields.Datetime.now()
        for proposal in proposals:
            problem = proposal.problem_id or new_problems[proposal.id]
            # One write with the target state: tier.validation lets a
            # validated proposal reach it.
            proposal.write(
                {
                    "state": "accepted",
                    "problem_id": problem.id,
                    "decided_by_id": self.env.uid,
                    "decided_date": now,
                }
            )
            proposal.ticket_ids.filtered(lambda t: not t.problem_id).write(
                {"problem_id": problem.id}
            )

    def _prepare_problem_vals(self):
        self.ensure_one()
        lines = Markup("").join(
            Markup("<li>%s</li>") % ticket.display_name for ticket in self.ticket_ids
        )
        return {
            "name": self.display_name,
            "category_id": self.category_id.id,
            "department_id": self.department_id.id,
            "user_id": self.leader_id.id or self.env.uid,
            "company_id": self.company_id.id,
            "description": Markup("<p>%s</p><ul>%s</ul>")
            % (self.env._("Raised from the incidents:"), lines),
        }

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "itsm_incident.helpdesk_ticket_action_itsm"
        )
        action.update(domain=[("id", "in", self.ticket_ids.ids)], context={})
        return action

    # ------------------------------------------------------------------
    # Proposing (called by the tickets)
    # ------------------------------------------------------------------

    @api.model
    @api.model
    def _itsm_open_proposals(self, keys):
        """{(company id, category id, partner id): its open proposal}, for
        these cluster keys, in one search."""
        return {
            (p.company_id.id, p.category_id.id, p.partner_id.id): p
            for p in self.search(
                [
                    ("state", "=", "proposed"),
                    ("company_id", "in", list({key[0] for key in keys})),
                    ("category_id", "in", list({key[1] for key in keys})),
                    ("partner_id", "in", list({key[2] for key in keys})),
                ]
            )
            if (p.company_id.id, p.category_id.id, p.partner_id.id) in keys
        }

    def _itsm_propose(self, clusters, open_proposals=None):
        """Join or open the proposal of each cluster.

        ``clusters``: {(company id, category id, partner id): (reason,
        tickets)}; ``open_proposals`` as :meth:`_itsm_open_proposals` gives
        them, when the caller has them. One search for the open proposals of
        all clusters, one for
        the open problems of their categories, one create for the new
        proposals."""
        if not clusters:
            return self.browse()
        if open_proposals is None:
            open_proposals = self._itsm_open_proposals(clusters)
        bodies = {}
        new_vals = []
        for key, (reason, tickets) in clusters.items():
            proposal = open_proposals.get(key)
            if proposal:
                added = tickets - proposal.ticket_ids
                if added:
                    proposal.ticket_ids = [Command.link(t.id) for t in added]
                    bodies[proposal.id] = self.env._(
                        "Joined by %s.", ", ".join(added.mapped("display_name"))
                    )
            else:
                new_vals.append(self._prepare_proposal_vals(key, reason, tickets))
        if bodies:
            self.browse(list(bodies))._message_log_batch(bodies=bodies)
        if not new_vals:
            return self.browse()
        problems = self._itsm_open_problems(
            [vals["category_id"] for vals in new_vals if vals["category_id"]]
        )
        for vals in new_vals:
            problem = problems.get((vals["company_id"], vals["category_id"]))
            if problem:
                vals["problem_id"] = problem.id
        proposals = self.create(new_vals)
        # Pending at once (tier.validation does it only when the requester
        # may review).
        proposals.request_validation()._compute_can_review()
        # need_validation has no dependencies: computed before the reviews
        # existed, it would request them again on acceptance.
        proposals.invalidate_recordset(["need_validation"])
        return proposals

    @api.model
    def _itsm_open_problems(self, category_ids):
        """{(company id, category id): the newest open problem}."""
        result = {}
        if category_ids:
            for problem in self.env["itsm.problem"].search(
                [
                    ("category_id", "in", category_ids),
                    ("state", "in", ("new", "investigating", "known_error")),
                ],
                order="id desc",
            ):
                result.setdefault(
                    (problem.company_id.id, problem.category_id.id), problem
                )
        return result

    @api.model
    def _prepare_proposal_vals(self, key, reason, tickets):
        company_id, category_id, partner_id = key
        first = tickets.sorted("id")[:1]
        department = (
            first.responsible_department_id
            or first.department_id
            or first.company_id.itsm_problem_department_id
        )
        leader = department.manager_id.user_id
        walk = department
        while not leader and walk.parent_id:
            walk = walk.parent_id
            leader = walk.manager_id.user_id
        return {
            "reason": reason,
            "company_id": company_id,
            "category_id": category_id or False,
            "partner_id": partner_id or False,
            "ticket_ids": [Command.set(tickets.ids)],
            "department_id": department.id,
            "leader_id": (leader or first.team_id.user_id).id,
        }
