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

    @api.constrains("itsm_kpi_report_day")
    def _check_itsm_kpi_report_day(self):
        # Days 29 to 31 are missing from some months.
        if any(not 1 <= company.itsm_kpi_report_day <= 28 for company in self):
            raise ValidationError(
                self.env._("The monthly report day must be between 1 and 28.")
            )
