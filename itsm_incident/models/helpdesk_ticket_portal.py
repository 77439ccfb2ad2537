from odoo import api, models


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """What the customer's portal shows of a ticket (X-7, security review
    M3, M4): the files of the messages they read, never the desk's internal
    ones; nothing of a security incident through its link."""

    _inherit = "helpdesk.ticket"

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        """portal lets the holder of a ticket's link (token, or hash and
        partner) read and post on its chatter: not on a security incident,
        which only the security group reads; its reporter is told by mail."""
        thread = super()._get_thread_with_access(thread_id, mode, **kwargs)
        if (
            thread
            # sudo: whether the ticket is a security incident decides what
            # the link may open, whoever holds it.
            and thread.sudo().declaration_type == "security_incident"
            and not self.browse(thread_id).has_access(mode)
        ):
            return self.browse()
        return thread

    def _itsm_portal_attachments(self):
        """The files of this ticket its customer downloads from the portal:
        those of the messages the portal shows (not internal notes, not
        notifications to others) and those the customer uploaded with the
        portal form. Never the desk's other files, such as the incident
        record form kept when the desk prints a closed ticket. The caller
        checked the user may read the ticket."""
        self.ensure_one()
        # sudo: the caller checked access to the ticket; the messages are
        # filtered to those the portal shows.
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", self._name), ("res_id", "=", self.id)])
        )
        shown = messages.filtered(
            lambda m: m.message_type != "user_notification"
            and not m.is_internal
            and not m.subtype_id.internal
        )
        attachments = self.sudo().attachment_ids
        in_messages = messages.attachment_ids
        uploaded = attachments.filtered(
            lambda a: a not in in_messages
            and (a.create_uid.share or a.create_uid.partner_id == self.partner_id)
        )
        return (attachments & shown.attachment_ids) | uploaded
