from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import create_index


class ItsmTicketRecurrence(models.AbstractModel):
    """How often an incident recurs (INC-10): the same category for the same
    customer within a configurable window (default 30 days)."""

    _name = "itsm.ticket.recurrence"
    _description = "ITSM Ticket Recurrence"

    recurrence_count = fields.Integer(
        string="Occurrence",
        compute="_compute_recurrence_count",
        store=True,
        readonly=True,
        copy=False,
        index=True,
        help="This is the n-th similar incident (same category and customer) "
        "within the recurrence window.",
    )

    def init(self):
        # "Similar incidents since": one index range scan per (category,
        # customer), whatever the history.
        result = super().init()
        if not self._abstract:
            create_index(
                self.env.cr,
                "helpdesk_ticket_recurrence_idx",
                self._table,
                ["category_id", "commercial_partner_id", "create_date"],
            )
        return result

    # create_date is set once: the count is computed when the ticket is
    # created, like its other stored computed fields (no second write).
    @api.depends("create_date")
    def _compute_recurrence_count(self):
        self.recurrence_count = 0
        # Saved tickets only (not a form being filled in).
        self.filtered("id")._itsm_count_recurrences()

    @api.model
    def _itsm_recurrence_window(self):
        # sudo: a setting every ticket's recurrence count depends on.
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("itsm_incident.recurrence_window_days", 30)
        )

    def _itsm_count_recurrences(self):
        """One grouped count for the whole batch; tickets of the batch count
        one another in order (the batch: the tickets created since the counts
        were last computed, e.g. in one transaction)."""
        similar = self.filtered(lambda t: t.category_id and t.commercial_partner_id)
        if not similar:
            return
        since = fields.Datetime.now() - timedelta(days=self._itsm_recurrence_window())
        # sudo: counts similar incidents the creator may not read; only the
        # count is kept.
        counts = {
            (category.id, partner.id): count
            for category, partner, count in self.sudo()._read_group(
                [
                    ("category_id", "in", similar.category_id.ids),
                    ("commercial_partner_id", "in", similar.commercial_partner_id.ids),
                    ("create_date", ">=", since),
                    ("id", "not in", self.ids),
                ],
                ["category_id", "commercial_partner_id"],
                ["__count"],
            )
        }
        for ticket in similar.sorted("id"):
            key = (ticket.category_id.id, ticket.commercial_partner_id.id)
            ticket.recurrence_count = counts.get(key, 0) + 1
            if ticket.create_date >= since:
                # The later ones of the batch count it.
                counts[key] = ticket.recurrence_count
