from odoo import api, fields, models
from odoo.exceptions import ValidationError

BILLING_MODELS = [
    ("fixed", "Fixed monthly fee"),
    ("ticket", "Per ticket"),
    ("request", "Per service request"),
    ("usage", "Per usage unit"),
]
# The models whose quantity the month's tickets give.
TICKET_MODELS = ("ticket", "request")


class ContractLine(models.Model):
    """How a line of a service contract is billed by the monthly run
    (BIL-1): its fixed quantity each month, or one unit per ticket or
    fulfilled service request of the customer closed in the month, or the
    usage units imported for it. The unit price is the line's (less its
    discount) whatever the model."""

    _inherit = "contract.line"

    itsm_billing_model = fields.Selection(
        BILLING_MODELS,
        string="Billing model",
        required=True,
        default="fixed",
        help="Fixed monthly fee: the line's quantity every month. Per ticket: "
        "one unit for each of the customer's tickets (service requests "
        "excepted) closed in the month. Per service request: one unit for each "
        "of the customer's service requests fulfilled (closed) in the month. "
        "Per usage unit: the usage records imported for the month.",
    )
    itsm_ticket_category_ids = fields.Many2many(
        "helpdesk.ticket.category",
        "itsm_billing_contract_line_category_rel",
        "line_id",
        "category_id",
        string="Ticket categories",
        help="Only tickets of these categories count; none: all.",
    )
    itsm_ticket_priority_ids = fields.Many2many(
        "itsm.priority",
        "itsm_billing_contract_line_priority_rel",
        "line_id",
        "priority_id",
        string="Ticket priorities",
        help="Only tickets of these priorities (P1 … P4, as the impact × "
        "urgency matrix or a manager set them) count; none: all. A P1 "
        "ticket may be billed at another price than the others.",
    )
    itsm_ticket_service_ids = fields.Many2many(
        "itsm.service",
        "itsm_billing_contract_line_service_rel",
        "line_id",
        "service_id",
        string="Ticket services",
        help="Only tickets on these services count; none: the services the "
        "contract covers (all when it names none).",
    )

    @api.constrains(
        "itsm_billing_model",
        "itsm_ticket_category_ids",
        "itsm_ticket_priority_ids",
        "itsm_ticket_service_ids",
        "recurring_rule_type",
        "recurring_interval",
    )
    def _check_itsm_billing_model(self):
        for line in self:
            if line.itsm_billing_model == "fixed" or line.display_type:
                continue
            if (
                line.recurring_rule_type not in ("monthly", "monthlylastday")
                or line.recurring_interval != 1
            ):
                raise ValidationError(
                    self.env._(
                        "Contract line “%s”: a line billed per ticket, request "
                        "or usage unit recurs every month (the monthly run "
                        "counts its units month by month).",
                        line.name,
                    )
                )
            if line.itsm_billing_model == "usage" and (
                line.itsm_ticket_category_ids
                or line.itsm_ticket_priority_ids
                or line.itsm_ticket_service_ids
            ):
                raise ValidationError(
                    self.env._(
                        "Contract line “%s”: ticket categories, priorities and "
                        "services filter tickets; a line billed per usage unit "
                        "has none.",
                        line.name,
                    )
                )
