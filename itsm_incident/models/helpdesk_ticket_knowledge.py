from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import html2plaintext, is_html_empty, plaintext2html

# Closed stages of helpdesk_mgmt that end a ticket without solving it.
# The resolution record (INC-12, helpdesk_ticket_resolution.py) written into the
# article: its cause, and the measures, result and prevention advice as the
# solution.
RESOLUTION_TO_ARTICLE = {
    "cause": ("resolution_cause",),
    "solution": (
        "resolution_measures",
        "resolution_result",
        "resolution_prevention",
    ),
}
# Ranking of a suggested article: its category against the ticket's, and
# each of its keywords found in the ticket's text.
SCORE_SAME_CATEGORY = 3
SCORE_PARENT_CATEGORY = 2
SCORE_CHILD_CATEGORY = 1
SCORE_KEYWORD = 2


def _lineage(category):
    """Ids of a category and its ancestors, from the root down."""
    return [int(i) for i in (category.parent_path or "").split("/")[:-1]]


def _score(ticket_lineage, article_lineage, keywords_found):
    """How well an article matches a ticket: its category against the
    ticket's (same, an ancestor, or below it) and its keywords found in the
    ticket's text."""
    score = SCORE_KEYWORD * keywords_found
    if ticket_lineage and article_lineage:
        category_id = ticket_lineage[-1]
        if article_lineage[-1] == category_id:
            score += SCORE_SAME_CATEGORY
        elif article_lineage[-1] in ticket_lineage:
            score += SCORE_PARENT_CATEGORY
        elif category_id in article_lineage:
            score += SCORE_CHILD_CATEGORY
    return score


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """Knowledge lookup first (INC-11, INC-14): the published articles that
    match a ticket's category and text are suggested on it before handling
    starts; "This solved it" links an article to the ticket (its usage counts
    once per ticket); a resolved ticket becomes a draft article in one step."""

    _inherit = "helpdesk.ticket"

    knowledge_article_ids = fields.Many2many(
        "itsm.knowledge.article",
        "helpdesk_ticket_knowledge_article_rel",
        "ticket_id",
        "article_id",
        string="Applied articles",
        copy=False,
        help="Knowledge articles that solved this ticket.",
    )
    knowledge_suggestion_ids = fields.Many2many(
        "itsm.knowledge.article",
        compute="_compute_knowledge_suggestion_ids",
        string="Suggested articles",
        help="Published articles matching the ticket's category and the "
        "keywords found in its title and description, best first.",
    )

    knowledge_can_create = fields.Boolean(
        string="Article can be written",
        compute="_compute_knowledge_can_create",
        help="Resolved: a knowledge article may be written from this ticket.",
    )

    @api.depends("stage_id")
    def _compute_knowledge_can_create(self):
        for ticket in self:
            ticket.knowledge_can_create = ticket._itsm_is_resolved()

    @api.depends("category_id", "name", "description", "knowledge_article_ids")
    def _compute_knowledge_suggestion_ids(self):
        """One keyword query and one article search for the whole batch;
        each ticket then ranks only the articles of its own categories and
        keywords."""
        texts = [ticket._itsm_knowledge_text() for ticket in self]
        keywords_by_index = self.env["itsm.knowledge.keyword"]._itsm_found_in(texts)
        lineages = [_lineage(ticket.category_id) for ticket in self]
        articles = self._itsm_candidate_articles(
            {cid for lineage in lineages for cid in lineage},
            self.category_id.ids,
            {kid for kids in keywords_by_index.values() for kid in kids},
        )
        # Plain data of each article (id: lineage, keywords, usage), and the
        # articles by their category, by each category above it, by keyword.
        data = {}
        by_category, below, by_keyword = (defaultdict(set) for _i in range(3))
        for article in articles:
            lineage = _lineage(article.category_id)
            keywords = frozenset(article.keyword_ids.ids)
            data[article.id] = (lineage, keywords, article.usage_count)
            by_category[article.category_id.id].add(article.id)
            for category_id in lineage:
                below[category_id].add(article.id)
            for keyword_id in keywords:
                by_keyword[keyword_id].add(article.id)
        limit = self._itsm_knowledge_suggestion_limit()
        for index, ticket in enumerate(self):
            lineage = lineages[index]
            keyword_ids = keywords_by_index.get(index, set())
            candidates = (
                set()
                .union(
                    below[lineage[-1]] if lineage else (),
                    *(by_category[cid] for cid in lineage),
                    *(by_keyword[kid] for kid in keyword_ids),
                )
                .difference(ticket.knowledge_article_ids.ids)
            )
            ranked = []
            for article_id in candidates:
                article_lineage, keywords, usage = data[article_id]
                score = _score(lineage, article_lineage, len(keywords & keyword_ids))
                if score > 0:
                    ranked.append((-score, -usage, -article_id))
            ranked.sort()
            ticket.knowledge_suggestion_ids = [
                Command.set([-key[2] for key in ranked[:limit]])
            ]

    @api.model
    def _itsm_candidate_articles(self, lineage_ids, category_ids, keyword_ids):
        """Published articles of these categories (or their ancestors in
        ``lineage_ids``, or below them) or carrying these keywords."""
        Article = self.env["itsm.knowledge.article"]
        alternatives = []
        if lineage_ids:
            alternatives.append([("category_id", "in", list(lineage_ids))])
        if category_ids:
            alternatives.append([("category_id", "child_of", list(category_ids))])
        if keyword_ids:
            alternatives.append([("keyword_ids", "in", list(keyword_ids))])
        if not alternatives:
            return Article
        return Article.search(
            expression.AND([[("state", "=", "published")], expression.OR(alternatives)])
        )

    @api.model
    def _itsm_knowledge_suggestion_limit(self):
        # sudo: a display setting every ticket form reads.
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("itsm_incident.knowledge_suggestion_limit", 5)
        )

    def _itsm_knowledge_text(self):
        """The words of the ticket that suggest articles."""
        self.ensure_one()
        return "\n".join(
            filter(None, [self.name, html2plaintext(self.description or "")])
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _itsm_apply_article(self, article):
        """Record that ``article`` solved this ticket: linked once, so its
        usage counts once per ticket."""
        self.ensure_one()
        if article.state != "published":
            raise UserError(
                self.env._(
                    "Only a published article can solve a ticket; “%s” is not.",
                    article.name,
                )
            )
        if article in self.knowledge_article_ids:
            raise UserError(
                self.env._(
                    "Article “%(article)s” is already recorded as the solution "
                    "of %(ticket)s.",
                    article=article.name,
                    ticket=self.display_name,
                )
            )
        self.knowledge_article_ids = [Command.link(article.id)]
        self._message_log(
            body=Markup("%s %s")
            % (
                self.env._("Solved with the knowledge article"),
                article._get_html_link(),
            )
        )
        return True

    def action_itsm_create_article(self):
        """One step from a resolved ticket to a draft article (or to the
        article already written from it)."""
        self.ensure_one()
        if not self._itsm_is_resolved():
            raise UserError(
                self.env._(
                    "Ticket %s is not resolved yet: write the article once it "
                    "is solved.",
                    self.display_name,
                )
            )
        return self.env["itsm.knowledge.article"]._itsm_draft_from(
            self, "ticket_id", self._itsm_prepare_article_vals
        )

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------

    def _itsm_is_resolved(self):
        """Solved: in the resolved stage awaiting the reporter's confirmation
        (INC-12) or closed with the closed loop (not cancelled or rejected)."""
        self.ensure_one()
        stage = self.stage_id
        return stage.itsm_resolved or (stage.closed and stage.itsm_closed_loop)

    def _itsm_prepare_article_vals(self):
        """Values of the draft article written from this ticket: the symptom
        from its title and description, the cause and solution from
        :meth:`_itsm_article_resolution_vals`."""
        self.ensure_one()
        description = self.description
        symptom = (
            description
            if not is_html_empty(description)
            else Markup("<p>%s</p>") % self.name
        )
        vals = {
            "name": self.name,
            "symptom": symptom,
            "category_id": self.category_id.id,
            "ticket_id": self.id,
            "author_id": self.env.uid,
            "company_id": self.company_id.id,
        }
        vals.update(self._itsm_article_resolution_vals())
        return vals

    def _itsm_article_resolution_vals(self):
        """The article's ``cause`` and ``solution`` (HTML) from the ticket's
        resolution record (:data:`RESOLUTION_TO_ARTICLE`); several parts of
        the solution each under their label. Override to map more."""
        self.ensure_one()
        vals = {}
        for target, sources in RESOLUTION_TO_ARTICLE.items():
            parts = [
                (self._fields[name], self[name])
                for name in sources
                if (self[name] or "").strip()
            ]
            if len(parts) == 1:
                vals[target] = plaintext2html(parts[0][1])
            elif parts:
                vals[target] = Markup("").join(
                    Markup("<p><strong>%s</strong></p>%s")
                    % (
                        field.get_description(self.env)["string"],
                        plaintext2html(value),
                    )
                    for field, value in parts
                )
        return vals
