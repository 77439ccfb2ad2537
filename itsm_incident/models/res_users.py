from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    itsm_skill_category_ids = fields.Many2many(
        "helpdesk.ticket.category",
        "itsm_user_skill_category_rel",
        "user_id",
        "category_id",
        string="ITSM Skills",
        help="Ticket categories (and their sub-categories) this person is "
        "skilled for; automatic assignment prefers them.",
    )
