from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty


# One concern a file on purpose (the change's schedule is another).
# pylint: disable=consider-merging-classes-inherited
class ItsmChange(models.Model):
    """A change prepared by a maintenance plan (CHG-11, S3 §2): it closes
    with its effect evaluation (维护效果评估), the last step of the plan's
    cycle."""

    _inherit = "itsm.change"

    maintenance_plan_id = fields.Many2one(
        "itsm.maintenance.plan",
        string="Maintenance plan",
        readonly=True,
        index="btree_not_null",
        copy=False,
    )
    maintenance_evaluation = fields.Html(
        string="Effect of the maintenance",
        copy=False,
        help="Whether the maintenance reached its aim (the system's "
        "performance, the issues it was to prevent); required to close a "
        "change of a maintenance plan.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get("maintenance_plan_id") for vals in vals_list
        ):
            raise UserError(self._itsm_plan_only_message())
        return super().create(vals_list)

    def write(self, vals):
        if "maintenance_plan_id" in vals and not self.env.su:
            raise UserError(self._itsm_plan_only_message())
        return super().write(vals)

    def _itsm_plan_only_message(self):
        return self.env._(
            "A change belongs to a maintenance plan when the plan prepares it."
        )

    def _itsm_check_evaluated(self):
        for change in self.filtered("maintenance_plan_id"):
            if is_html_empty(change.maintenance_evaluation):
                raise UserError(
                    self.env._(
                        "%s is a planned maintenance: write the effect of the "
                        "maintenance before closing it.",
                        change.display_name,
                    )
                )

    def action_close(self):
        self._itsm_check_evaluated()
        return super().action_close()

    def action_close_failed(self):
        self._itsm_check_evaluated()
        return super().action_close_failed()
