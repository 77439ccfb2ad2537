from odoo import api, fields, models
from odoo.tools import SQL, create_index


# One concern of the ticket, one plain extension (STYLE: "Models"), imported
# last in models/__init__.py.
class HelpdeskTicket(models.Model):
    """The service an incident affects and the customers and departments it
    affects (issue 13, issue 12.8): set by hand or, for a monitoring alert,
    from its source (itsm.event.source)."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    service_id = fields.Many2one(
        "itsm.service",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        help="The service of the catalogue this ticket affects.",
    )
    itsm_affected_partner_ids = fields.Many2many(
        "res.partner",
        "helpdesk_ticket_affected_partner_rel",
        "ticket_id",
        "partner_id",
        string="Affected customers",
        help="Customers this incident affects; the fault ladder's customer "
        "notices (e.g. the recovery notice) go to them too.",
    )
    itsm_affected_department_ids = fields.Many2many(
        "hr.department",
        "helpdesk_ticket_affected_department_rel",
        "ticket_id",
        "department_id",
        string="Affected departments",
        check_company=True,
        help="Internal departments this incident affects; the fault "
        "ladder's customer notices go to their managers too.",
    )

    def init(self):
        # Recurrences by service: one index range scan per ticket, as for
        # recurrences by customer (helpdesk_ticket_recurrence.py).
        result = super().init()
        create_index(
            self.env.cr,
            "helpdesk_ticket_service_recurrence_idx",
            self._table,
            ["category_id", "service_id", "create_date"],
        )
        return result

    @api.model
    def _itsm_recurrence_similar(self):
        """INC-10 counts the incidents of the same category and the same
        customer *or service*: three employees reporting one outage, or a
        monitored fault (no customer) that comes back, recur."""
        return SQL(
            "(other.service_id = ticket.service_id OR %s)",
            super()._itsm_recurrence_similar(),
        )

    @api.model
    def _itsm_recurrence_counted(self):
        return SQL(
            "(ticket.service_id IS NOT NULL OR %s)",
            super()._itsm_recurrence_counted(),
        )

    def _itsm_escalation_customers(self):
        """The escalation ladder's customers of a ticket also include the
        customers and the managers of the departments it affects (issue
        12.8: a monitored fault's recovery notice reaches them)."""
        result = super()._itsm_escalation_customers()
        self.fetch(["itsm_affected_partner_ids", "itsm_affected_department_ids"])
        for ticket in self:
            # sudo: the org chart decides who a department's manager is.
            affected = ticket.itsm_affected_department_ids.sudo()
            result[ticket.id] = (
                result.get(ticket.id, self.env["res.partner"])
                | ticket.itsm_affected_partner_ids
                | affected.manager_id.work_contact_id
            )
        return result
