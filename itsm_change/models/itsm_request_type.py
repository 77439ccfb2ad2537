from markupsafe import Markup

from odoo import api, fields, models

from odoo.addons.mail.tools.alias_error import AliasError

REQUEST_KINDS = [
    ("requirement", "Business requirement"),
    ("product", "Product request"),
    ("account", "System account"),
    ("extraction", "Data extraction"),
    ("processing", "Data processing"),
    ("other", "Other"),
]


class ItsmRequestType(models.Model):
    """A kind of request the IT department fulfils (CHG-10, S4): what the
    request asks for, who may file it, who approves it (tier definitions of
    ``base_tier_validation`` on tickets, linked here) and within how many
    working days it is fulfilled, from the last approval (S4 时限要求: the
    time spent approving does not count) or from its receipt."""

    _name = "itsm.request.type"
    _inherit = ["mail.alias.mixin.optional"]
    _description = "ITSM Request Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="A short code shown with the requests of the type.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Empty: offered in every company.",
    )
    kind = fields.Selection(
        REQUEST_KINDS,
        required=True,
        default="other",
        help="The process of S4 the type follows: the seeded checks and "
        "automations of that process apply to it.",
    )
    description = fields.Html(
        translate=True,
        help="Shown to whoever files a request of the type.",
    )
    employee_ok = fields.Boolean(
        string="Employees may request",
        default=True,
        help="Offered to employees in the back office.",
    )
    portal_ok = fields.Boolean(
        string="Customers may request",
        help="Offered to customers on the portal.",
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Fulfilment team",
        check_company=True,
        help="The team the requests of the type go to.",
    )
    # What a request of the type asks for.
    ask_service = fields.Boolean(
        string="Asks for the system",
        help="The system (a service of the catalogue) the request is about.",
    )
    ask_purpose = fields.Boolean(
        string="Asks for the purpose",
        help="Required: what the requester will use the result for.",
    )
    ask_scope = fields.Boolean(
        string="Asks for the scope",
        help="Required: the data, the people or the area the request covers.",
    )
    ask_account_action = fields.Boolean(
        string="Asks for the account action",
        help="New account, change of rights or removal.",
    )
    ask_secrecy = fields.Boolean(
        string="Asks for the secrecy grade",
        help="The grade of the result (绝密 / 机密 / 保密), given by IT.",
    )
    # Deadlines, in working days of the company's working time.
    assessment_days = fields.Integer(
        string="First assessment within (working days)",
        help="The first assessment is due this many working days after the "
        "request is received (0: none).",
    )
    fulfilment_days = fields.Integer(
        string="Fulfilled within (working days)",
        help="0: no fulfilment deadline (the assessment gives the plan).",
    )
    clock_start = fields.Selection(
        [
            ("approval", "When the last approval is given"),
            ("receipt", "When received"),
        ],
        string="Fulfilment clock starts",
        required=True,
        default="approval",
    )
    approving_department_id = fields.Many2one(
        "hr.department",
        string="Approving department",
        check_company=True,
        help="The department whose manager approves the tier “Approving "
        "department's manager” (marketing for products, business management "
        "for accounts, IT for data extractions).",
    )
    tier_definition_ids = fields.One2many(
        "tier.definition",
        "itsm_request_type_id",
        string="Approval tiers",
        context={"active_test": False},
    )
    # The requester's notices (editable templates an ITSM manager chooses
    # per type; empty: that notice is not sent).
    mail_template_received_id = fields.Many2one(
        "mail.template",
        string="Received notice",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self._default_notice("received"),
    )
    mail_template_assessment_id = fields.Many2one(
        "mail.template",
        string="First assessment notice",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self._default_notice("assessment"),
    )
    mail_template_approved_id = fields.Many2one(
        "mail.template",
        string="Approved notice",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self._default_notice("approved"),
    )
    mail_template_rejected_id = fields.Many2one(
        "mail.template",
        string="Rejected notice",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self._default_notice("rejected"),
    )
    mail_template_done_id = fields.Many2one(
        "mail.template",
        string="Done notice",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self._default_notice("done"),
        help="Sent when the request is resolved, in place of the resolution "
        "notice: it asks the requester to confirm.",
    )
    ask_product_confirmation = fields.Boolean(
        string="Asks whether products change",
        help="A request that changes the company's products carries the "
        "product department's confirmation (S4 业务需求 2).",
    )
    request_count = fields.Integer(compute="_compute_request_count")
    # Filing by e-mail (S4 业务数据处理流程 3): a single urgent data correction
    # may be sent by the requester's supervisor by e-mail, and is answered
    # by e-mail when done.
    mail_supervisors_only = fields.Boolean(
        string="By e-mail from supervisors only",
        default=True,
        help="Only an employee who supervises others (a department's manager, "
        "or someone with people reporting to them) may file a request of the "
        "type by e-mail; anyone else gets the e-mail back and nothing is "
        "filed.",
    )

    _sql_constraints = [
        (
            "days_positive",
            "CHECK(assessment_days >= 0 AND fulfilment_days >= 0)",
            "Working days cannot be negative.",
        ),
    ]

    @api.model
    def _default_notice(self, event):
        return self.env.ref(
            f"itsm_change.mail_template_request_{event}", raise_if_not_found=False
        )

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("helpdesk.ticket")
        if self.id:
            defaults = {
                "request_type_id": self.id,
                "declaration_type": "service_request",
                # Sent by e-mail because it is urgent (S4).
                "urgency": "high",
            }
            if self.team_id:
                defaults["team_id"] = self.team_id.id
            values["alias_defaults"] = repr(defaults)
        if self.mail_supervisors_only:
            values["alias_bounced_content"] = Markup("<p>%s</p>") % self.env._(
                "Requests of this type are sent by e-mail by the requester's "
                "supervisor only (an urgent data correction). Please ask your "
                "supervisor, or file the request on the portal."
            )
        return values

    def _alias_get_error(self, message, message_dict, alias):
        error = super()._alias_get_error(message, message_dict, alias)
        if error or not self.mail_supervisors_only:
            return error
        author = self.env["res.partner"].browse(message_dict.get("author_id"))
        # sudo: whom the sender supervises, to accept their e-mail or not.
        employees = author.user_ids.sudo().employee_ids
        supervises = employees.child_ids or self.env["hr.department"].sudo().search(
            [("manager_id", "in", employees.ids)], limit=1
        )
        if not (author and supervises):
            return AliasError(
                "error_itsm_supervisors_only",
                self.env._(
                    "a request of the type “%s” is sent by e-mail by the "
                    "requester's supervisor; file it on the portal or in the "
                    "back office",
                    self.name,
                ),
            )
        return False

    @api.depends_context("uid")
    def _compute_request_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("request_type_id", "in", self.ids)],
                ["request_type_id"],
                ["__count"],
            )
        )
        for request_type in self:
            request_type.request_count = counts.get(request_type, 0)

    def _compute_display_name(self):
        for request_type in self:
            request_type.display_name = (
                f"[{request_type.code}] {request_type.name}"
                if request_type.code
                else request_type.name
            )

    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "itsm_change.helpdesk_ticket_action_requests"
        )
        action["domain"] = [("request_type_id", "=", self.id)]
        action["context"] = {"default_request_type_id": self.id}
        return action
