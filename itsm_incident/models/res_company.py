from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    itsm_default_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Service Desk Team",
        check_company=True,
        help="Team that receives new tickets created without a team, "
        "e.g. by employees reporting an incident.",
    )
    itsm_auto_assign = fields.Boolean(
        string="Assign by skill and workload",
        default=True,
        help="New tickets of a team go to the member with the skill for "
        "their category and the lightest workload.",
    )
    itsm_complaint_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Customer Relations Team",
        check_company=True,
        help="Valid complaints go to this team (customer-relationship path).",
    )
    itsm_security_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Security Team",
        check_company=True,
        help="Valid information-security incidents go to this team.",
    )
    itsm_sales_user_id = fields.Many2one(
        "res.users",
        string="Salesperson for out-of-scope requests",
        help="Declarations out of the service scope are handed to this person.",
    )
    itsm_problem_department_id = fields.Many2one(
        "hr.department",
        string="Problem decisions by",
        check_company=True,
        help="Whose leader decides the problem proposals of incidents that "
        "name no department (neither by their nature nor by their reporter), "
        "e.g. customers' incidents: usually the service desk's department.",
    )
    itsm_kpi_report_day = fields.Integer(
        string="Monthly report day",
        default=1,
        help="Day of the month on which the report of the previous month is sent.",
    )
    itsm_kpi_report_user_ids = fields.Many2many(
        "res.users",
        "res_company_itsm_kpi_report_user_rel",
        "company_id",
        "user_id",
        string="Monthly report recipients",
    )
    # The sender of text messages (escalation ladder, chatter): Odoo's IAP
    # service or an HTTP SMS gateway (Aliyun, Tencent Cloud or a relay).
    itsm_sms_provider = fields.Selection(
        [("iap", "Odoo IAP"), ("http", "HTTP SMS gateway")],
        string="SMS provider",
        default="iap",
        required=True,
    )
    itsm_sms_gateway_url = fields.Char(
        string="SMS gateway URL",
        groups="base.group_system",
    )
    itsm_sms_access_key_id = fields.Char(
        string="SMS access key ID",
        groups="base.group_system",
    )
    itsm_sms_access_key_secret = fields.Char(
        string="SMS access key secret",
        groups="base.group_system",
        help="Signs each request; never shown in logs or traces.",
    )
    itsm_sms_sign_name = fields.Char(
        string="SMS sign name",
        groups="base.group_system",
        help="The signature registered with the SMS provider (签名).",
    )
    itsm_sms_template_code = fields.Char(
        string="SMS template code",
        groups="base.group_system",
        help="The approved template the provider sends (模板CODE).",
    )
    itsm_sms_template_param = fields.Char(
        string="SMS template parameter",
        default="content",
        groups="base.group_system",
        help="Name of the template variable that receives the message text.",
    )
    itsm_sms_timeout = fields.Integer(
        string="SMS gateway timeout (seconds)",
        default=10,
        groups="base.group_system",
    )

    @api.constrains("itsm_kpi_report_day")
    def _check_itsm_kpi_report_day(self):
        # Days 29 to 31 are missing from some months.
        if any(not 1 <= company.itsm_kpi_report_day <= 28 for company in self):
            raise ValidationError(
                self.env._("The monthly report day must be between 1 and 28.")
            )

    @api.constrains(
        "itsm_sms_provider",
        "itsm_sms_gateway_url",
        "itsm_sms_sign_name",
        "itsm_sms_template_code",
        "itsm_sms_access_key_id",
        "itsm_sms_access_key_secret",
        "itsm_sms_timeout",
    )
    def _check_itsm_sms_gateway(self):
        # sudo: the gateway fields are the administrators'; whoever may
        # write them may have them checked.
        for company in self.sudo().filtered(lambda c: c.itsm_sms_provider == "http"):
            url = (company.itsm_sms_gateway_url or "").strip()
            if not url.startswith(("http://", "https://")):
                raise ValidationError(
                    self.env._(
                        "The HTTP SMS gateway of %(company)s needs a URL "
                        "starting with http:// or https://.",
                        company=company.name,
                    )
                )
            if not company.itsm_sms_sign_name or not company.itsm_sms_template_code:
                raise ValidationError(
                    self.env._(
                        "The HTTP SMS gateway of %(company)s needs the sign name "
                        "and the template code registered with the provider.",
                        company=company.name,
                    )
                )
            if bool(company.itsm_sms_access_key_id) != bool(
                company.itsm_sms_access_key_secret
            ):
                raise ValidationError(
                    self.env._(
                        "The SMS access key ID and its secret go together: "
                        "give both or neither."
                    )
                )
            if company.itsm_sms_timeout <= 0:
                raise ValidationError(
                    self.env._("The SMS gateway timeout must be positive.")
                )
