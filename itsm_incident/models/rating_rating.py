from odoo import api, fields, models


class RatingRating(models.Model):
    """The ticket a rating is of, as a real link: the record rule that keeps
    the ratings of security incidents to the security group
    (``rating_rating_rule_security_incident``) follows it to the ticket."""

    _inherit = "rating.rating"

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
        for rating in self:
            rating.itsm_ticket_id = (
                rating.res_id if rating.res_model == "helpdesk.ticket" else False
            )
