from odoo import Command

from .common import ItsmCase, screen

# What closing a ticket requires once the resolution record (INC-12) is
# there, as its handler records it; fields the ticket lacks are left out.
RESOLUTION = {
    "fix_description": "Cleaned the paper sensor.",
    "verification_state": "passed",
    "verification_result": "Prints again.",
    "resolution_cause": "Dust on the paper sensor.",
    "resolution_measures": "Cleaned the sensor with a dry cloth.",
    "resolution_result": "The printer prints again.",
    "resolution_prevention": "Clean the sensor at every toner change.",
    "resolution_lessons": "Watch this part in the monthly check.",
}


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

    @classmethod
    def close(cls, ticket, stage_xmlid="helpdesk_mgmt.helpdesk_ticket_stage_done"):
        """Screen the ticket as valid, then close it as solved, with its
        resolution record, through Resolved and the reporter's confirmation."""
        screen(ticket, cls.users["agent"])
        ticket.sudo().write(RESOLUTION)
        ticket.action_resolve()
        ticket.sudo().reporter_confirmed_date = ticket.resolved_date
        ticket.stage_id = cls.env.ref(stage_xmlid)
        return ticket
