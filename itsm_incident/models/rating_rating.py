from odoo import fields, models


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

    _name = "rating.rating"
    _inherit = ["rating.rating", "itsm.ticket.link.mixin"]

    access_token = fields.Char(groups="base.group_system")
