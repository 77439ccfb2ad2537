from odoo import api, fields, models, tools


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    is_itsm = fields.Boolean(
        string="ITSM service desk",
        default=lambda self: bool(self.env.context.get("itsm_service_desk")),
        index=True,
        help="The tickets of this team follow IT service management: "
        "screening, classification and priority matrix, assignment by skill "
        "and workload, SLA clocks, the escalation ladder and the closed "
        "loop. The tickets of other teams stay plain helpdesk tickets.",
    )

    @api.model
    @tools.ormcache()
    def _itsm_team_by_category(self):
        """{category id: team id} of the ITSM teams that list categories
        (the team a new ticket of that category goes to), cached until a
        team changes."""
        # sudo: which team handles a category is not a secret of the team.
        team_by_category = {}
        for team in self.sudo().search(
            [("is_itsm", "=", True), ("category_ids", "!=", False)]
        ):
            for category_id in team.category_ids.ids:
                team_by_category.setdefault(category_id, team.id)
        return team_by_category

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        if {"category_ids", "active", "is_itsm"} & set(vals):
            self.env.registry.clear_cache()
        return super().write(vals)

    def _get_applicable_stages(self):
        """helpdesk_mgmt's stages of the team; a plain team's tickets do not
        go through the ITSM stage that awaits the reporter's confirmation (nor
        do tickets without a team)."""
        stages = super()._get_applicable_stages()
        if not self.is_itsm:
            stages = stages.filtered(lambda stage: not stage.itsm_resolved)
        return stages

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
