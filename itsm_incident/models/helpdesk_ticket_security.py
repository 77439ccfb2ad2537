from odoo import api, models
from odoo.exceptions import ValidationError

SECURITY_GROUP = "itsm_incident.group_itsm_security"
SECURITY_INCIDENT = "security_incident"


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """Security incidents stay with the security group (X-7, security review
    H2), whichever way they came in (portal, phone desk, mail, webhook): the
    record rules keep others from reading them and the rows that point at
    them (security/itsm_incident_security.xml); here, nobody outside the
    group is assigned one (helpdesk_ticket_assignment.py chooses among its
    members), follows one (``mail.followers._insert_followers``), is given
    an activity on one (``mail.activity``), or is notified of one (below; the
    ladder, itsm_escalation_rule_scope.py). The reporter is still told of
    their own declaration, and contacts without a user whom the security
    team addresses."""

    _inherit = "helpdesk.ticket"

    @api.model
    def _itsm_security_members(self, users):
        """Those of ``users`` in the security group (whoever asks: a portal
        user's or the mail gateway's creation too)."""
        return users.filtered(lambda user: user._has_group(SECURITY_GROUP))

    def _itsm_allowed_partner_ids(self, partner_ids):
        """Those of ``partner_ids`` who may follow or be told of this ticket:
        all of them, for a ticket that is not a security incident; for one,
        its reporter, the members of the security group and contacts
        without a user."""
        self.ensure_one()
        if self.declaration_type != SECURITY_INCIDENT:
            return list(partner_ids)
        partners = self.env["res.partner"].sudo().browse(partner_ids)
        return [
            partner.id
            for partner in partners
            if partner == self.partner_id
            or not partner.user_ids
            or self._itsm_security_members(partner.user_ids)
        ]

    @api.model
    def _itsm_assignment_prepare_create(self, vals_list):
        """A new security incident goes to the company's security team when
        there is one, and to none of its defaults' assignees outside the
        group (helpdesk_mgmt's creator, a phone desk agent): the assignment
        by workload chooses among the group's members."""
        for vals in vals_list:
            if vals.get("declaration_type") != SECURITY_INCIDENT:
                continue
            company = (
                self.env["res.company"].browse(vals.get("company_id"))
                or self.env.company
            )
            # sudo: the company's security team, whoever reports.
            team = company.sudo().itsm_security_team_id
            if team:
                vals["team_id"] = team.id
            user = self.env["res.users"].browse(vals.get("user_id"))
            if not self._itsm_security_members(user):
                # Explicitly nobody: no default assignee either.
                vals["user_id"] = False
        return super()._itsm_assignment_prepare_create(vals_list)

    def write(self, vals):
        if vals.get("user_id"):
            self._itsm_check_security_assignee(vals)
        becoming = (
            self.filtered(lambda t: t.declaration_type != SECURITY_INCIDENT)
            if vals.get("declaration_type") == SECURITY_INCIDENT
            else self.browse()
        )
        result = super().write(vals)
        if becoming:
            # sudo: the writer may no longer read what they made a security
            # incident; the write passed their rights, the clean-up is ours.
            becoming.sudo()._itsm_seal_security_incidents()
        return result

    def _itsm_check_security_assignee(self, vals):
        """A security incident is assigned to a member of the security group
        only: refused, naming the user, otherwise."""
        user = self.env["res.users"].browse(vals["user_id"])
        if "declaration_type" in vals:
            incidents = (
                self if vals["declaration_type"] == SECURITY_INCIDENT else self.browse()
            )
        else:
            # sudo: the type of the tickets being written, nothing else.
            incidents = self.sudo().filtered(
                lambda t: t.declaration_type == SECURITY_INCIDENT
            )
        if incidents and not self._itsm_security_members(user):
            raise ValidationError(
                self.env._(
                    "%s is not in the information-security group: a security "
                    "incident is assigned to its members only.",
                    user.name,
                )
            )

    def _itsm_seal_security_incidents(self):
        """Tickets that just became security incidents: to the company's
        security team, away from an assignee outside the group (another of
        the team's members by workload, or nobody), without the followers
        and activities of people outside it."""
        for ticket in self:
            team = ticket.company_id.itsm_security_team_id
            if team and ticket.team_id != team:
                ticket.team_id = team
        outsiders = self.filtered(
            lambda t: t.user_id and not self._itsm_security_members(t.user_id)
        )
        if outsiders:
            outsiders.write({"user_id": False})
            outsiders.filtered("is_itsm")._itsm_assign_by_load()
        for ticket in self:
            followers = ticket.message_partner_ids
            allowed = ticket._itsm_allowed_partner_ids(followers.ids)
            if followers - followers.browse(allowed):
                ticket.message_unsubscribe((followers - followers.browse(allowed)).ids)
            ticket.activity_ids.filtered(
                lambda a: a.user_id and not self._itsm_security_members(a.user_id)
            ).unlink()

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        """No notification of a security incident outside the security
        group: chatter messages, notes, Odoo's assignment and activity
        notices, whoever posts them."""
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        # sudo: whether the ticket is a security incident decides who is
        # told, whoever posts; only the recipients leave here.
        ticket = self.sudo()
        if len(ticket) != 1 or ticket.declaration_type != SECURITY_INCIDENT:
            return recipients
        allowed = set(ticket._itsm_allowed_partner_ids([r["id"] for r in recipients]))
        return [r for r in recipients if r["id"] in allowed]
