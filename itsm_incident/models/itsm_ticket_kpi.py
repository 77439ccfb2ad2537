from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import create_index


class ItsmTicketKpi(models.AbstractModel):
    """What the KPIs (INC-16) need stored on the ticket: whether it repeats a
    similar incident that had already been closed (S1 §5.2, 事件重复发生率),
    decided once when the ticket is created; and the indexes of the KPI
    queries."""

    _name = "itsm.ticket.kpi"
    _description = "ITSM Ticket KPIs"

    is_recurrence = fields.Boolean(
        string="Recurrence",
        readonly=True,
        copy=False,
        help="A similar incident (same category and customer) had been closed "
        "within the recurrence window before this one was reported.",
    )

    def init(self):
        result = super().init()
        # The dashboard's trend and the monthly report read closed tickets by
        # closing date; the default filter ("this month") reads by creation.
        create_index(
            self.env.cr,
            "helpdesk_ticket_closed_date_idx",
            "helpdesk_ticket",
            ["closed_date"],
            where="closed_date IS NOT NULL",
        )
        create_index(
            self.env.cr,
            "helpdesk_ticket_create_date_idx",
            "helpdesk_ticket",
            ["create_date"],
        )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._itsm_mark_recurrences()
        return tickets

    def _itsm_mark_recurrences(self):
        """One grouped count of similar incidents closed within the window."""
        similar = self.filtered(lambda t: t.category_id and t.commercial_partner_id)
        if not similar:
            return
        now = fields.Datetime.now()
        since = now - timedelta(days=self._itsm_recurrence_window())
        # sudo: looks at similar incidents the creator may not read; only the
        # flag is kept.
        closed = {
            (category.id, partner.id)
            for category, partner in self.sudo()._read_group(
                [
                    ("category_id", "in", similar.category_id.ids),
                    ("commercial_partner_id", "in", similar.commercial_partner_id.ids),
                    ("closed_date", ">=", since),
                    ("closed_date", "<=", now),
                    ("id", "not in", self.ids),
                ],
                ["category_id", "commercial_partner_id"],
            )
        }
        recurring = similar.filtered(
            lambda t: (t.category_id.id, t.commercial_partner_id.id) in closed
        )
        if recurring:
            # sudo: a read-only flag set by the system.
            recurring.sudo().write({"is_recurrence": True})
