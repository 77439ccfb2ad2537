from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

SETTLEMENT_ROLES = [
    ("agent", "Agent"),
    ("cp", "Content provider (CP)"),
    ("channel", "Channel"),
]
# The roles that bring customers: their share is on those customers' bills.
BRINGING_ROLES = ("agent", "channel")
# What decides who is paid what: the billing supervisors' to change, as the
# settlement terms are.
SETTLEMENT_FIELDS = {"itsm_settlement_role", "itsm_settlement_partner_id"}
BILLING_STAFF = "itsm_billing.group_itsm_billing_operator"
SUPERVISOR = "itsm_billing.group_itsm_billing_supervisor"


class ResPartner(models.Model):
    """Settlement partners (BIL-3, S4 出账结算: 代理商、CP、渠道): an agent
    or a channel that brought customers, or a content provider whose
    products the customers are billed for; the settlement run of each month
    makes their vendor bills from their settlement terms. A customer names
    the agent or channel that brought it (kept on the commercial entity,
    the settlement run reads it there).

    Only the billing staff see these fields; only billing supervisors
    change them (``create`` and ``write`` refuse anyone else)."""

    _inherit = "res.partner"

    itsm_settlement_role = fields.Selection(
        SETTLEMENT_ROLES,
        string="Settlement Partner",
        groups=BILLING_STAFF,
        help="Agent, content provider (CP) or channel settled with every month "
        "by the settlement run, on its settlement terms.",
    )
    itsm_settlement_partner_id = fields.Many2one(
        "res.partner",
        string="Agent or Channel",
        index="btree_not_null",
        groups=BILLING_STAFF,
        domain=[("itsm_settlement_role", "in", BRINGING_ROLES)],
        help="The agent or channel that brought this customer: its revenue "
        "share is on what this customer is billed.",
    )
    itsm_settlement_customer_ids = fields.One2many(
        "res.partner",
        "itsm_settlement_partner_id",
        string="Customers Brought",
        groups=BILLING_STAFF,
        domain=[("is_company", "=", True)],
    )
    itsm_settlement_term_ids = fields.One2many(
        "itsm.settlement.term",
        "partner_id",
        string="Settlement Terms",
        groups=BILLING_STAFF,
    )

    def _itsm_check_settlement_access(self, changed):
        if changed and not (self.env.su or self.env.user.has_group(SUPERVISOR)):
            raise AccessError(
                self.env._(
                    "Only billing supervisors make a partner an agent, a "
                    "content provider or a channel, or name a customer's agent "
                    "or channel."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._itsm_check_settlement_access(
            any(vals.get(name) for vals in vals_list for name in SETTLEMENT_FIELDS)
        )
        return super().create(vals_list)

    def write(self, vals):
        names = SETTLEMENT_FIELDS & set(vals)
        if names:
            # sudo: compare with what the partners have, whoever writes (a
            # form may send the values unchanged).
            current = self.sudo()
            self._itsm_check_settlement_access(
                any(
                    current._fields[name].convert_to_write(partner[name], partner)
                    != (vals[name] or False)
                    for partner in current
                    for name in names
                )
            )
        return super().write(vals)

    @api.constrains("itsm_settlement_partner_id")
    def _check_itsm_settlement_partner(self):
        for partner in self:
            if partner.itsm_settlement_partner_id == partner:
                raise ValidationError(
                    self.env._("%s cannot be its own agent or channel.", partner.name)
                )
