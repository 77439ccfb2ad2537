from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, create_index


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """How often an incident recurs (INC-10): the same category for the same
    customer within a configurable window (default 30 days), counted right
    after the incident is saved (helpdesk_ticket_follow_up.py). A monitored
    alert recurs too (issue 12.8): each time it fires again after its
    recovery (helpdesk_ticket_monitoring.py), and each new incident of the
    same alert (source and fingerprint) after the earlier one was closed."""

    _inherit = "helpdesk.ticket"

    recurrence_count = fields.Integer(
        string="Occurrence",
        readonly=True,
        copy=False,
        index=True,
        help="This is the n-th occurrence of this fault within the recurrence "
        "window: similar incidents before it (same category and customer or "
        "service, or the same monitoring alert), counting the times an alert "
        "fired again after its recovery.",
    )

    def init(self):
        # "Similar incidents in the window before this one": one index range
        # scan per ticket, whatever the history.
        result = super().init()
        create_index(
            self.env.cr,
            "helpdesk_ticket_recurrence_idx",
            self._table,
            ["category_id", "commercial_partner_id", "create_date"],
        )
        return result

    def _itsm_follow_up(self):
        # Right after the commit (helpdesk_ticket_follow_up.py), before the features
        # that read the count (problem proposals).
        self._itsm_count_recurrences()
        return super()._itsm_follow_up()

    @api.model
    def _itsm_recurrence_window(self):
        # sudo: a setting every ticket's recurrence count depends on.
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("itsm_incident.recurrence_window_days", 30)
        )

    @api.model
    def _itsm_recurrence_similar(self):
        """SQL: ``other`` is a similar incident to ``ticket`` (the same
        category is checked apart): the same customer. Extensions widen it
        (the same service, helpdesk_ticket_service.py)."""
        return SQL("other.commercial_partner_id = ticket.commercial_partner_id")

    @api.model
    def _itsm_recurrence_counted(self):
        """SQL: which tickets have their recurrences counted."""
        return SQL("ticket.commercial_partner_id IS NOT NULL")

    def _itsm_count_recurrences(self):
        """Count, in one query, each ticket's occurrences: the similar
        incidents (same category and customer, or the same monitoring alert)
        reported within the window before it, by its own creation time, so
        that counting again later gives the same answer (tickets of one
        transaction count one another in order); and the times each of them
        and the ticket itself fired again after the monitoring tool reported
        it recovered (``event_reopen_count``)."""
        if not self:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT ticket.id, 1 + COALESCE(ticket.event_reopen_count, 0) + (
                       SELECT COALESCE(
                              sum(1 + COALESCE(other.event_reopen_count, 0)), 0)
                         FROM helpdesk_ticket AS other
                        WHERE ((other.category_id = ticket.category_id
                                AND %(similar)s)
                               OR (other.event_fingerprint = ticket.event_fingerprint
                                   AND other.event_source_id = ticket.event_source_id))
                          AND other.active
                          AND other.create_date >= ticket.create_date - %(window)s
                          AND (other.create_date, other.id)
                              < (ticket.create_date, ticket.id))
                  FROM helpdesk_ticket AS ticket
                 WHERE ticket.id = ANY(%(ids)s)
                   AND ((ticket.category_id IS NOT NULL AND %(counted)s)
                        OR ticket.event_fingerprint IS NOT NULL)
                """,
                similar=self._itsm_recurrence_similar(),
                counted=self._itsm_recurrence_counted(),
                ids=self.ids,
                window=timedelta(days=self._itsm_recurrence_window()),
            )
        )
        by_count = defaultdict(list)
        for ticket_id, count in self.env.cr.fetchall():
            by_count[count].append(ticket_id)
        for count, ticket_ids in by_count.items():
            # sudo: a read-only count kept by the system.
            self.browse(ticket_ids).sudo().write({"recurrence_count": count})
