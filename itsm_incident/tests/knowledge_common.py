from odoo import Command

from .common import ItsmCase


class KnowledgeCase(ItsmCase):
    """A small knowledge base: Hardware > Printers, Network, and articles
    matching them by category and keywords."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["helpdesk.ticket.category"]
        cls.hardware = Category.create({"name": "Hardware"})
        cls.printers = Category.create(
            {"name": "Printers", "parent_id": cls.hardware.id}
        )
        cls.network = Category.create({"name": "Network"})
        Keyword = cls.env["itsm.knowledge.keyword"]
        cls.kw = {
            name: Keyword.search([("name", "=", name)])
            or Keyword.create({"name": name})
            for name in ("printer", "jam", "toner", "router", "打印机")
        }
        cls.Article = cls.env["itsm.knowledge.article"]
        # Demo articles out of the way.
        cls.Article.search([]).write({"state": "archived"})

    @classmethod
    def article(cls, name, category=None, keywords=(), state="published", **vals):
        return cls.Article.create(
            {
                "name": name,
                "category_id": category.id if category else False,
                "keyword_ids": [Command.set([cls.kw[k].id for k in keywords])],
                "symptom": f"<p>{name}: the symptom</p>",
                "solution": f"<p>{name}: the solution</p>",
                "state": state,
                **vals,
            }
        )

    @classmethod
    def ticket(cls, name, category=None, description="", **vals):
        return cls.env["helpdesk.ticket"].create(
            {
                "name": name,
                "description": description,
                "category_id": category.id if category else False,
                "partner_id": cls.users["reporter"].partner_id.id,
                "team_id": cls.desk_team.id,
                **vals,
            }
        )
