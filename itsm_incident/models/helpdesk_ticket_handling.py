from odoo import fields, models
from odoo.exceptions import AccessError, UserError

VERIFICATION_STATES = [("passed", "Passed"), ("failed", "Failed")]
# Priorities the desk may hand over to the department manager (S2 §5.4.4).
HANDOVER_PRIORITIES = ("1", "2")
# Fields only the people who handle tickets may change.
HANDLING_FIELDS = {
    "diagnosis",
    "workaround",
    "fix_description",
    "on_site",
    "on_site_date",
    "verification_state",
    "verification_result",
    "verified_by_id",
    "verified_date",
    "handover_user_id",
    "handover_reason",
    "handover_date",
    "progress_note",
    "progress_date",
}


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The handling of a ticket (INC-11): diagnosis, workaround, fix, an
    on-site visit when needed, the verification required before resolving,
    progress updates to the reporter, and the hand-over of a high-priority
    incident the desk cannot handle to its department manager (S2 §5.4.4)."""

    _inherit = "helpdesk.ticket"

    diagnosis = fields.Text(tracking=True, copy=False)
    workaround = fields.Text(tracking=True, copy=False)
    fix_description = fields.Text(string="Fix", tracking=True, copy=False)
    on_site = fields.Boolean(
        string="On-site visit", tracking=True, copy=False, help="A visit is needed."
    )
    on_site_date = fields.Datetime(string="Visit on", tracking=True, copy=False)
    verification_state = fields.Selection(
        VERIFICATION_STATES,
        string="Verification",
        tracking=True,
        copy=False,
        index=True,
        help="The fix is verified before the ticket may be resolved.",
    )
    verification_result = fields.Text(tracking=True, copy=False)
    verified_by_id = fields.Many2one(
        "res.users", string="Verified by", readonly=True, copy=False
    )
    verified_date = fields.Datetime(string="Verified on", readonly=True, copy=False)
    progress_note = fields.Text(
        string="Progress update",
        copy=False,
        help="What the reporter is told by the next progress update.",
    )
    progress_date = fields.Datetime(
        string="Last update sent on", readonly=True, copy=False
    )
    handover_user_id = fields.Many2one(
        "res.users",
        string="Handed over to",
        readonly=True,
        copy=False,
        tracking=True,
    )
    handover_reason = fields.Text(
        string="Hand-over reason",
        copy=False,
        help="Why the desk cannot handle this incident itself.",
    )
    handover_date = fields.Datetime(string="Handed over on", readonly=True, copy=False)

    def write(self, vals):
        if HANDLING_FIELDS & set(vals):
            self._itsm_check_handler()
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_verify_passed(self):
        """The fix works: verified by the current user, now."""
        self._itsm_verify("passed")

    def action_verify_failed(self):
        """The fix does not work yet: the ticket cannot be resolved."""
        self._itsm_verify("failed")

    def action_send_progress_update(self):
        """Tell the reporter how the handling goes (S2 §5.4.6): the note is
        e-mailed and kept in the chatter."""
        self._itsm_check_handler()
        self._itsm_check_screened()
        for ticket in self:
            if not (ticket.progress_note or "").strip():
                raise UserError(
                    self.env._(
                        "Write the progress update of %s first.", ticket.display_name
                    )
                )
            if not ticket.partner_id:
                raise UserError(
                    self.env._(
                        "Ticket %s has no reporter to send the update to.",
                        ticket.display_name,
                    )
                )
        template = self.env.ref("itsm_incident.mail_template_progress_update")
        # A user's action on a few tickets: one post each.
        for ticket in self:
            ticket.message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                partner_ids=ticket.partner_id.ids,
            )
        # sudo: the stamp is the system's (helpdesk_ticket_stamps.py); the
        # handler may write these tickets (checked).
        self.check_access("write")
        self.sudo().write({"progress_date": fields.Datetime.now()})
        return True

    def action_handover_to_manager(self):
        """The desk cannot handle a high-priority incident: its department
        manager takes it over (S2 §5.4.4), the same "department manager" as
        the escalation ladder's."""
        if not self.env.user.has_group("itsm_incident.group_itsm_agent"):
            raise AccessError(self.env._("Only the service desk hands incidents over."))
        self._itsm_check_screened()
        managers = self._itsm_handover_managers()
        activity_type = self.env.ref("itsm_incident.mail_activity_type_handover")
        now = fields.Datetime.now()
        for ticket in self:
            manager = managers[ticket.id]
            reason = ticket.handover_reason
            # sudo: the hand-over stamps are the system's
            # (helpdesk_ticket_stamps.py); the desk may write it (checked).
            ticket.check_access("write")
            ticket.sudo().write(
                {
                    "user_id": manager.id,
                    "handover_user_id": manager.id,
                    "handover_date": now,
                }
            )
            ticket.message_subscribe(partner_ids=manager.partner_id.ids)
            ticket.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=manager.id,
                summary=self.env._("Handed over by the service desk"),
                note=reason,
            )
        # The manager reads why, in their language (an editable template).
        self._itsm_post_notice(
            "itsm_incident.mail_template_handover",
            recipients={t.id: managers[t.id].partner_id for t in self},
            subtype_xmlid="mail.mt_note",
        )
        return True

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _itsm_check_handler(self):
        """Handling fields are the handlers' to change — resolvers, and
        department heads who take incidents over; reporters read them."""
        user = self.env.user
        if (
            self.env.su
            or user.has_group("itsm_incident.group_itsm_resolver")
            or user.has_group("itsm_incident.group_itsm_department_head")
        ):
            return
        raise AccessError(
            self.env._("Only the people who handle tickets may record their handling.")
        )

    def _itsm_verify(self, state):
        self._itsm_check_handler()
        # Handling starts once the declaration is screened (INC-2).
        self._itsm_check_screened()
        for ticket in self:
            if not (ticket.verification_result or "").strip():
                raise UserError(
                    self.env._(
                        "Describe the verification result of %s first.",
                        ticket.display_name,
                    )
                )
            if not (ticket.fix_description or ticket.workaround):
                raise UserError(
                    self.env._(
                        "Record the fix (or the workaround) of %s before verifying it.",
                        ticket.display_name,
                    )
                )
        # sudo: the verification is stamped by the system
        # (helpdesk_ticket_stamps.py); the handler may write these tickets
        # (checked).
        self.check_access("write")
        self.sudo().write(
            {
                "verification_state": state,
                "verified_by_id": self.env.uid,
                "verified_date": fields.Datetime.now(),
            }
        )
        return True

    def _itsm_handover_managers(self):
        """{ticket id: res.users} the department manager of each ticket's
        handler, from the escalation ladder's resolver; refuses, and changes
        nothing, when one ticket may not be handed over."""
        for ticket in self:
            if ticket.itsm_priority not in HANDOVER_PRIORITIES:
                raise UserError(
                    self.env._(
                        "Only high-priority incidents (P1, P2) go to the "
                        "department manager; %s is not one.",
                        ticket.display_name,
                    )
                )
            if not (ticket.handover_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Say why the desk cannot handle %s itself.",
                        ticket.display_name,
                    )
                )
            if not ticket.user_id:
                raise UserError(
                    self.env._(
                        "Acknowledge %s first: the department manager is its "
                        "handler's.",
                        ticket.display_name,
                    )
                )
        # The org chart's resolver, as for the escalation ladder; only the
        # manager's user is used.
        chart = self.user_id._itsm_org_chart()
        Partner = self.env["res.partner"]
        managers = {}
        for ticket in self:
            partner = chart.get(ticket.user_id.id, {}).get(
                "department_manager", Partner
            )
            manager = partner.user_ids.filtered(lambda u: not u.share)[:1]
            if not manager:
                raise UserError(
                    self.env._(
                        "No department manager found for %(handler)s in the org "
                        "chart (Employees › Departments).",
                        handler=ticket.user_id.name,
                    )
                )
            if manager == ticket.user_id:
                raise UserError(
                    self.env._(
                        "%(ticket)s is already handled by its department manager.",
                        ticket=ticket.display_name,
                    )
                )
            managers[ticket.id] = manager
        return managers
