from markupsafe import Markup

from odoo import models


class HrDepartureWizard(models.TransientModel):
    """A departure registered by HR (离职审批单) files the removal of every
    account the employee holds, with the departure's reason and date."""

    _inherit = "hr.departure.wizard"

    def action_register_departure(self):
        result = super().action_register_departure()
        note = Markup("%s: %s, %s") % (
            self.env._("Departure"),
            self.departure_reason_id.name,
            self.departure_date,
        )
        self.env["helpdesk.ticket"]._itsm_account_file_removals(
            self.employee_id, "departure", note=note
        )
        return result
