from odoo import fields, models
from odoo.exceptions import AccessError, UserError


class ItsmProblem(models.Model):
    """A problem whose permanent fix needs a system change raises it
    (CHG-9, S4 系统问题管理流程): a draft change linked to the problem, on
    its service, for the change manager to plan."""

    _inherit = "itsm.problem"

    change_ids = fields.Many2many(
        "itsm.change",
        "itsm_change_problem_rel",
        "problem_id",
        "change_id",
        string="Changes",
        readonly=True,
        copy=False,
    )

    def action_raise_change(self):
        self.ensure_one()
        if not self.env.user.has_group("itsm_incident.group_itsm_resolver"):
            raise AccessError(
                self.env._("Only the people who handle problems raise a change.")
            )
        if self.state in ("closed",):
            raise UserError(
                self.env._("%s is closed: it raises no change.", self.display_name)
            )
        return self.env["itsm.change"]._itsm_raise_for(
            self,
            {
                "name": self.name,
                "company_id": self.company_id.id,
                "reason": self.description,
                "service_ids": [(6, 0, self.service_id.ids)],
                "problem_ids": [(4, self.id)],
            },
        )
