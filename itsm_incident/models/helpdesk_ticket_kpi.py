from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL, create_index


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """What the KPIs (INC-16) need stored on the ticket: whether it repeats a
    similar incident that had already been closed (S1 §5.2, 事件重复发生率),
    decided once when the ticket is created; and the indexes of the KPI
    queries."""

    _inherit = "helpdesk.ticket"

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
            self._table,
            ["closed_date"],
            where="closed_date IS NOT NULL",
        )
        create_index(
            self.env.cr,
            "helpdesk_ticket_create_date_idx",
            self._table,
            ["create_date"],
        )
        return result

    def _itsm_follow_up(self):
        # Right after the commit (helpdesk_ticket_follow_up.py).
        result = super()._itsm_follow_up()
        self._itsm_mark_recurrences()
        return result

    def _itsm_mark_recurrences(self):
        """Flag the tickets reported while a similar incident had been closed
        within the window before: one query, each ticket against its own
        creation time (the follow-up runs after it)."""
        if not self:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT ticket.id FROM helpdesk_ticket AS ticket
                 WHERE ticket.id = ANY(%(ids)s)
                   AND NOT COALESCE(ticket.is_recurrence, FALSE)
                   AND EXISTS (
                       SELECT 1 FROM helpdesk_ticket AS other
                        WHERE other.category_id = ticket.category_id
                          AND other.commercial_partner_id = ticket.commercial_partner_id
                          AND other.id <> ticket.id
                          AND other.closed_date >= ticket.create_date - %(window)s
                          AND other.closed_date <= ticket.create_date)
                """,
                ids=self.ids,
                window=timedelta(days=self._itsm_recurrence_window()),
            )
        )
        recurring = self.browse(row[0] for row in self.env.cr.fetchall())
        if recurring:
            # sudo: a read-only flag set by the system.
            recurring.sudo().write({"is_recurrence": True})
