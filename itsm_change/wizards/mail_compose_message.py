from odoo import models

from ..models.itsm_change_notice import NOTICES


class MailComposeMessage(models.TransientModel):
    """A change notice edited in the composer (CHG-7) is recorded as sent
    when the composer sends it."""

    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        kind = self.env.context.get("itsm_change_notice_kind")
        notices = self.filtered(
            lambda wizard: kind in NOTICES
            and wizard.model == "itsm.change"
            and wizard.composition_mode == "comment"
        )
        changes = self.env["itsm.change"].browse(
            [res_id for wizard in notices for res_id in wizard._evaluate_res_ids()]
        )
        # The same checks as sending it directly (state, role, late reason),
        # whoever set the context: nothing is sent when they fail.
        if changes:
            changes._itsm_prepare_notice(kind)
        result = super()._action_send_mail(auto_commit=auto_commit)
        if changes:
            changes._itsm_notice_sent(kind)
        return result
