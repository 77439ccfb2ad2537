from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    department_id = fields.Many2one(
        comodel_name="hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="Department of the reporter, whose head follows the ticket.",
    )

    @api.depends("partner_id")
    def _compute_department_id(self):
        partners = self.partner_id
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search(
                # sudo: only the department of the matching employee is read, so
                # that reporters without HR rights still get their department.
                [("work_contact_id", "in", partners.ids)]
            )
            if partners
            else self.env["hr.employee"]
        )
        department_by_partner = {
            employee.work_contact_id: employee.department_id for employee in employees
        }
        for ticket in self:
            department = department_by_partner.get(ticket.partner_id)
            if department:
                ticket.department_id = department

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "team_id" in fields_list and not values.get("team_id"):
            company = (
                self.env["res.company"].browse(values.get("company_id"))
                or self.env.company
            )
            if company.itsm_default_team_id:
                values["team_id"] = company.itsm_default_team_id.id
        return values
