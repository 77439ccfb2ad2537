from odoo import fields, models


class HrEmployee(models.Model):
    """HR's records drive the account register (S4 系统帐号管理流程 3)): an
    employee who changes department or job, or leaves (archived, or the
    departure wizard), gets a removal request for every account they hold.
    HR's right to make the change is checked by the write itself."""

    _inherit = "hr.employee"

    itsm_account_ids = fields.One2many(
        "itsm.system.account",
        "employee_id",
        string="System accounts",
        groups="itsm_incident.group_itsm_resolver",
    )
    itsm_account_count = fields.Integer(
        string="System accounts (count)",
        compute="_compute_itsm_account_count",
        groups="itsm_incident.group_itsm_resolver",
    )

    def _compute_itsm_account_count(self):
        counts = dict(
            self.env["itsm.system.account"]._read_group(
                [("employee_id", "in", self.ids), ("state", "=", "active")],
                ["employee_id"],
                ["__count"],
            )
        )
        for employee in self:
            employee.itsm_account_count = counts.get(employee, 0)

    def write(self, vals):
        moved = self.browse()
        for name in ("department_id", "job_id"):
            if name in vals:
                moved |= self.filtered(
                    lambda employee, name=name: employee[name].id
                    != (vals[name] or False)
                    and employee[name]
                )
        leaving = self.browse()
        if "active" in vals and not vals["active"]:
            # The departure wizard files them itself, with its reason.
            if not self.env.context.get("no_wizard"):
                leaving = self.filtered("active")
        result = super().write(vals)
        Ticket = self.env["helpdesk.ticket"]
        if leaving:
            Ticket._itsm_account_file_removals(leaving, "departure")
        if moved - leaving:
            Ticket._itsm_account_file_removals(moved - leaving, "transfer")
        return result

    def action_itsm_accounts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "itsm_change.itsm_system_account_action"
        )
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"active_test": False}
        return action
