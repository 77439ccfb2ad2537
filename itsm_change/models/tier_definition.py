from ast import literal_eval

from odoo import api, fields, models
from odoo.osv import expression


class TierDefinition(models.Model):
    """Approval tiers of request types (CHG-10): a tier of tickets linked to
    a request type applies to the requests of that type (its domain says
    so, kept by the link), and may keep the requester from approving their
    own request."""

    _inherit = "tier.definition"

    itsm_request_type_id = fields.Many2one(
        "itsm.request.type",
        string="Request type",
        index="btree_not_null",
        ondelete="cascade",
    )
    itsm_exclude_requester = fields.Boolean(
        string="Not by the requester",
        default=True,
        help="The requester never approves this tier of their own request: "
        "when they are its reviewer, the division leader approves it.",
    )

    @api.model
    def _get_tier_validation_model_names(self):
        return super()._get_tier_validation_model_names() + [
            "helpdesk.ticket",
            "itsm.change.plan",
        ]

    @api.model_create_multi
    def create(self, vals_list):
        ticket_model = self.env["ir.model"]._get_id("helpdesk.ticket")
        for vals in vals_list:
            if vals.get("itsm_request_type_id"):
                vals["model_id"] = ticket_model
                vals["definition_domain"] = self._itsm_type_domain(
                    vals["itsm_request_type_id"], vals.get("definition_domain")
                )
        return super().create(vals_list)

    def write(self, vals):
        result = super().write(vals)
        if {"itsm_request_type_id", "definition_domain"} & set(vals):
            for definition in self.filtered("itsm_request_type_id"):
                domain = self._itsm_type_domain(
                    definition.itsm_request_type_id.id, definition.definition_domain
                )
                if domain != definition.definition_domain:
                    super(TierDefinition, definition).write(
                        {"definition_domain": domain}
                    )
        return result

    @api.model
    def _itsm_type_domain(self, request_type_id, domain):
        """``domain`` restricted to the requests of the type."""
        term = [("request_type_id", "=", request_type_id)]
        current = expression.normalize_domain(literal_eval(domain) if domain else [])
        if all(leaf in current for leaf in term):
            return domain
        return str(expression.AND([term, current]))
