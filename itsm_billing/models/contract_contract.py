from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

CREDIT_TYPES = [
    ("none", "No SLA credit"),
    ("share", "Share of the monthly fee"),
    ("fixed", "Fixed amount"),
]


class ContractContract(models.Model):
    """A customer's service contract (BIL-1): OCA ``contract`` gives the
    customer, the recurring lines (products, prices, quantities), journal,
    payment terms and fiscal position; here the services it covers, their
    service level and the credits the customer gets for each breached
    target.

    A contract billed by the monthly run (``itsm_billed_by_run``) is
    invoiced by the run only: ``contract``'s own cron and button would bill
    the same month a second time and move its dates outside the run."""

    _inherit = "contract.contract"

    itsm_billed_by_run = fields.Boolean(
        string="Billed by the monthly run",
        tracking=True,
        help="Invoiced by the ITSM billing run of each month (with its checks "
        "and SLA credits), never by the recurring invoice cron.",
    )
    itsm_service_ids = fields.Many2many(
        "itsm.service",
        "itsm_billing_contract_service_rel",
        "contract_id",
        "service_id",
        string="Services Covered",
        check_company=True,
        help="The services of the catalogue this contract covers; its "
        "customer's tickets on them count for the SLA credits. None: all.",
    )
    itsm_service_level_id = fields.Many2one(
        "itsm.service.level",
        string="Service Level",
        tracking=True,
        check_company=True,
        help="The response and resolution targets promised (INC-8).",
    )
    itsm_credit_type = fields.Selection(
        CREDIT_TYPES,
        string="SLA Credit",
        required=True,
        default="none",
        tracking=True,
        help="What the customer is credited for each response or resolution "
        "target missed in the month.",
    )
    itsm_credit_share = fields.Float(
        string="Credit per Breach (%)",
        tracking=True,
        help="Share of the monthly fee credited for each breached target.",
    )
    itsm_credit_amount = fields.Monetary(
        string="Credit per Breach",
        tracking=True,
        help="Amount credited for each breached target.",
    )
    itsm_credit_cap_share = fields.Float(
        string="Monthly Credit Cap (%)",
        default=100.0,
        tracking=True,
        help="The credits of one month never exceed this share of its fee.",
    )

    @api.constrains(
        "itsm_credit_type",
        "itsm_credit_share",
        "itsm_credit_amount",
        "itsm_credit_cap_share",
    )
    def _check_itsm_credit(self):
        for contract in self:
            if contract.itsm_credit_type == "none":
                continue
            if contract.itsm_credit_type == "share" and not (
                0 < contract.itsm_credit_share <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "Contract “%s”: the credit per breach is a share of the "
                        "monthly fee between 0 and 100%%.",
                        contract.display_name,
                    )
                )
            fixed = contract.itsm_credit_type == "fixed"
            if fixed and contract.itsm_credit_amount <= 0:
                raise ValidationError(
                    self.env._(
                        "Contract “%s”: the credit per breach must be a positive "
                        "amount.",
                        contract.display_name,
                    )
                )
            if not 0 < contract.itsm_credit_cap_share <= 100:
                raise ValidationError(
                    self.env._(
                        "Contract “%s”: the monthly credit cap is a share of the "
                        "fee between 0 and 100%%.",
                        contract.display_name,
                    )
                )

    @api.model
    def _get_contracts_to_invoice_domain(self, date_ref=None):
        # The run bills these; the cron must not bill them a second time.
        return super()._get_contracts_to_invoice_domain(date_ref) + [
            ("itsm_billed_by_run", "=", False)
        ]

    def _recurring_create_invoice(self, date_ref=False):
        # The button, the wizard and the cron all come here.
        billed = self.filtered("itsm_billed_by_run")
        if billed:
            raise UserError(
                self.env._(
                    "%s: billed by the monthly billing run, not by hand; its "
                    "invoices come from the run of each month.",
                    ", ".join(billed.mapped("display_name")),
                )
            )
        return super()._recurring_create_invoice(date_ref)
