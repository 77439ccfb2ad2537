from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .itsm_priority_matrix import IMPACTS, URGENCIES

MATRIX_FIELDS = {
    (impact, urgency): f"itsm_matrix_{urgency}_{impact}"
    for impact, _i in IMPACTS
    for urgency, _u in URGENCIES
}

SMS_FIELDS = (
    "itsm_sms_provider",
    "itsm_sms_gateway_url",
    "itsm_sms_access_key_id",
    "itsm_sms_access_key_secret",
    "itsm_sms_sign_name",
    "itsm_sms_template_code",
    "itsm_sms_template_param",
    "itsm_sms_timeout",
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    itsm_default_team_id = fields.Many2one(
        related="company_id.itsm_default_team_id", readonly=False
    )
    itsm_auto_assign = fields.Boolean(
        related="company_id.itsm_auto_assign", readonly=False
    )
    itsm_complaint_team_id = fields.Many2one(
        related="company_id.itsm_complaint_team_id", readonly=False
    )
    itsm_security_team_id = fields.Many2one(
        related="company_id.itsm_security_team_id", readonly=False
    )
    itsm_sales_user_id = fields.Many2one(
        related="company_id.itsm_sales_user_id", readonly=False
    )
    itsm_immediate_target_hours = fields.Float(
        string="Immediate handling within (hours)",
        config_parameter="itsm_incident.immediate_target_hours",
        default=1.0,
    )
    itsm_sla_warning_share = fields.Float(
        string="SLA warning at",
        config_parameter="itsm_incident.sla_warning_share",
        default=0.75,
        help="Share of each target after which the handler and the department "
        "manager are warned.",
    )
    itsm_escalation_digest_from = fields.Integer(
        string="Digest above",
        config_parameter="itsm_incident.escalation_digest_from",
        default=5,
        help="A recipient told of more records than this by one escalation rule "
        "in one sweep gets one digest listing them instead of a notice each "
        "(0: always a notice each).",
    )
    itsm_recurrence_window_days = fields.Integer(
        string="Recurrence window (days)",
        config_parameter="itsm_incident.recurrence_window_days",
        default=30,
        help="Similar incidents (same category and customer) within this many "
        "days count as recurrences.",
    )
    itsm_auto_close_working_days = fields.Float(
        string="Close resolved tickets after (working days)",
        config_parameter="itsm_incident.auto_close_working_days",
        default=3.0,
        help="A resolved ticket whose reporter neither confirms nor rejects "
        "the resolution closes after this many working days; 0: never.",
    )
    itsm_problem_department_id = fields.Many2one(
        related="company_id.itsm_problem_department_id", readonly=False
    )
    itsm_problem_recurrence_threshold = fields.Integer(
        string="Problem proposal at occurrence",
        config_parameter="itsm_incident.problem_recurrence_threshold",
        default=3,
        help="The n-th similar incident within the recurrence window proposes a "
        "problem to the department leader; 0: never.",
    )
    itsm_kpi_report_day = fields.Integer(
        related="company_id.itsm_kpi_report_day", readonly=False
    )
    itsm_kpi_report_user_ids = fields.Many2many(
        related="company_id.itsm_kpi_report_user_ids", readonly=False
    )
    # The SMS sender: plain fields written to the company in one write by
    # set_values (not related fields, written one by one), so that the
    # company's check sees the whole gateway at once.
    itsm_sms_provider = fields.Selection(
        [("iap", "Odoo IAP"), ("http", "HTTP SMS gateway")],
        string="SMS provider",
        default="iap",
        required=True,
    )
    itsm_sms_gateway_url = fields.Char(string="SMS gateway URL")
    itsm_sms_access_key_id = fields.Char(string="SMS access key ID")
    itsm_sms_access_key_secret = fields.Char(string="SMS access key secret")
    itsm_sms_sign_name = fields.Char(string="SMS sign name")
    itsm_sms_template_code = fields.Char(string="SMS template code")
    itsm_sms_template_param = fields.Char(
        string="SMS template parameter", default="content"
    )
    itsm_sms_timeout = fields.Integer(
        string="SMS gateway timeout (seconds)", default=10
    )
    group_itsm_kpi_department = fields.Boolean(
        string="Department heads see their KPIs",
        implied_group="itsm_incident.group_itsm_kpi_department",
        group="itsm_incident.group_itsm_department_head",
        help="Business department heads see the KPIs of the departments they head.",
    )
    # The impact × urgency matrix as a 3 × 3 grid of priorities.
    itsm_matrix_high_severe = fields.Many2one(
        "itsm.priority", string="High urgency, severe impact"
    )
    itsm_matrix_high_moderate = fields.Many2one(
        "itsm.priority", string="High urgency, moderate impact"
    )
    itsm_matrix_high_minor = fields.Many2one(
        "itsm.priority", string="High urgency, minor impact"
    )
    itsm_matrix_medium_severe = fields.Many2one(
        "itsm.priority", string="Medium urgency, severe impact"
    )
    itsm_matrix_medium_moderate = fields.Many2one(
        "itsm.priority", string="Medium urgency, moderate impact"
    )
    itsm_matrix_medium_minor = fields.Many2one(
        "itsm.priority", string="Medium urgency, minor impact"
    )
    itsm_matrix_low_severe = fields.Many2one(
        "itsm.priority", string="Low urgency, severe impact"
    )
    itsm_matrix_low_moderate = fields.Many2one(
        "itsm.priority", string="Low urgency, moderate impact"
    )
    itsm_matrix_low_minor = fields.Many2one(
        "itsm.priority", string="Low urgency, minor impact"
    )

    # ------------------------------------------------------------------
    # The ITSM manager sets the ITSM settings (issue 12, point 11)
    # ------------------------------------------------------------------
    # Odoo lets administrators only save settings (execute). An ITSM manager
    # who is not one reads, creates and saves the ITSM fields of the form
    # (``_itsm_manager_fields``), nothing else: other settings are neither
    # read nor written for them; the SMS sender and who sees KPIs stay the
    # administrator's.

    def _itsm_manager_only(self):
        return not self.env.is_admin() and self.env.user.has_group(
            "itsm_incident.group_itsm_manager"
        )

    @api.model
    def _itsm_manager_fields(self):
        return {
            name
            for name in self._fields
            if name.startswith("itsm_") and name not in SMS_FIELDS
        }

    @api.model
    def default_get(self, fields_list):
        if not self._itsm_manager_only():
            return super().default_get(fields_list)
        allowed = self._itsm_manager_fields() | {"company_id"}
        fields_list = [name for name in fields_list or () if name in allowed]
        # sudo: an ITSM manager reads the ITSM settings, only them (the
        # fields are filtered before and the values after).
        values = super(ResConfigSettings, self.sudo()).default_get(fields_list)
        return {name: value for name, value in values.items() if name in allowed}

    @api.model_create_multi
    def create(self, vals_list):
        if not self._itsm_manager_only():
            return super().create(vals_list)
        allowed = self._itsm_manager_fields() | {"company_id"}
        for vals in vals_list:
            foreign = sorted(set(vals) - allowed)
            if foreign or vals.get("company_id", self.env.company.id) != (
                self.env.company.id
            ):
                raise AccessError(
                    self.env._(
                        "As an ITSM manager you may change the ITSM settings of "
                        "your current company only, not %s.",
                        ", ".join(foreign) or self.env._("another company"),
                    )
                )
        # sudo: an ITSM manager saves the ITSM settings of their company, only
        # them (checked above); the company's ITSM fields are written through
        # their related fields.
        return super(ResConfigSettings, self.sudo()).create(vals_list).sudo(False)

    def execute(self):
        if not self._itsm_manager_only():
            return super().execute()
        self.ensure_one()
        self._itsm_check_values()
        # sudo: an ITSM manager saves the ITSM settings, only them: the
        # configuration parameters of the ITSM fields and the matrix.
        settings = self.sudo()
        IrConfigParameter = self.env["ir.config_parameter"].sudo()
        for name in sorted(self._itsm_manager_fields()):
            field = self._fields[name]
            parameter = getattr(field, "config_parameter", None)
            if not parameter:
                continue
            value = settings[name]
            if field.type in ("integer", "float"):
                value = repr(value) if value else False
            elif field.type == "many2one":
                value = value.id
            if IrConfigParameter.get_param(parameter) != (value or False):
                IrConfigParameter.set_param(parameter, value)
        settings._itsm_set_matrix()
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def get_values(self):
        values = super().get_values()
        matrix = self.env["itsm.priority.matrix"]._priority_map()
        for cell, field_name in MATRIX_FIELDS.items():
            values[field_name] = matrix.get(cell, self.env["itsm.priority"]).id
        if self.env.user.has_group("base.group_system"):
            company = self.env.company
            values.update({name: company[name] for name in SMS_FIELDS})
        return values

    def set_values(self):
        self._itsm_check_values()
        result = super().set_values()
        if self.env.user.has_group("base.group_system"):
            self.company_id.write({name: self[name] for name in SMS_FIELDS})
        self._itsm_set_matrix()
        return result

    def _itsm_set_matrix(self):
        self.env["itsm.priority.matrix"]._set_matrix(
            {cell: self[field_name] for cell, field_name in MATRIX_FIELDS.items()}
        )

    def _itsm_check_values(self):
        if not 0 < self.itsm_sla_warning_share < 1:
            raise ValidationError(
                self.env._(
                    "The SLA warning must come before the deadline: give a share "
                    "between 1% and 99% of the target."
                )
            )
        if self.itsm_escalation_digest_from < 0:
            raise ValidationError(
                self.env._("The escalation digest threshold cannot be negative.")
            )
        if self.itsm_auto_close_working_days < 0:
            raise ValidationError(
                self.env._(
                    "The silence before a resolved ticket closes cannot be "
                    "negative (0 turns the automatic closure off)."
                )
            )
        if self.itsm_problem_recurrence_threshold < 0:
            raise ValidationError(
                self.env._(
                    "The occurrence that proposes a problem cannot be negative "
                    "(0 turns the proposals by recurrence off)."
                )
            )
