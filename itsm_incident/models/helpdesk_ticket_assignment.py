from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, create_index

SECURITY_GROUP = "itsm_incident.group_itsm_security"
SECURITY_INCIDENT = "security_incident"


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """Assignment of a ticket (INC-7): the team of its category, the member
    with the skill and the least workload, the notice to the assignee, the
    acknowledgement that records the response time, reassignments."""

    _inherit = "helpdesk.ticket"

    acknowledged_date = fields.Datetime(readonly=True, copy=False)
    acknowledged_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    response_minutes = fields.Float(
        string="Response time (minutes)",
        compute="_compute_response_minutes",
        store=True,
        aggregator="avg",
    )
    reassignment_count = fields.Integer(readonly=True, copy=False)

    def init(self):
        # The workloads (open tickets by assignee and priority) from the
        # index alone: the open stages lead, so closed tickets, however
        # many, are not read.
        result = super().init()
        create_index(
            self.env.cr,
            "helpdesk_ticket_itsm_workload_idx",
            self._table,
            ["stage_id", "user_id", "itsm_priority"],
            where="active AND user_id IS NOT NULL",
        )
        return result

    @api.depends("acknowledged_date")
    def _compute_response_minutes(self):
        for ticket in self:
            # Never negative: create_date keeps microseconds, now() does not.
            ticket.response_minutes = (
                max((ticket.acknowledged_date - ticket.create_date).total_seconds(), 0)
                / 60
                if ticket.acknowledged_date and ticket.create_date
                else 0.0
            )

    @api.onchange("category_id")
    def _onchange_category_id_team(self):
        """Choosing a category proposes the team that handles it."""
        team = self._itsm_team_of_category(
            self.category_id, self._itsm_category_teams()
        )
        if team:
            self.team_id = team

    # ------------------------------------------------------------------
    # Hooks of helpdesk.ticket's default_get, create and write
    # ------------------------------------------------------------------

    @api.model
    def _itsm_assignment_defaults(self, values, fields_list):
        """In the Service Desk (context ``itsm_service_desk``), a new ticket
        goes to the company's service desk team; an ITSM team's ticket is
        assigned by skill and workload instead of to its creator. Elsewhere
        helpdesk_mgmt's defaults stand."""
        company = (
            self.env["res.company"].browse(values.get("company_id")) or self.env.company
        )
        if (
            self.env.context.get("itsm_service_desk")
            and "team_id" in fields_list
            and not values.get("team_id")
            and company.itsm_default_team_id
        ):
            values["team_id"] = company.itsm_default_team_id.id
        team = self.env["helpdesk.ticket.team"].browse(values.get("team_id"))
        # sudo: whether a team is ITSM is not a secret of the team.
        if company.itsm_auto_assign and team.sudo().is_itsm:
            # Assignment by skill and workload replaces "assign to the creator".
            values.pop("user_id", None)

    @api.model
    def _itsm_assignment_prepare_create(self, vals_list):
        """The category's team comes before the default service desk; new
        tickets with a team and no assignee get one by skill and workload in
        their values, all in one choice (one insert each, no second write).
        The assignees follow them and hear of them right after the commit
        (helpdesk_ticket_assignment_notice.py)."""
        Category = self.env["helpdesk.ticket.category"]
        Team = self.env["helpdesk.ticket.team"]
        category_teams = None
        for vals in vals_list:
            if not vals.get("team_id") and vals.get("category_id"):
                if category_teams is None:
                    category_teams = self._itsm_category_teams()
                team = self._itsm_team_of_category(
                    Category.browse(vals["category_id"]), category_teams
                )
                if team:
                    vals["team_id"] = team.id
        if any("team_id" not in vals for vals in vals_list):
            # The default team (the service desk's in the Service Desk) in
            # the values: whether the ticket is ITSM is known from here on.
            default_team = self.default_get(["team_id"]).get("team_id")
            if default_team:
                for vals in vals_list:
                    vals.setdefault("team_id", default_team)
        # Only ITSM teams' tickets: a plain team keeps helpdesk_mgmt's
        # assignment.
        unassigned = [
            vals
            for vals, is_itsm in zip(
                vals_list, self._itsm_vals_are_itsm(vals_list), strict=True
            )
            if is_itsm and not vals.get("user_id")
        ]
        if not unassigned:
            return
        # Read together: one query for all the teams, one for all the
        # categories. sudo: the team's company decides whether to assign,
        # whoever creates the ticket; only the choice leaves this method.
        teams = Team.sudo().browse({vals["team_id"] for vals in unassigned})
        categories = Category.browse(
            {vals["category_id"] for vals in unassigned if vals.get("category_id")}
        )
        matrix = self.env["itsm.priority.matrix"]._level_map()
        to_assign, requests = [], []
        for vals in unassigned:
            team = teams.browse(vals["team_id"]).with_prefetch(teams._prefetch_ids)
            company = (
                team.company_id
                or self.env["res.company"].browse(vals.get("company_id"))
                or self.env.company
            )
            if not company.itsm_auto_assign:
                continue
            # The priority the ticket will get (its workload weight).
            level = vals.get("priority_override") or matrix.get(
                (vals.get("impact"), vals.get("urgency"))
            )
            category = Category.browse(vals.get("category_id"))
            to_assign.append(vals)
            requests.append(
                (team, category.with_prefetch(categories._prefetch_ids), level)
            )
        users = (
            self._itsm_choose_assignees(
                requests,
                [
                    vals.get("declaration_type") == SECURITY_INCIDENT
                    for vals in to_assign
                ],
            )
            if requests
            else []
        )
        for vals, user in zip(to_assign, users, strict=True):
            if user:
                vals["user_id"] = user.id

    def _itsm_assignment_prepare_write(self, vals):
        if vals.get("category_id") and "team_id" not in vals:
            # A new category brings its team (not a new assignee alone).
            team = self._itsm_team_of_category(
                self.env["helpdesk.ticket.category"].browse(vals["category_id"]),
                self._itsm_category_teams(),
            )
            if team:
                vals["team_id"] = team.id
        if "user_id" in vals:
            for ticket in self.filtered(
                lambda t: t.user_id and t.user_id.id != vals["user_id"]
            ):
                # sudo: the count is the system's (helpdesk_ticket_stamps.py).
                ticket.sudo().reassignment_count += 1

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_acknowledge(self):
        """The handler takes the ticket: records the response time. Only a
        screened ticket (INC-2), only by the people who handle tickets."""
        if not self.env.user.has_group("itsm_incident.group_itsm_resolver"):
            raise AccessError(
                self.env._("Only the people who handle tickets acknowledge them.")
            )
        self._itsm_check_screened()
        to_acknowledge = self.filtered(lambda t: not t.acknowledged_date)
        if not to_acknowledge:
            raise UserError(self.env._("These tickets are already acknowledged."))
        now = fields.Datetime.now()
        # sudo: the stamps are the system's (helpdesk_ticket_stamps.py); the
        # handler may write these tickets (checked).
        to_acknowledge.check_access("write")
        for ticket in to_acknowledge:
            vals = {"acknowledged_date": now, "acknowledged_by_id": self.env.uid}
            if not ticket.user_id:
                vals["user_id"] = self.env.uid
            ticket.sudo().write(vals)
        # The reporter hears that someone is on it (a user action on a few
        # tickets: one post each).
        template = self.env.ref("itsm_incident.mail_template_acknowledged")
        for ticket in to_acknowledge.filtered("partner_id"):
            ticket.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
        return True

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _itsm_category_teams(self):
        """{category id: team} for the teams that list categories."""
        Team = self.env["helpdesk.ticket.team"]
        return {
            category_id: Team.browse(team_id)
            for category_id, team_id in Team._itsm_team_by_category().items()
        }

    @api.model
    def _itsm_team_of_category(self, category, category_teams):
        """The team listing the category or its nearest parent."""
        lineage = [int(i) for i in (category.parent_path or "").split("/")[:-1]]
        for category_id in reversed(lineage):
            if category_id in category_teams:
                return category_teams[category_id]
        return self.env["helpdesk.ticket.team"]

    @api.model_create_multi
    def create(self, vals_list):
        # A team that came from a default (not in the values): assigned
        # before mail.thread's create ends, as part of the creation.
        tickets = super().create(vals_list)
        tickets.filtered(lambda t: t.is_itsm and not t.user_id)._itsm_assign_by_load()
        return tickets

    def _itsm_assign_by_load(self):
        """Assign these new tickets by skill and workload, with one write per
        assignee (tickets whose team came from a default)."""
        tickets = self.filtered(lambda t: t.company_id.itsm_auto_assign)
        users = self._itsm_choose_assignees(
            [(t.team_id, t.category_id, t.itsm_priority) for t in tickets],
            [t.declaration_type == SECURITY_INCIDENT for t in tickets],
        )
        chosen = defaultdict(lambda: self.browse())
        for ticket, user in zip(tickets, users, strict=True):
            if user:
                chosen[user] |= ticket
        for user, assigned in chosen.items():
            # The assignee follows them and hears of them right after the
            # commit (helpdesk_ticket_assignment_notice.py).
            assigned.write(
                {
                    "user_id": user.id,
                    "itsm_notice_user_id": self._itsm_assignee_to_notify(user),
                }
            )

    @api.model
    def _itsm_choose_assignees(self, requests, security_only=None):
        """The assignee for each ``(team, category, priority level)``: of the
        team's members who have the skill for the category or one of its
        parents (all members when nobody has), the one with the least
        workload, counting the requests before it; an empty recordset for a
        team without members. ``security_only``: for each request, whether
        only members of the security group may take it (a security
        incident, X-7)."""
        # sudo: the team's members and their skills decide, whoever creates
        # the ticket (a portal user, the mail gateway); only the choice
        # leaves this method.
        Users = self.env["res.users"].sudo()
        requests = [
            (team.sudo(), category.sudo(), level) for team, category, level in requests
        ]
        members = Users.union(*(team.user_ids for team, _category, _level in requests))
        if not members:
            return [Users] * len(requests)
        weights = {
            level: weight
            for level, (_id, weight) in self.env["itsm.priority"]._level_data().items()
        }
        load = self._itsm_workloads(members, weights)
        result = []
        security_only = security_only or [False] * len(requests)
        for (team, category, level), confidential in zip(
            requests, security_only, strict=True
        ):
            candidates = team.user_ids
            if confidential:
                candidates = candidates.filtered(
                    lambda user: user._has_group(SECURITY_GROUP)
                )
            if not candidates:
                result.append(Users)
                continue
            lineage = set(map(int, (category.parent_path or "").split("/")[:-1]))
            skilled = candidates.filtered(
                lambda user, lineage=lineage: lineage
                & set(user.itsm_skill_category_ids.ids)
            )
            user = min(skilled or candidates, key=lambda u: (load[u.id], u.id))
            load[user.id] += weights.get(level, 1)
            result.append(user)
        return result

    @api.model
    def _itsm_workloads(self, users, weights):
        """{user id: open tickets weighted by priority}, in one query that
        reads the index of (assignee, stage, priority) alone."""
        self.env["helpdesk.ticket"].flush_model(
            ["user_id", "stage_id", "itsm_priority", "active"]
        )
        # Counts every open ticket of the candidates in the open stages of
        # every team, also those the creator may not read; only the counts
        # leave this method.
        self.env.cr.execute(
            SQL(
                """
                SELECT user_id, itsm_priority, count(*)
                  FROM helpdesk_ticket
                 WHERE stage_id = ANY(ARRAY(SELECT id FROM helpdesk_ticket_stage
                                             WHERE closed IS NOT TRUE))
                   AND user_id = ANY(%s) AND active
                 GROUP BY user_id, itsm_priority
                """,
                users.ids,
            )
        )
        load = defaultdict(int)
        for user_id, level, count in self.env.cr.fetchall():
            load[user_id] += count * weights.get(level, 1)
        return load
