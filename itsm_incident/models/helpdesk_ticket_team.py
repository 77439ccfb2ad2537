from odoo import api, models, tools


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    @api.model
    @tools.ormcache()
    def _itsm_team_by_category(self):
        """{category id: team id} of the teams that list categories (the
        team a new ticket of that category goes to), cached until a team
        changes."""
        # sudo: which team handles a category is not a secret of the team.
        team_by_category = {}
        for team in self.sudo().search([("category_ids", "!=", False)]):
            for category_id in team.category_ids.ids:
                team_by_category.setdefault(category_id, team.id)
        return team_by_category

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        if "category_ids" in vals or "active" in vals:
            self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
