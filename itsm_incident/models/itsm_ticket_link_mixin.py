from odoo import api, fields, models


class ItsmTicketLinkMixin(models.AbstractModel):
    """Rows attached to a document by ``res_model``/``res_id`` (activities,
    ratings) that are about a ticket: the ticket as a real, stored link, so
    that record rules can follow it (security incidents to the security
    group, a ticket's company)."""

    _name = "itsm.ticket.link.mixin"
    _description = "ITSM Rows Linked to a Ticket"

    itsm_ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Ticket",
        compute="_compute_itsm_ticket_id",
        store=True,
        index="btree_not_null",
        ondelete="cascade",
    )

    @api.depends("res_model", "res_id")
    def _compute_itsm_ticket_id(self):
        for row in self:
            row.itsm_ticket_id = (
                row.res_id if row.res_model == "helpdesk.ticket" else False
            )
