from odoo import fields, models


class RatingRating(models.Model):
    """A ticket's rating confirms and closes it and is its satisfaction
    (INC-12, INC-16): its token, the reporter's link to rate without logging
    in, is the system's only. Core reads it as superuser (the rating request
    e-mail, the ``/rate`` pages); no employee reads it."""

    _inherit = "rating.rating"

    access_token = fields.Char(groups="base.group_system")
