from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form

from .knowledge_common import KnowledgeCase


class TestKnowledgeSuggestions(KnowledgeCase):
    """INC-11: knowledge lookup first — matching articles on the ticket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.same_and_text = cls.article("Jammed printer", cls.printers, ["printer"])
        cls.same_category = cls.article("Printer driver", cls.printers)
        cls.two_keywords = cls.article("Paper jam", cls.network, ["printer", "jam"])
        cls.parent_category = cls.article("Hardware checklist", cls.hardware)
        cls.draft = cls.article(
            "Unpublished printer fix", cls.printers, ["printer"], state="draft"
        )
        cls.unrelated = cls.article("Router reset", cls.network, ["router"])

    def test_suggestions_ranked_by_category_and_words(self):
        """Category and keywords found in the ticket's words rank the
        published articles; drafts and unrelated articles are left out."""
        ticket = self.ticket(
            "Printer on floor 3", self.printers, "<p>Paper jam every morning.</p>"
        )
        self.assertEqual(
            ticket.knowledge_suggestion_ids.ids,
            [
                self.same_and_text.id,  # same category + 1 keyword
                self.two_keywords.id,  # 2 keywords
                self.same_category.id,  # same category
                self.parent_category.id,  # parent category
            ],
        )

    def test_chinese_keyword_found_in_text_without_spaces(self):
        zh = self.article("打印机卡纸", None, ["打印机"])
        ticket = self.ticket("三楼的打印机不出纸")
        self.assertEqual(ticket.knowledge_suggestion_ids, zh)

    def test_no_category_no_keyword_no_suggestion(self):
        ticket = self.ticket("Coffee machine empty")
        self.assertFalse(ticket.knowledge_suggestion_ids)

    def test_suggestion_limit_is_a_setting(self):
        self.env["ir.config_parameter"].set_param(
            "itsm_incident.knowledge_suggestion_limit", 2
        )
        ticket = self.ticket("Printer on floor 3", self.printers, "<p>Paper jam</p>")
        self.assertEqual(
            ticket.knowledge_suggestion_ids.ids,
            [self.same_and_text.id, self.two_keywords.id],
        )

    def test_suggestions_follow_the_ticket_text(self):
        ticket = self.ticket("Something is broken")
        self.assertFalse(ticket.knowledge_suggestion_ids)
        ticket.name = "The router is broken"
        self.assertEqual(ticket.knowledge_suggestion_ids, self.unrelated)

    def test_suggestions_computed_set_wise(self):
        """Suggestions for 20 tickets cost the queries of 6 tickets."""
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Printer {i} jam" if i % 2 else f"Router {i}",
                    "description": f"<p>Ticket {i}</p>",
                    "category_id": (self.printers if i % 3 else self.network).id,
                    "team_id": self.desk_team.id,
                }
                for i in range(20)
            ]
        )

        self._count_queries_equal(tickets[:6], tickets)

    def _count_queries_equal(self, small, large):
        counts = []
        small[0].mapped("knowledge_suggestion_ids")  # warms the settings cache
        for batch in (small, large):
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            batch.mapped("knowledge_suggestion_ids")
            counts.append(self.cr.sql_log_count - start)
        self.assertEqual(counts[0], counts[1])

    def test_reporter_sees_only_published_suggestions(self):
        ticket = self.ticket("Printer on floor 3", self.printers)
        suggested = ticket.with_user(self.users["reporter"]).knowledge_suggestion_ids
        self.assertNotIn(self.draft, suggested)
        self.assertIn(self.same_category, suggested)


class TestKnowledgeUsage(KnowledgeCase):
    """INC-14: "This solved it" links the article; usage counts once per
    ticket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fix = cls.article("Jammed printer", cls.printers, ["printer"])

    def apply(self, ticket, article, role="agent"):
        return (
            article.with_user(self.users[role])
            .with_context(itsm_ticket_id=ticket.id)
            .action_apply_to_ticket()
        )

    def test_usage_counted_once_per_ticket(self):
        ticket = self.ticket("Printer jammed", self.printers)
        self.assertIn(self.fix, ticket.knowledge_suggestion_ids)
        self.apply(ticket, self.fix)
        self.assertEqual(ticket.knowledge_article_ids, self.fix)
        self.assertEqual(self.fix.usage_count, 1)
        self.assertNotIn(self.fix, ticket.knowledge_suggestion_ids)
        self.assertIn("Solved with the knowledge article", ticket.message_ids[0].body)

        with self.assertRaisesRegex(UserError, "already recorded"):
            self.apply(ticket, self.fix)
        self.assertEqual(self.fix.usage_count, 1)

        other = self.ticket("Printer jammed again", self.printers)
        self.apply(other, self.fix, role="resolver")
        self.assertEqual(self.fix.usage_count, 2)
        self.assertEqual(self.fix.ticket_ids, ticket | other)

    def test_usage_counts_tickets_the_user_cannot_read(self):
        """The count is the article's, whoever looks at it."""
        self.apply(self.ticket_other, self.fix, role="agent")
        self.assertEqual(self.fix.with_user(self.users["reporter"]).usage_count, 1)

    def test_unlinking_the_article_takes_the_use_back(self):
        ticket = self.ticket("Printer jammed", self.printers)
        self.apply(ticket, self.fix)
        ticket.knowledge_article_ids = [Command.unlink(self.fix.id)]
        self.assertEqual(self.fix.usage_count, 0)

    def test_draft_article_cannot_solve_a_ticket(self):
        draft = self.article("Draft fix", self.printers, state="draft")
        ticket = self.ticket("Printer jammed", self.printers)
        with self.assertRaisesRegex(UserError, "Only a published article"):
            self.apply(ticket, draft)
        self.assertFalse(ticket.knowledge_article_ids)
        self.assertEqual(draft.usage_count, 0)

    def test_apply_needs_the_ticket(self):
        with self.assertRaisesRegex(UserError, "Open the ticket"):
            self.fix.with_user(self.users["agent"]).action_apply_to_ticket()


class TestKnowledgeFromTicket(KnowledgeCase):
    """INC-14: a resolved incident becomes a draft article in one step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.cancelled = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_cancelled")

    def test_create_article_from_resolved_ticket(self):
        ticket = self.ticket(
            "Printer shows paper jam",
            self.printers,
            "<p>No paper is stuck, the printer still says jam.</p>",
        )
        agent_ticket = ticket.with_user(self.users["agent"])
        with self.assertRaisesRegex(UserError, "not resolved yet"):
            agent_ticket.action_itsm_create_article()
        self.assertFalse(self.Article.search([("ticket_id", "=", ticket.id)]))

        self.assertFalse(ticket.knowledge_can_create)
        self.close(ticket)
        self.assertTrue(ticket.knowledge_can_create)
        action = agent_ticket.action_itsm_create_article()
        article = self.Article.browse(action["res_id"])
        self.assertEqual(action["res_model"], "itsm.knowledge.article")
        self.assertRecordValues(
            article,
            [
                {
                    "name": "Printer shows paper jam",
                    "category_id": self.printers.id,
                    "ticket_id": ticket.id,
                    "author_id": self.users["agent"].id,
                    "state": "draft",
                    "usage_count": 0,
                }
            ],
        )
        self.assertIn("No paper is stuck", article.symptom)
        # The author completes the draft.
        article.with_user(self.users["agent"]).solution = "<p>Clean the sensor.</p>"

        # A second click opens the same article, none is duplicated.
        again = agent_ticket.action_itsm_create_article()
        self.assertEqual(again["res_id"], article.id)
        self.assertEqual(self.Article.search_count([("ticket_id", "=", ticket.id)]), 1)

    def test_symptom_from_title_when_no_description(self):
        ticket = self.ticket("VPN drops", self.hardware, stage_id=self.done.id)
        vals = ticket._itsm_prepare_article_vals()
        self.assertIn("VPN drops", vals["symptom"])
        self.assertEqual(vals["category_id"], self.hardware.id)

    def test_cause_and_solution_from_the_resolution_record(self):
        ticket = self.close(self.ticket("Printer shows paper jam", self.printers))
        vals = ticket._itsm_prepare_article_vals()
        self.assertIn("Dust on the paper sensor.", vals["cause"])
        for text in (
            "Cleaned the sensor with a dry cloth.",
            "The printer prints again.",
            "Clean the sensor at every toner change.",
        ):
            self.assertIn(text, vals["solution"])

    def test_resolved_stage_awaiting_confirmation_counts_as_resolved(self):
        Stage = self.env["helpdesk.ticket.stage"]
        resolved = Stage.search([("itsm_resolved", "=", True)], limit=1)
        ticket = self.close(self.ticket("Printer jam", self.printers))
        ticket.stage_id = resolved
        self.assertTrue(ticket.knowledge_can_create)
        action = ticket.with_user(self.users["agent"]).action_itsm_create_article()
        self.assertEqual(self.Article.browse(action["res_id"]).ticket_id, ticket)

    def test_cancelled_ticket_is_not_resolved(self):
        ticket = self.ticket("Duplicate", self.printers, stage_id=self.cancelled.id)
        with self.assertRaisesRegex(UserError, "not resolved yet"):
            ticket.action_itsm_create_article()


class TestKnowledgeAccess(KnowledgeCase):
    """Authors write drafts, managers publish, employees read published."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.published = cls.article("Printer fix", cls.printers, ["printer"])

    def test_resolver_writes_an_article_in_the_form(self):
        with Form(self.Article.with_user(self.users["resolver"])) as form:
            form.name = "Monitor flickers"
            form.category_id = self.hardware
            form.symptom = "<p>The screen flickers.</p>"
            form.solution = "<p>Replace the cable.</p>"
        article = form.record
        self.assertRecordValues(
            article,
            [
                {
                    "author_id": self.users["resolver"].id,
                    "state": "draft",
                    "usage_count": 0,
                }
            ],
        )

    def test_author_writes_draft_but_cannot_publish(self):
        Article = self.Article.with_user(self.users["resolver"])
        draft = Article.create({"name": "My draft", "symptom": "<p>s</p>"})
        draft.solution = "<p>Do this.</p>"
        self.assertEqual(draft.author_id, self.users["resolver"])
        with self.assertRaises(AccessError):
            draft.action_publish()
        with self.assertRaises(AccessError):
            draft.write({"state": "published"})
        with self.assertRaises(AccessError):
            Article.create({"name": "Sneaky", "state": "published"})
        self.assertEqual(draft.state, "draft")

    def test_resolver_cannot_edit_published_or_others_drafts(self):
        others = self.article("Agent's draft", state="draft")
        for record in (self.published, others):
            with self.assertRaises(AccessError):
                record.with_user(self.users["resolver"]).name = "Changed"
        self.assertEqual(self.published.name, "Printer fix")

    def test_manager_publishes_complete_articles_only(self):
        draft = self.article("Incomplete", state="draft", solution=False)
        manager_draft = draft.with_user(self.users["manager"])
        with self.assertRaisesRegex(UserError, "without a solution"):
            manager_draft.action_publish()
        self.assertEqual(draft.state, "draft")
        manager_draft.solution = "<p>Fixed.</p>"
        manager_draft.action_publish()
        self.assertEqual(draft.state, "published")
        self.assertTrue(draft.published_date)
        manager_draft.action_archive_article()
        self.assertEqual(draft.state, "archived")

    def test_reporter_reads_published_articles_only(self):
        draft = self.article("Draft", self.printers, state="draft")
        archived = self.article("Old", self.printers, state="archived")
        Article = self.Article.with_user(self.users["reporter"])
        found = Article.search([("id", "in", (self.published | draft | archived).ids)])
        self.assertEqual(found, self.published)
        with self.assertRaises(AccessError):
            draft.with_user(self.users["reporter"]).read(["name"])
        with self.assertRaises(AccessError):
            Article.create({"name": "Reporter's article"})

    def test_agent_searches_by_keyword_and_words(self):
        other = self.article("Router reset", self.network, ["router"])
        Article = self.Article.with_user(self.users["agent"])

        def search(text, category=None):
            return Article.search(
                [("state", "!=", "archived")]
                + Article._itsm_search_domain(text, category and category.id)
            )

        self.assertEqual(search("printer"), self.published)
        self.assertEqual(search("ROUTER reset"), other)
        self.assertEqual(search("solution", self.hardware), self.published)
        self.assertEqual(search("solution"), self.published | other)
        self.assertFalse(search("printer router"))

    def test_keyword_too_short(self):
        with self.assertRaises(ValidationError):
            self.env["itsm.knowledge.keyword"].create({"name": "a"})

    def test_knowledge_menu_for_every_role(self):
        self.assertIn(
            "itsm_incident.menu_itsm_knowledge", self.visible_menus("reporter")
        )
        self.assertNotIn(
            "itsm_incident.menu_itsm_config_knowledge_keywords",
            self.visible_menus("agent"),
        )

    def test_portal_reads_the_article_not_the_tickets_it_solved(self):
        self.ticket_customer.knowledge_article_ids = [Command.link(self.published.id)]
        article = self.published.with_user(self.users["portal"])
        self.assertEqual(article.read(["name", "usage_count"])[0]["usage_count"], 1)
        with self.assertRaises(AccessError):
            article.read(["ticket_ids"])
        with self.assertRaises(AccessError):
            article.read(["ticket_id"])
