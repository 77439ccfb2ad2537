from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class ItsmChangeConfirmation(models.Model):
    """One business department's confirmation of a change's verification in
    the test environment (CHG-3, S4 3) 功能确认由IT管理部组织相关业务部门共同
    完成): given by the department's head or one of its interface persons of
    the changed services. The change goes to production only when every
    involved department has confirmed."""

    _name = "itsm.change.confirmation"
    _description = "ITSM Change Test Confirmation"
    _order = "change_id, department_id, id"
    _check_company_auto = True

    change_id = fields.Many2one(
        "itsm.change", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="change_id.company_id", store=True, index=True, precompute=True
    )
    department_id = fields.Many2one(
        "hr.department", required=True, readonly=True, check_company=True
    )
    confirmed = fields.Boolean(readonly=True)
    confirmed_by_id = fields.Many2one("res.users", readonly=True)
    confirmed_date = fields.Datetime(readonly=True)
    note = fields.Char(help="What the department checked, or its remarks.")

    _sql_constraints = [
        (
            "department_unique",
            "unique(change_id, department_id)",
            "A department confirms a change's test once.",
        ),
    ]

    def _itsm_may_confirm(self, user):
        """Whether ``user`` speaks for the line's department: its head, or
        an interface person of the department for one of the change's
        services."""
        self.ensure_one()
        # sudo: who heads a department and who its interface persons are
        # decides who may confirm; only these links are read.
        department = self.department_id.sudo()
        if department.manager_id.user_id == user:
            return True
        interfaces = self.change_id.sudo().service_ids.interface_ids.filtered(
            lambda line: line.department_id == department
        )
        return user in interfaces.employee_id.user_id

    def action_confirm(self):
        """The department confirms the verification of the change in the
        test environment."""
        for line in self:
            if line.change_id.state != "testing":
                raise UserError(
                    self.env._(
                        "%s is not being tested: its test confirmations are "
                        "given while it is in Testing.",
                        line.change_id.display_name,
                    )
                )
            if line.confirmed:
                raise UserError(
                    self.env._(
                        "%(department)s already confirmed the test of %(change)s.",
                        department=line.department_id.name,
                        change=line.change_id.display_name,
                    )
                )
            if not line._itsm_may_confirm(self.env.user):
                raise AccessError(
                    self.env._(
                        "Only the head of %(department)s or one of its interface "
                        "persons for the changed services confirms the test of "
                        "%(change)s.",
                        department=line.department_id.name,
                        change=line.change_id.display_name,
                    )
                )
        # sudo: the user speaks for each line's department (checked above);
        # lines are written by their button only.
        self.sudo().write(
            {
                "confirmed": True,
                "confirmed_by_id": self.env.user.id,
                "confirmed_date": fields.Datetime.now(),
            }
        )
        for line in self:
            line.change_id.message_post(
                body=self.env._(
                    "%(department)s confirmed the test (%(user)s).",
                    department=line.department_id.name,
                    user=self.env.user.name,
                )
            )
        return True

    @api.model_create_multi
    def create(self, vals_list):
        # Lines are made by the change (``_itsm_sync_confirmations``).
        if not self.env.su:
            raise AccessError(
                self.env._("Confirmation lines are made by the change itself.")
            )
        return super().create(vals_list)
