from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

ARTICLES_PER_PAGE = 20


class ItsmKnowledgePortal(CustomerPortal):
    """The knowledge base on the portal (INC-14): published articles only,
    searched by words and category; read with the visitor's own rights."""

    @http.route(
        ["/my/knowledge", "/my/knowledge/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_knowledge(self, page=1, search="", category="", **kw):
        Article = request.env["itsm.knowledge.article"]
        category_id = int(category) if category.isdigit() else None
        domain = [("state", "=", "published")] + Article._itsm_search_domain(
            search, category_id
        )
        count = Article.search_count(domain)
        pager = portal_pager(
            url="/my/knowledge",
            url_args={"search": search, "category": category},
            total=count,
            page=page,
            step=ARTICLES_PER_PAGE,
        )
        articles = Article.search(
            domain,
            order="usage_count desc, id desc",
            limit=ARTICLES_PER_PAGE,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "articles": articles,
                "pager": pager,
                "search": search,
                "category_id": category_id,
                "categories": self._itsm_knowledge_categories(),
                "page_name": "knowledge",
                "default_url": "/my/knowledge",
            }
        )
        return request.render("itsm_incident.portal_my_knowledge", values)

    @http.route(
        "/my/knowledge/<int:article_id>", type="http", auth="user", website=True
    )
    def portal_knowledge_article(self, article_id, **kw):
        article = request.env["itsm.knowledge.article"].browse(article_id)
        try:
            article.check_access("read")
            published = article.state == "published"
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        if not published:
            # Staff may read drafts in the back office, not here.
            raise NotFound()
        values = self._prepare_portal_layout_values()
        values.update({"article": article, "page_name": "knowledge"})
        return request.render("itsm_incident.portal_knowledge_article", values)

    @staticmethod
    def _itsm_knowledge_categories():
        """The categories that have published articles, for the filter."""
        groups = request.env["itsm.knowledge.article"]._read_group(
            [("state", "=", "published"), ("category_id", "!=", False)],
            ["category_id"],
        )
        return request.env["helpdesk.ticket.category"].union(
            *(category for (category,) in groups)
        )
