from odoo.exceptions import AccessError, UserError

from .common import ItsmCase, follow_up


class ProblemCase(ItsmCase):
    """Incidents of a nature the Business department handles: its head
    (users["department_head"]) is the department leader who decides."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Own categories: demo data may hold problems of the seeded ones.
        Category = cls.env["helpdesk.ticket.category"]
        cls.tills = Category.create({"name": "Tills"})
        cls.other_category = Category.create({"name": "Printers"})
        cls.nature = cls.env["itsm.event.nature"].create(
            {"name": "Till fault", "department_id": cls.business.id}
        )
        cls.Proposal = cls.env["itsm.problem.proposal"]
        cls.leader = cls.users["department_head"]

    def report(self, count=1, category=None, partner=None, **values):
        """Incidents reported (and analysed, as right after their commit)."""
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": "Tills offline again",
                    "description": "x",
                    "category_id": (category or self.tills).id,
                    "partner_id": (partner or self.portal_company).id,
                    "nature_id": self.nature.id,
                    "team_id": self.desk_team.id,
                    **values,
                }
                for _i in range(count)
            ]
        )
        follow_up(self.env)
        return tickets

    def problems(self):
        return self.env["itsm.problem"].search([("category_id", "=", self.tills.id)])

    def proposals(self):
        return self.Proposal.search(
            [
                ("category_id", "=", self.tills.id),
                ("partner_id", "in", (self.portal_company | self.other_company).ids),
            ]
        )


class TestProblemProposal(ProblemCase):
    def test_severe_impact_proposes_a_problem_to_the_department_leader(self):
        ticket = self.report(impact="severe")
        proposal = self.proposals()
        self.assertEqual(len(proposal), 1)
        self.assertEqual(proposal.reason, "severe")
        self.assertEqual(proposal.ticket_ids, ticket)
        self.assertEqual(proposal.leader_id, self.leader)
        self.assertEqual(proposal.review_ids.reviewer_ids, self.leader)
        self.assertEqual(proposal.validation_status, "pending")
        self.assertIn(proposal, self.Proposal.with_user(self.leader).search([]))
        self.assertTrue(proposal.with_user(self.leader).can_review)

    def test_incidents_are_analysed_once_right_after_their_commit(self):
        cron = self.env.ref("itsm_incident.ir_cron_itsm_ticket_follow_up")
        Trigger = self.env["ir.cron.trigger"]
        self.env.cr.precommit.run()  # what the class set up
        before = Trigger.search([("cron_id", "=", cron.id)])
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": "Tills offline",
                    "description": "x",
                    "category_id": self.tills.id,
                    "partner_id": self.portal_company.id,
                    "nature_id": self.nature.id,
                    "impact": "severe",
                }
                for _i in range(2)
            ]
        )
        self.env["helpdesk.ticket"].create(
            {"name": "Same transaction", "description": "x", "impact": "severe"}
        )
        self.assertFalse(self.proposals(), "the request does not wait for it")
        self.env.cr.precommit.run()  # as the commit does
        self.assertEqual(
            len(Trigger.search([("cron_id", "=", cron.id)]) - before),
            1,
            "one run for the whole transaction",
        )
        follow_up(self.env)
        self.assertEqual(self.proposals().ticket_ids, tickets)
        self.assertFalse(any(tickets.mapped("itsm_follow_up_pending")))
        self.assertEqual(follow_up(self.env), 0, "each ticket is analysed once")
        self.assertEqual(len(self.proposals()), 1)

    def test_an_incident_becoming_severe_is_proposed(self):
        ticket = self.report(impact="moderate")
        self.assertFalse(self.proposals())
        ticket.impact = "severe"
        self.assertFalse(self.proposals(), "proposed right after the commit")
        follow_up(self.env)
        self.assertEqual(self.proposals().ticket_ids, ticket)

    def test_three_recurrences_make_one_proposal_and_a_fourth_joins_it(self):
        first_two = self.report(2)
        self.assertFalse(self.proposals(), "two occurrences are not a problem yet")
        third = self.report()
        proposal = self.proposals()
        self.assertEqual(len(proposal), 1, "three recurrences, one proposal")
        self.assertEqual(proposal.reason, "recurrence")
        self.assertEqual(proposal.ticket_ids, first_two | third)
        fourth = self.report()
        self.assertEqual(self.proposals(), proposal, "the 4th joins, no new one")
        self.assertEqual(proposal.ticket_ids, first_two | third | fourth)
        self.assertEqual(len(proposal.review_ids), 1, "still one decision to take")
        # Another customer's incidents are another cluster.
        self.report(3, partner=self.other_company)
        self.assertEqual(len(self.proposals()), 2)

    def test_three_recurrences_reported_at_once_make_one_proposal(self):
        tickets = self.report(3)
        proposal = self.proposals()
        self.assertEqual(len(proposal), 1)
        self.assertEqual(proposal.ticket_ids, tickets)

    def test_the_threshold_is_a_setting(self):
        self.env["ir.config_parameter"].set_param(
            "itsm_incident.problem_recurrence_threshold", "4"
        )
        self.report(3)
        self.assertFalse(self.proposals())
        self.report()
        self.assertEqual(len(self.proposals().ticket_ids), 4)

    def test_an_open_problem_of_the_category_is_proposed_for_linking(self):
        problem = self.env["itsm.problem"].create(
            {"name": "Till firmware", "category_id": self.tills.id}
        )
        proposal = self.report(impact="severe") and self.proposals()
        self.assertEqual(proposal.problem_id, problem)


class TestProblemDecision(ProblemCase):
    def setUp(self):
        super().setUp()
        self.tickets = self.report(3)
        self.proposal = self.proposals()

    def test_the_leader_accepts_and_the_incidents_become_a_problem(self):
        self.proposal.with_user(self.leader).action_accept()
        self.assertEqual(self.proposal.state, "accepted")
        self.assertEqual(self.proposal.decided_by_id, self.leader)
        problem = self.proposal.problem_id
        self.assertTrue(problem.number.startswith("PRB"))
        self.assertEqual(problem.category_id, self.tills)
        self.assertEqual(problem.state, "new")
        self.assertEqual(self.tickets.problem_id, problem)
        self.assertEqual(problem.ticket_ids, self.tickets)
        self.assertEqual(self.proposal.review_ids.status, "approved")
        # A later recurrence is proposed to join the problem.
        later = self.report()
        proposal = self.proposals() - self.proposal
        self.assertEqual(proposal.ticket_ids, later)
        self.assertEqual(proposal.problem_id, problem)

    def test_accepting_links_to_the_proposed_problem(self):
        problem = self.env["itsm.problem"].create(
            {"name": "Till firmware", "category_id": self.tills.id}
        )
        tickets = self.report(3, partner=self.other_company)
        proposal = self.proposals() - self.proposal
        self.assertEqual(proposal.problem_id, problem)
        proposal.with_user(self.leader).action_accept()
        self.assertEqual(tickets.problem_id, problem)
        self.assertEqual(problem.ticket_ids, tickets)

    def test_the_leader_rejects_with_a_reason(self):
        proposal = self.proposal.with_user(self.leader)
        status = self.proposal.review_ids.status
        with self.assertRaisesRegex(UserError, "reason"):
            proposal.action_reject()
        self.assertEqual(self.proposal.state, "proposed")
        self.assertEqual(self.proposal.review_ids.status, status)
        proposal.reject_reason = "Three different tills, three different causes."
        proposal.action_reject()
        self.assertEqual(self.proposal.state, "rejected")
        self.assertEqual(self.proposal.decided_by_id, self.leader)
        self.assertEqual(self.proposal.review_ids.status, "rejected")
        self.assertIn("different causes", self.proposal.reject_reason)
        self.assertFalse(self.tickets.problem_id)
        self.assertFalse(self.problems())

    def test_a_wrong_user_is_refused_and_nothing_changes(self):
        status = self.proposal.review_ids.status
        for role in ("division_leader", "agent", "manager"):
            proposal = self.proposal.with_user(self.users[role])
            # Read afresh, as in the user's own request: what the test's
            # transaction holds in its cache is not checked against the
            # record rules, and what it holds depends on the runner.
            self.env.invalidate_all()
            with self.assertRaises(AccessError) as refusal:
                proposal.action_accept()
            if role != "division_leader":
                # Who sees the proposal (not another department's head) is
                # told who decides.
                self.assertIn(self.leader.name, str(refusal.exception))
            with self.assertRaises(AccessError):
                proposal.action_reject()
        self.assertEqual(self.proposal.state, "proposed")
        self.assertEqual(self.proposal.review_ids.status, status)
        self.assertFalse(self.proposal.decided_by_id)
        self.assertFalse(self.tickets.problem_id)
        self.assertFalse(self.problems())

    def test_a_decided_proposal_cannot_be_decided_again(self):
        self.proposal.with_user(self.leader).action_accept()
        problem = self.proposal.problem_id
        with self.assertRaisesRegex(UserError, "already been decided"):
            self.proposal.with_user(self.leader).action_reject()
        self.assertEqual(self.proposal.state, "accepted")
        self.assertEqual(self.proposal.problem_id, problem)

    def test_another_department_head_does_not_see_the_proposal(self):
        self.assertFalse(
            self.Proposal.with_user(self.users["division_leader"]).search([])
        )


class TestKnownError(ProblemCase):
    def setUp(self):
        super().setUp()
        self.problem = self.env["itsm.problem"].create(
            {
                "name": "Till firmware hangs",
                "category_id": self.tills.id,
                "root_cause": "<p>Firmware 2.1 leaks memory.</p>",
                "workaround": "<p>Restart the till holding the blue key.</p>",
            }
        )

    def test_a_known_error_needs_its_workaround(self):
        bare = self.env["itsm.problem"].create({"name": "Unknown"})
        with self.assertRaisesRegex(UserError, "workaround"):
            bare.action_known_error()
        self.assertEqual(bare.state, "new")
        self.assertFalse(bare.known_error)

    def test_a_new_incident_is_shown_the_known_error_and_links_in_one_click(self):
        ticket = self.report()
        self.assertFalse(ticket.suggested_problem_id, "not a known error yet")
        self.problem.action_known_error()
        self.assertEqual(self.problem.state, "known_error")
        ticket = self.report().with_user(self.users["agent"])
        self.assertEqual(ticket.suggested_problem_id, self.problem)
        self.assertIn("blue key", ticket.suggested_workaround)
        other = self.report(category=self.other_category)
        self.assertFalse(other.suggested_problem_id)
        ticket.action_link_suggested_problem()
        self.assertEqual(ticket.problem_id, self.problem)
        self.assertFalse(ticket.suggested_problem_id, "linked: nothing to suggest")
        with self.assertRaisesRegex(UserError, "No known error"):
            other.action_link_suggested_problem()

    def test_the_suggestion_costs_the_same_for_one_or_many_incidents(self):
        self.problem.action_known_error()
        one = self.report()
        many = self.report(20, partner=self.other_company)
        counts = []
        for tickets in (one, many):
            tickets.invalidate_recordset()
            with self.assertQueryCount(3):
                tickets.mapped("suggested_problem_id")
            counts.append(self.problem in tickets.suggested_problem_id)
        self.assertEqual(counts, [True, True])

    def test_a_resolved_problem_is_no_longer_suggested(self):
        self.problem.action_known_error()
        with self.assertRaisesRegex(UserError, "permanent fix"):
            self.problem.action_resolve()
        self.problem.permanent_fix = "<p>Firmware 2.2.</p>"
        self.problem.action_resolve()
        self.assertEqual(self.problem.state, "resolved")
        self.assertFalse(self.report().suggested_problem_id)

    def test_a_known_error_and_its_fix_become_a_knowledge_article(self):
        bare = self.env["itsm.problem"].create({"name": "Unknown"})
        with self.assertRaisesRegex(UserError, "workaround or the permanent fix"):
            bare.action_create_article()
        self.assertFalse(
            self.env["itsm.knowledge.article"].search([("problem_id", "=", bare.id)])
        )
        self.problem.action_known_error()
        problem = self.problem.with_user(self.users["resolver"])
        action = problem.action_create_article()
        article = self.env["itsm.knowledge.article"].browse(action["res_id"])
        self.assertEqual(article.state, "draft")
        self.assertEqual(article.problem_id, self.problem)
        self.assertEqual(article.category_id, self.tills)
        self.assertIn("leaks memory", article.cause)
        self.assertIn("blue key", article.solution, "the workaround, no fix yet")
        self.assertEqual(problem.action_create_article()["res_id"], article.id)
        # Published, it is suggested on new incidents of the category.
        article.write({"solution": "<p>Install firmware 2.2.</p>"})
        article.action_publish()
        self.assertIn(article, self.report().knowledge_suggestion_ids)
