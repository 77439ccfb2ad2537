from odoo import api, models
from odoo.tools import html2plaintext


# One concern a file on purpose (itsm_incident's readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """A request filed by e-mail through its type's alias (S4 业务数据处理流程
    3): the mail's text is the request's scope; the system it is about is
    the desk's to fill in when the type asks for one (an e-mail does not
    pick from the catalogue). The requester is answered by e-mail when it is
    resolved (the resolution notice)."""

    _inherit = "helpdesk.ticket"

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})
        if values.get("request_type_id"):
            text = html2plaintext(msg_dict.get("body") or "").strip()
            values.setdefault("request_scope", text or msg_dict.get("subject"))
            values.setdefault("request_purpose", msg_dict.get("subject"))
            self = self.with_context(itsm_request_by_mail=True)
        return super().message_new(msg_dict, custom_values=values)
