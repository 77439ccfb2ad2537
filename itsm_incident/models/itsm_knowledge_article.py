from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import is_html_empty

ARTICLE_STATES = [
    ("draft", "Draft"),
    ("published", "Published"),
    ("archived", "Archived"),
]
# A search uses the first words of what was typed, each cut to a length
# (security review L7): every word costs four ``ilike``, two on HTML.
SEARCH_MAX_WORDS = 8
SEARCH_MAX_WORD_LENGTH = 64


class ItsmKnowledgeArticle(models.Model):
    """A knowledge base article (知识库, INC-14): the symptom of a known
    incident, its cause and its solution, by category. Its text is
    translatable, so one article reads in English and in Chinese. Agents
    look it up before handling a ticket (INC-11); published articles are
    also read on the customer portal."""

    _name = "itsm.knowledge.article"
    _description = "Knowledge Article"
    _inherit = ["mail.thread"]
    _order = "usage_count desc, id desc"

    name = fields.Char(
        string="Title", required=True, translate=True, tracking=True, index="trigram"
    )
    symptom = fields.Html(translate=True, sanitize_style=True)
    cause = fields.Html(translate=True, sanitize_style=True)
    solution = fields.Html(translate=True, sanitize_style=True)
    category_id = fields.Many2one(
        "helpdesk.ticket.category",
        index=True,
        tracking=True,
        check_company=True,
    )
    keyword_ids = fields.Many2many(
        "itsm.knowledge.keyword",
        string="Keywords",
        help="Words or phrases (in any language) that, found in a ticket's "
        "title or description, suggest this article.",
    )
    state = fields.Selection(
        ARTICLE_STATES,
        required=True,
        default="draft",
        index=True,
        tracking=True,
        copy=False,
    )
    published_date = fields.Datetime(readonly=True, copy=False)
    author_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        tracking=True,
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Source ticket",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        groups="itsm_incident.group_itsm_resolver",
        help="The resolved incident this article was written from.",
    )
    problem_id = fields.Many2one(
        "itsm.problem",
        string="Source problem",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        groups="itsm_incident.group_itsm_resolver",
        help="The problem whose known error or permanent fix this article "
        "was written from.",
    )
    ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        "helpdesk_ticket_knowledge_article_rel",
        "article_id",
        "ticket_id",
        string="Solved tickets",
        copy=False,
        groups="itsm_incident.group_itsm_resolver",
        help="Tickets this article solved.",
    )
    usage_count = fields.Integer(
        string="Used",
        compute="_compute_usage_count",
        store=True,
        help="Number of tickets this article solved; each ticket counts once.",
    )
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )

    @api.depends("ticket_ids")
    def _compute_usage_count(self):
        # sudo: counts every ticket the article solved, also those the
        # current user may not read; only the counts leave this method.
        counts = {
            article.id: count
            for article, count in self.env["helpdesk.ticket"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [("knowledge_article_ids", "in", self._origin.ids)],
                ["knowledge_article_ids"],
                ["__count"],
            )
        }
        for article in self:
            article.usage_count = counts.get(article._origin.id, 0)

    @api.constrains("ticket_id")
    def _check_ticket_readable(self):
        # Only a ticket the user may read (security review M7).
        self.ticket_id._itsm_check_linkable()

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("state", "draft") != "draft" for vals in vals_list):
            self._itsm_check_can_change_state()
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals:
            self._itsm_check_can_change_state()
        return super().write(vals)

    @api.model
    def _itsm_draft_from(self, record, field_name, prepare_vals):
        """The form of the article written from ``record`` (a ticket or a
        problem, found by ``field_name``), drafted with ``prepare_vals()``
        the first time: one step from a solved case to the knowledge base."""
        article = self.search([(field_name, "=", record.id)], limit=1)
        if not article:
            article = self.create(prepare_vals())
            record._message_log(
                body=self.env._("Knowledge article drafted: %s", article.name)
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": article.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_publish(self):
        self._itsm_check_can_change_state()
        for article in self:
            if article.state == "published":
                raise UserError(
                    self.env._("Article “%s” is already published.", article.name)
                )
            missing = article._itsm_missing_for_publication()
            if missing:
                raise UserError(
                    self.env._(
                        "Article “%(article)s” cannot be published without "
                        "%(missing)s.",
                        article=article.name,
                        missing=", ".join(missing),
                    )
                )
        self.write({"state": "published", "published_date": fields.Datetime.now()})
        return True

    def action_archive_article(self):
        self._itsm_check_can_change_state()
        if self.filtered(lambda a: a.state == "archived"):
            raise UserError(self.env._("These articles are already archived."))
        self.write({"state": "archived"})
        return True

    def action_reset_draft(self):
        self._itsm_check_can_change_state()
        self.write({"state": "draft"})
        return True

    def action_apply_to_ticket(self):
        """The "This solved it" button of a suggested article, on the ticket
        whose id the form passes in the context."""
        self.ensure_one()
        ticket = self.env["helpdesk.ticket"].browse(
            self.env.context.get("itsm_ticket_id")
        )
        if not ticket.exists():
            raise UserError(self.env._("Open the ticket this article solves."))
        return ticket._itsm_apply_article(self)

    @api.model
    def _itsm_search_domain(self, text, category_id=None):
        """Articles holding every word of ``text`` in their title, keywords,
        symptom or solution (in the user's language), in the category or
        below it. Only the first ``SEARCH_MAX_WORDS`` words count, each cut
        to ``SEARCH_MAX_WORD_LENGTH`` characters."""
        domain = []
        if category_id:
            domain.append(("category_id", "child_of", category_id))
        words = (text or "").split()[:SEARCH_MAX_WORDS]
        for word in (word[:SEARCH_MAX_WORD_LENGTH] for word in words):
            domain += [
                "|",
                "|",
                "|",
                ("name", "ilike", word),
                ("keyword_ids.name", "ilike", word),
                ("symptom", "ilike", word),
                ("solution", "ilike", word),
            ]
        return domain

    def _itsm_check_can_change_state(self):
        """Only ITSM managers publish, archive or withdraw articles."""
        if not self.env.su and not self.env.user.has_group(
            "itsm_incident.group_itsm_manager"
        ):
            raise AccessError(
                self.env._("Only ITSM managers publish or archive knowledge articles.")
            )

    def _itsm_missing_for_publication(self):
        self.ensure_one()
        missing = []
        if is_html_empty(self.symptom):
            missing.append(self.env._("a symptom"))
        if is_html_empty(self.solution):
            missing.append(self.env._("a solution"))
        return missing
