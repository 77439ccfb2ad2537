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
    itsm_overdue_action_ids = fields.One2many(
        "itsm.improvement.action",
        compute="_compute_itsm_overdue_action_ids",
        string="Overdue improvement actions",
    )

    def _compute_itsm_overdue_action_ids(self):
        """The open actions past their deadline that each user owns: one
        search for all the users (the digest of overdue actions lists them)."""
        actions = self.env["itsm.improvement.action"].search(
            [("user_id", "in", self.ids), ("is_overdue", "=", True)],
            order="date_deadline, id",
        )
        by_user = actions.grouped("user_id")
        for user in self:
            user.itsm_overdue_action_ids = by_user.get(
                user, self.env["itsm.improvement.action"]
            )
