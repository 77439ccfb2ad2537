from odoo import api, fields, models

INTERFACE_ROLES = [
    ("interface", "Interface person"),
    ("responsible", "Responsible person"),
]


class ItsmServiceInterface(models.Model):
    """An interface person (接口人员) of a department that uses a service:
    who hears of its changes and faults for that department, ranked by
    relevance (S4: 排名按照系统变更内容相关性降序, lower sequence first)."""

    _name = "itsm.service.interface"
    _description = "ITSM Service Interface Person"
    _order = "service_id, department_id, sequence, id"
    _check_company_auto = True

    service_id = fields.Many2one(
        "itsm.service", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="service_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(
        string="Rank",
        default=10,
        help="Relevance within the department: lower comes first in notices.",
    )
    employee_id = fields.Many2one(
        "hr.employee",
        string="Person",
        required=True,
        index=True,
        check_company=True,
        ondelete="cascade",
    )
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        check_company=True,
        help="The using department this person speaks for.",
    )
    partner_id = fields.Many2one(
        related="employee_id.work_contact_id", string="Contact"
    )
    work_email = fields.Char(related="employee_id.work_email")
    role = fields.Selection(INTERFACE_ROLES, required=True, default="interface")
    note = fields.Char(
        string="Role note", help="e.g. billing rules, reports, call centre scripts"
    )

    @api.depends("employee_id")
    def _compute_department_id(self):
        for line in self:
            if line.employee_id.department_id and not line.department_id:
                line.department_id = line.employee_id.department_id
