from odoo import api, fields, models


class RatingRating(models.Model):
    """A ticket's rating confirms and closes it and is its satisfaction
    (INC-12, INC-16).

    - Its token, the reporter's link to rate without logging in, is the
      system's only. Core reads it as superuser (the rating request e-mail,
      the ``/rate`` pages); no employee reads it.
    - The ticket it is of is a real link: the record rules that keep the
      ratings of security incidents to the security group
      (``rating_rating_rule_security_incident``) and of a company's tickets
      to that company follow it to the ticket."""

    _inherit = "rating.rating"

    access_token = fields.Char(groups="base.group_system")
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
