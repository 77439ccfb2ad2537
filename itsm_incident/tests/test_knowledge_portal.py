from lxml import html

from odoo.tests import HttpCase, tagged

from .knowledge_common import KnowledgeCase


@tagged("post_install", "-at_install")
class TestKnowledgePortal(HttpCase, KnowledgeCase):
    """INC-14: customers read published articles on the portal, nothing
    else, through the pages they use."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.published = cls.article(
            "Printer reports a paper jam",
            cls.printers,
            ["printer", "打印机"],
            cause="<p>Dust on the paper sensor.</p>",
            solution="<p>Clean the paper sensor behind the rear cover.</p>",
        )
        cls.router = cls.article("Router reset", cls.network, ["router"])
        cls.draft = cls.article(
            "Secret printer workaround", cls.printers, ["printer"], state="draft"
        )
        cls.archived = cls.article("Old printer model", cls.printers, state="archived")

    def setUp(self):
        super().setUp()
        self.authenticate("test_portal", "test_portal")

    def titles(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        return [
            " ".join(node.text_content().split())
            for node in html.fromstring(page.content).xpath(
                "//div[hasclass('o_itsm_knowledge_list')]/a/div[hasclass('fw-bold')]"
            )
        ]

    def test_portal_lists_published_articles_only(self):
        titles = self.titles("/my/knowledge")
        self.assertIn("Printer reports a paper jam", titles)
        self.assertIn("Router reset", titles)
        self.assertNotIn("Secret printer workaround", titles)
        self.assertNotIn("Old printer model", titles)

    def test_portal_searches_by_keyword_and_category(self):
        self.assertEqual(
            self.titles("/my/knowledge?search=printer"), ["Printer reports a paper jam"]
        )
        self.assertEqual(
            self.titles("/my/knowledge?search=打印机"), ["Printer reports a paper jam"]
        )
        self.assertEqual(
            self.titles(f"/my/knowledge?category={self.network.id}"), ["Router reset"]
        )
        self.assertEqual(
            self.titles(f"/my/knowledge?search=router&category={self.hardware.id}"), []
        )

    def test_portal_reads_a_published_article(self):
        page = self.url_open(f"/my/knowledge/{self.published.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Clean the paper sensor behind the rear cover.", page.text)
        self.assertIn("Dust on the paper sensor.", page.text)

    def test_portal_cannot_read_a_draft(self):
        for article in (self.draft, self.archived):
            page = self.url_open(f"/my/knowledge/{article.id}")
            self.assertEqual(page.status_code, 404)
            self.assertNotIn(article.name, page.text)
        self.assertEqual(self.url_open("/my/knowledge/999999").status_code, 404)

    def test_agent_reads_drafts_in_the_back_office_not_on_the_portal(self):
        self.authenticate("test_agent", "test_agent")
        self.assertEqual(
            self.url_open(f"/my/knowledge/{self.draft.id}").status_code, 404
        )

    def test_portal_reads_the_article_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.published.update_field_translations("name", {"zh_CN": "打印机报卡纸"})
        self.published.update_field_translations(
            "solution",
            {
                "zh_CN": {
                    "Clean the paper sensor behind the rear cover.": (
                        "清洁后盖内的纸张传感器。"
                    )
                }
            },
        )
        self.users["portal"].lang = "zh_CN"
        self.authenticate("test_portal", "test_portal")  # a session in Chinese
        page = self.url_open(f"/my/knowledge/{self.published.id}")
        self.assertIn("打印机报卡纸", page.text)
        self.assertIn("清洁后盖内的纸张传感器。", page.text)
        self.assertIn("打印机报卡纸", self.titles("/my/knowledge?search=卡纸"))

    def test_portal_home_links_the_knowledge_base(self):
        page = self.url_open("/my")
        self.assertIn('href="/my/knowledge"', page.text)

    def test_anonymous_visitor_is_sent_to_login(self):
        self.authenticate(None, None)
        page = self.url_open("/my/knowledge", allow_redirects=False)
        self.assertIn(page.status_code, (302, 303))
        self.assertIn("/web/login", page.headers["Location"])


@tagged("post_install", "-at_install")
class TestKnowledgeTour(HttpCase, KnowledgeCase):
    def test_agent_applies_a_suggested_article(self):
        """In Chromium, an agent finds the suggested article on a new ticket
        and records that it solved it; the article's usage goes up."""
        fix = self.article("Jammed printer", self.printers, ["printer"])
        ticket = self.ticket(
            "Printer on floor 3", self.printers, "<p>It says paper jam.</p>"
        )
        self.start_tour(
            f"/odoo/itsm-tickets/{ticket.id}",
            "itsm_knowledge_apply_suggestion",
            login="test_agent",
        )
        self.assertEqual(ticket.knowledge_article_ids, fix)
        self.assertEqual(fix.usage_count, 1)
