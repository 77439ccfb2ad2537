from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    itsm_skill_category_ids = fields.Many2many(
        "helpdesk.ticket.category",
        "itsm_user_skill_category_rel",
        "user_id",
        "category_id",
        string="ITSM Skills",
        help="Ticket categories (and their sub-categories) this person is "
        "skilled for; automatic assignment prefers them.",
    )
    itsm_overdue_action_ids = fields.One2many(
        "itsm.improvement.action",
        compute="_compute_itsm_overdue_action_ids",
        string="Overdue improvement actions",
    )

    def _compute_itsm_overdue_action_ids(self):
        """The open actions past their deadline that each user owns: one
        search for all the users (the digest of overdue actions lists them)."""
        actions = self.env["itsm.improvement.action"].search(
            [("user_id", "in", self.ids), ("is_overdue", "=", True)],
            order="date_deadline, id",
        )
        by_user = actions.grouped("user_id")
        for user in self:
            user.itsm_overdue_action_ids = by_user.get(
                user, self.env["itsm.improvement.action"]
            )

    def _itsm_org_chart(self):
        """{user id: {"supervisor", "department_manager", "division_leader":
        res.partner}} from each user's employee, read now: the one org-chart
        resolver of the suite (escalation ladder, hand-over to the
        department manager). The division leader is the manager of the
        department's parent department. Users without an employee have no
        entry."""
        # sudo: the org chart decides who hears of an escalation, whatever
        # the HR rights of whoever asks; only work contacts leave it.
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([("user_id", "in", self.ids)])
            .grouped("user_id")
        )
        chart = {}
        for user in self:
            employee = employees.get(user, self.env["hr.employee"])[:1]
            if not employee:
                continue
            department = employee.department_id
            chart[user.id] = {
                "supervisor": employee.parent_id.work_contact_id,
                "department_manager": department.manager_id.work_contact_id,
                "division_leader": department.parent_id.manager_id.work_contact_id,
            }
        return chart

    @api.model
    def _itsm_all_department_managers(self):
        """The work contacts of every department's manager."""
        # sudo: the org chart, as in _itsm_org_chart.
        return (
            self.env["hr.department"]
            .sudo()
            .search([("manager_id", "!=", False)])
            .manager_id.work_contact_id
        )
