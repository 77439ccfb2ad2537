from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

DECLARATION_TYPES = [
    ("incident", "Incident"),
    ("service_request", "Service Request"),
    ("complaint", "Complaint"),
    ("security_incident", "Security Incident"),
]
SCREENING_STATES = [
    ("to_screen", "To Screen"),
    ("valid", "Valid"),
    ("invalid", "Invalid"),
    ("out_of_scope", "Out of Scope"),
]


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """Declaration and screening of a ticket (INC-2, INC-3): its type, the
    reporter's contact and department, the screening decision and where a
    valid declaration goes, the urgent mark and its emergency procedure."""

    _inherit = "helpdesk.ticket"

    declaration_type = fields.Selection(
        DECLARATION_TYPES,
        string="Type",
        required=True,
        default="incident",
        tracking=True,
        index=True,
    )
    screening_state = fields.Selection(
        SCREENING_STATES,
        string="Screening",
        required=True,
        default="to_screen",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    screening_note = fields.Text(string="Screening reason", tracking=True, copy=False)
    urgent = fields.Boolean(
        tracking=True,
        help="Urgent (紧急): starts the emergency procedure at once.",
    )
    occurrence_date = fields.Datetime(string="Occurred on", default=fields.Datetime.now)
    contact_name = fields.Char(string="Contact person")
    contact_phone = fields.Char(string="Contact phone")
    department_id = fields.Many2one(
        comodel_name="hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="Department of the reporter, whose head follows the ticket.",
    )

    @api.depends("partner_id")
    def _compute_department_id(self):
        """The department of the reporter's employee, in one query for all
        the tickets. Reporters without HR rights get theirs too: only the
        department's id leaves the query (hr.employee's own reads would go
        through its field access rules for every ticket created)."""
        partners = self.partner_id
        department_by_partner = {}
        if partners:
            self.env["hr.employee"].flush_model(
                ["work_contact_id", "department_id", "active"]
            )
            self.env.cr.execute(
                SQL(
                    """
                    SELECT DISTINCT ON (work_contact_id) work_contact_id, department_id
                      FROM hr_employee
                     WHERE work_contact_id = ANY(%s) AND active
                     ORDER BY work_contact_id, id
                    """,
                    partners.ids,
                )
            )
            department_by_partner = dict(self.env.cr.fetchall())
        for ticket in self:
            department_id = department_by_partner.get(ticket.partner_id.id)
            if department_id:
                ticket.department_id = department_id

    @api.constrains(
        "screening_state", "partner_id", "partner_name", "contact_name", "contact_phone"
    )
    def _check_valid_declaration_contact(self):
        for ticket in self.filtered(lambda t: t.screening_state == "valid"):
            missing = ticket._itsm_missing_contact()
            if missing:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s is a valid declaration: "
                        "it needs %(missing)s.",
                        ticket=ticket.display_name,
                        missing=", ".join(missing),
                    )
                )

    def _itsm_missing_contact(self):
        self.ensure_one()
        if self.event_source_id:
            # A monitoring alert has no reporter to call back: the tool that
            # raised it is its source (helpdesk_ticket_monitoring.py).
            return []
        missing = []
        if not (self.partner_id or self.partner_name):
            missing.append(self.env._("the customer name"))
        if not (self.contact_name or self.partner_id):
            missing.append(self.env._("the contact person"))
        partner = self.partner_id
        if not (
            self.contact_phone
            or self.partner_email
            or partner.email
            or partner.phone
            or partner.mobile
        ):
            missing.append(self.env._("a phone number or e-mail address"))
        return missing

    # ------------------------------------------------------------------
    # Hooks of helpdesk.ticket's create and write
    # ------------------------------------------------------------------

    @api.model
    def _itsm_screening_prepare_vals(self, vals):
        """An urgent mark makes the urgency high (before the priority is
        computed and the clocks follow it)."""
        if vals.get("urgent"):
            vals["urgency"] = "high"

    def _itsm_screening_check_write(self, vals):
        """Screening is not optional (S2 §5.4.1–5.4.2): an ITSM ticket still
        to screen keeps its stage (no handling, resolving or closing) until
        it is screened. The screening wizard's own move passes: it writes the
        outcome (invalid, out of scope) with the closing stage. Plain teams'
        tickets move as in helpdesk_mgmt. Called first by helpdesk.ticket's
        write, so that nothing changes when it refuses."""
        if "stage_id" not in vals or vals.get("screening_state") not in (
            None,
            "to_screen",
        ):
            return
        stage_id = vals["stage_id"] or False
        self.filtered(lambda t: t.stage_id.id != stage_id)._itsm_check_screened(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_screen_valid(self):
        """Screening (申报甄别): a valid declaration, routed by its type. The
        service desk screens."""
        if not self.env.user.has_group("itsm_incident.group_itsm_agent"):
            raise AccessError(self.env._("Only the service desk screens declarations."))
        for ticket in self:
            if ticket.screening_state != "to_screen":
                raise UserError(
                    self.env._(
                        "Ticket %s has already been screened.", ticket.display_name
                    )
                )
            missing = ticket._itsm_missing_contact()
            if missing:
                raise UserError(
                    self.env._(
                        "Before the declaration is valid, ask the reporter for "
                        "%(missing)s.",
                        missing=", ".join(missing),
                    )
                )
        # sudo: the outcome is the system's (helpdesk_ticket_stamps.py); the
        # desk may write these tickets (checked).
        self.check_access("write")
        self.sudo().write({"screening_state": "valid"})
        self._itsm_route_by_type()
        return True

    def action_open_screening_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Screen the declaration"),
            "res_model": "itsm.screening.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_ids": self.ids},
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _itsm_check_screened(self, vals=None):
        """Refuse, naming them, while some of these ITSM tickets (once
        ``vals`` are written) are still to screen: a declaration is
        acknowledged, handled, resolved or closed only once screened (S2
        §5.4.1–5.4.2). The actions of the other concerns call it before
        they change anything."""
        unscreened = self._itsm_only(vals).filtered(
            lambda t: t.screening_state == "to_screen"
        )
        if unscreened:
            raise UserError(
                self.env._(
                    "Screen %(tickets)s first: a declaration is acknowledged, "
                    "handled, resolved or closed only once screened as Valid "
                    "(or closed at screening as Invalid / Out of scope).",
                    tickets=", ".join(unscreened.mapped("display_name")),
                )
            )

    def _itsm_start_emergency(self):
        """An urgent mark starts the emergency procedure: the team leader (or
        the responsible department's manager) gets an activity at once and
        the editable notice "ITSM: emergency procedure" in their language."""
        if not self:
            return
        activity_type = self.env.ref("itsm_incident.mail_activity_type_emergency")
        for ticket in self:
            candidates = (
                ticket.team_id.user_id
                | ticket.responsible_department_id.manager_id.user_id
                | ticket.user_id
            )
            if ticket.declaration_type == "security_incident":
                # Only the security group hears of one: the security
                # team's leader, else its handler.
                candidates = candidates.filtered(
                    lambda user: user._has_group("itsm_incident.group_itsm_security")
                )
            responsible = candidates[:1]
            if responsible:
                ticket._itsm_schedule_with_notice(
                    responsible,
                    "itsm_incident.mail_template_emergency",
                    activity_type_id=activity_type.id,
                    summary=self.env._("Urgent: start the emergency procedure"),
                )

    def _itsm_route_by_type(self):
        """Valid declarations go where their type says (S2 §5.4.2): a service
        request to the head of the reporter's department (an activity and
        the editable notice "ITSM: service request to handle"), complaints
        and security incidents to their teams."""
        request_type = self.env.ref("itsm_incident.mail_activity_type_service_request")
        for ticket in self:
            company = ticket.company_id
            if ticket.declaration_type == "service_request":
                head = (
                    ticket.department_id.manager_id.user_id
                    or ticket.responsible_department_id.manager_id.user_id
                    or ticket.team_id.user_id
                )
                if head:
                    ticket.message_subscribe(partner_ids=head.partner_id.ids)
                    ticket._itsm_schedule_with_notice(
                        head,
                        "itsm_incident.mail_template_service_request",
                        activity_type_id=request_type.id,
                        summary=self.env._("Service request to handle"),
                    )
            elif (
                ticket.declaration_type == "complaint"
                and company.itsm_complaint_team_id
            ):
                ticket.team_id = company.itsm_complaint_team_id
            elif (
                ticket.declaration_type == "security_incident"
                and company.itsm_security_team_id
            ):
                ticket.team_id = company.itsm_security_team_id
