from odoo import models
from odoo.exceptions import UserError


# One concern a file on purpose (itsm_incident/readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The archive of a request (S4 归档要求): it keeps its form, its
    approvals and its attachments, and prints as a PDF with its approval
    trail (report ``itsm_change.action_report_itsm_request``)."""

    _inherit = "helpdesk.ticket"

    def action_request_print(self):
        """The request's PDF, with its approval trail."""
        if self.filtered(lambda ticket: not ticket.request_type_id):
            raise UserError(self.env._("Only requests print with an approval trail."))
        return self.env.ref("itsm_change.action_report_itsm_request").report_action(
            self
        )

    def _itsm_request_archive_attachments(self):
        """The files of the request (the form's and the chatter's); the
        encrypted deliveries are listed with their downloads instead."""
        self.ensure_one()
        return self.env["ir.attachment"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "=", self.id),
                ("res_field", "=", False),
            ],
            order="create_date, id",
        )
