from odoo import api, models
from odoo.exceptions import ValidationError

SECURITY_GROUP = "itsm_incident.group_itsm_security"


class MailActivity(models.Model):
    """Activities on tickets (X-7): the ticket as a real link, which the
    record rule keeping the activities of security incidents to the
    security group follows (``mail_activity_rule_security_incident``); and
    nobody outside that group is given one on a security incident."""

    _name = "mail.activity"
    _inherit = ["mail.activity", "itsm.ticket.link.mixin"]

    @api.constrains("itsm_ticket_id", "user_id")
    def _check_itsm_security_incident(self):
        # sudo: whether the ticket is a security incident, which the one
        # scheduling may not read (the phone desk); nothing else leaves here.
        for activity in self.sudo().filtered("itsm_ticket_id"):
            user = activity.user_id
            if (
                user
                and activity.itsm_ticket_id.declaration_type == "security_incident"
                and not user._has_group(SECURITY_GROUP)
            ):
                raise ValidationError(
                    self.env._(
                        "%s is not in the information-security group: only its "
                        "members are given activities on a security incident.",
                        user.name,
                    )
                )
