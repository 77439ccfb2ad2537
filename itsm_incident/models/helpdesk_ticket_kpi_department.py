from odoo import api, fields, models


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The handling department (处理部门) the KPIs judge besides the
    responsible one (S1 §3.2.3, §5): the department of the handler's
    employee when the handler was assigned, kept when the person later moves
    to another department."""

    _inherit = "helpdesk.ticket"

    handling_department_id = fields.Many2one(
        "hr.department",
        string="Handling department",
        compute="_compute_handling_department_id",
        store=True,
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="The department of the handler when they took the ticket: the "
        "KPIs group by it besides the responsible department.",
    )

    @api.depends("user_id")
    def _compute_handling_department_id(self):
        for ticket in self:
            # sudo: the handler's employee record, whoever assigns the ticket.
            employees = ticket.user_id.sudo().employee_ids
            employee = (
                employees.filtered(lambda e, t=ticket: e.company_id == t.company_id)[:1]
                or employees[:1]
            )
            ticket.handling_department_id = employee.department_id
