from odoo import api, fields, models
from odoo.exceptions import ValidationError

SETTLEMENT_ROLES = [
    ("agent", "Agent"),
    ("cp", "Content provider (CP)"),
    ("channel", "Channel"),
]
# The roles that bring customers: their share is on those customers' bills.
BRINGING_ROLES = ("agent", "channel")


class ResPartner(models.Model):
    """Settlement partners (BIL-3, S4 出账结算: 代理商、CP、渠道): an agent
    or a channel that brought customers, or a content provider whose
    products the customers are billed for; the settlement run of each month
    makes their vendor bills from their settlement terms. A customer names
    the agent or channel that brought it (kept on the commercial entity,
    its contacts follow)."""

    _inherit = "res.partner"

    itsm_settlement_role = fields.Selection(
        SETTLEMENT_ROLES,
        string="Settlement Partner",
        help="Agent, content provider (CP) or channel settled with every month "
        "by the settlement run, on its settlement terms.",
    )
    itsm_settlement_partner_id = fields.Many2one(
        "res.partner",
        string="Agent or Channel",
        index="btree_not_null",
        domain=[("itsm_settlement_role", "in", BRINGING_ROLES)],
        help="The agent or channel that brought this customer: its revenue "
        "share is on what this customer is billed.",
    )
    itsm_settlement_customer_ids = fields.One2many(
        "res.partner",
        "itsm_settlement_partner_id",
        string="Customers Brought",
        domain=[("is_company", "=", True)],
    )
    itsm_settlement_term_ids = fields.One2many(
        "itsm.settlement.term", "partner_id", string="Settlement Terms"
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["itsm_settlement_partner_id"]

    @api.constrains("itsm_settlement_partner_id")
    def _check_itsm_settlement_partner(self):
        for partner in self:
            if partner.itsm_settlement_partner_id == partner:
                raise ValidationError(
                    self.env._("%s cannot be its own agent or channel.", partner.name)
                )
