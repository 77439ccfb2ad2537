from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class ItsmKnowledgeKeyword(models.Model):
    """A keyword (关键词) of knowledge articles: a word or phrase, in any
    language, whose presence in a ticket's text suggests the articles that
    carry it."""

    _name = "itsm.knowledge.keyword"
    _description = "Knowledge Keyword"
    _order = "name"

    name = fields.Char(string="Keyword", required=True, index="trigram")
    color = fields.Integer()
    article_ids = fields.Many2many(
        "itsm.knowledge.article", string="Articles", readonly=True
    )

    _sql_constraints = [
        (
            "name_unique",
            "unique (name)",
            "This keyword exists already.",
        ),
    ]

    @api.constrains("name")
    def _check_name_length(self):
        for keyword in self:
            if len(keyword.name.strip()) < 2:
                raise ValidationError(
                    self.env._(
                        "Keyword “%s” is too short to suggest articles: use at "
                        "least two characters.",
                        keyword.name,
                    )
                )

    @api.model
    def _itsm_found_in(self, texts):
        """{index of a text: ids of the keywords it contains}, for a list of
        texts, in one query (case-insensitive substring, so that Chinese
        keywords match text without spaces)."""
        texts = [(text or "").lower() for text in texts]
        if not any(texts):
            return {}
        self.flush_model(["name"])
        self.env.cr.execute(
            SQL(
                """
                SELECT t.idx - 1, k.id
                  FROM unnest(%s::text[]) WITH ORDINALITY AS t(body, idx)
                  JOIN %s k ON strpos(t.body, lower(k.name)) > 0
                """,
                texts,
                SQL.identifier(self._table),
            )
        )
        found = defaultdict(set)
        for index, keyword_id in self.env.cr.fetchall():
            found[index].add(keyword_id)
        return found
