from odoo import fields, models


# One concern a file on purpose (itsm_incident/readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    itsm_change_require_plan = fields.Boolean(
        string="Require a monthly plan",
        config_parameter="itsm_change.require_plan",
        help="A normal or emergency change is submitted only in a month whose "
        "change plan is agreed. Off: months without an agreed plan accept "
        "every change; a month with one always requires its changes to be in "
        "it (or in an agreed plan adjustment).",
    )
