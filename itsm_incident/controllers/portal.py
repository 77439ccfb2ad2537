import werkzeug
from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk

# Ticket fields a customer fills in on the portal form (INC-1, INC-2): they
# describe and may state the urgency; the desk sets the impact, the priority
# and the grade (S2 §5.4.3).
PORTAL_SELECTIONS = ("declaration_type", "urgency")
# Tickets a page of the portal's ticket list.
TICKETS_PER_PAGE = 20


class ItsmHelpdeskTicketController(HelpdeskTicketController):
    """The portal form asks for the declaration type, and optionally the
    urgency; the service desk classifies the rest (an impact posted anyway is
    ignored). Bad input is sent back with the reason and creates nothing."""

    @http.route()
    def submit_ticket(self, **kw):
        errors = self._itsm_portal_errors(kw)
        if errors:
            values = self._get_create_new_ticket_values(**kw)
            values.update(itsm_errors=errors, itsm_input=kw)
            return request.render(
                "helpdesk_mgmt.portal_create_ticket", values, status=400
            )
        return super().submit_ticket(**kw)

    @http.route("/ticket/close", type="http", auth="user", methods=["POST"])
    def support_ticket_close(self, **kw):
        """helpdesk_mgmt closes, with sudo and by a GET (no CSRF check), the
        ticket whose id it is given, whoever asks (X-7, security review M1).
        Here only by POST from the ticket's page (its CSRF token), to a stage
        the portal offers, and only by the ticket's reporter or a user who
        may change the ticket anyway; a ticket the user may not read does
        not exist for them."""
        ticket_id, stage_id = kw.get("ticket_id", ""), kw.get("stage_id", "")
        if not (ticket_id.isdigit() and stage_id.isdigit()):
            raise NotFound()
        ticket = request.env["helpdesk.ticket"].browse(int(ticket_id))
        try:
            ticket.check_access("read")
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        stage = request.env["helpdesk.ticket.stage"].browse(int(stage_id)).exists()
        if not ticket.is_itsm and not stage.close_from_portal:
            # A plain team's ticket: helpdesk_mgmt's answer, back to the
            # ticket unchanged.
            return werkzeug.utils.redirect(f"/my/ticket/{ticket.id}")
        if not stage.close_from_portal or (ticket.is_itsm and stage.closed):
            # An ITSM ticket is done once its reporter confirms the
            # resolution (INC-12), not by a button of the portal; it is
            # cancelled or rejected by the desk, with a reason the reporter
            # reads (issue 12, point 7): a reporter who withdraws tells the
            # desk.
            raise Forbidden()
        user = request.env.user
        if ticket.partner_id == user.partner_id:
            # sudo: the reporter closes their own ticket, to a stage the
            # portal offers them (helpdesk_mgmt's buttons).
            ticket = ticket.sudo()
        elif user._is_internal() and ticket.has_access("write"):
            pass  # they may change it in the back office anyway
        else:
            # A reader (a colleague, a supervisor): the reporter's to close.
            raise Forbidden()
        ticket.stage_id = stage
        if not ticket.is_itsm:
            return werkzeug.utils.redirect(f"/my/ticket/{ticket.id}")
        return request.redirect(f"/my/ticket/{ticket.id}")

    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        values.update(
            {
                f"itsm_{fname}_options": self._itsm_selection(fname)
                for fname in PORTAL_SELECTIONS
            }
        )
        return values

    def _prepare_submit_ticket_vals(self, **kw):
        vals = super()._prepare_submit_ticket_vals(**kw)
        vals["declaration_type"] = kw.get("declaration_type") or "incident"
        if kw.get("urgency"):
            vals["urgency"] = kw["urgency"]
        if kw.get("declaration_type") and not vals.get("team_id"):
            # The service desk's form (it asks what is declared): the ITSM
            # team of the category, else the company's service desk team.
            # Without either the ticket stays a plain helpdesk ticket.
            Team = request.env["helpdesk.ticket.team"]
            company = request.env["res.company"].browse(vals["company_id"])
            team = Team.browse(
                Team._itsm_team_by_category().get(vals.get("category_id"))
                # sudo: which team is the service desk is no secret.
                or company.sudo().itsm_default_team_id.id
            )
            if team:
                vals["team_id"] = team.id
                # sudo: as helpdesk_mgmt, the team's first stage.
                vals["stage_id"] = team.sudo()._get_applicable_stages()[:1].id
        return vals

    def _itsm_selection(self, fname):
        """(value, label) pairs of a ticket selection, in the user's language."""
        field = request.env["helpdesk.ticket"]._fields[fname]
        return field._description_selection(request.env)

    def _itsm_portal_errors(self, kw):
        """What is wrong with the submitted form, in the customer's words."""
        env = request.env
        unknown = {
            "declaration_type": env._(
                "Unknown type “%(value)s”: choose one of %(choices)s."
            ),
            "urgency": env._("Unknown urgency “%(value)s”: choose one of %(choices)s."),
        }
        errors = []
        for fname in PORTAL_SELECTIONS:
            value = kw.get(fname)
            options = dict(self._itsm_selection(fname))
            if value and value not in options:
                errors.append(
                    unknown[fname]
                    % {"value": value, "choices": ", ".join(options.values())}
                )
        if not (kw.get("subject") or "").strip():
            errors.append(env._("Give the ticket a subject."))
        if not (kw.get("description") or "").strip():
            errors.append(env._("Describe the problem or the request."))
        errors += self._itsm_category_errors(kw.get("category"))
        team = kw.get("team")
        if (
            team
            and env.company.helpdesk_mgmt_portal_select_team
            and not (team.isdigit() and int(team) in self._get_teams().ids)
        ):
            errors.append(env._("Unknown team: choose one from the list."))
        return errors

    def _itsm_category_errors(self, category):
        env = request.env
        categories = self._get_categories()
        if not category:
            required = (
                categories
                and request.env.company.helpdesk_mgmt_portal_category_id_required
            )
            return [env._("Choose a category.")] if required else []
        if not category.isdigit() or int(category) not in categories.ids:
            return [env._("Unknown category: choose one from the list.")]
        return []


class ItsmCustomerPortalHelpdesk(CustomerPortalHelpdesk):
    """A customer may report a security incident, which only the security
    group reads (X-7): its reporter gets an acknowledgement with its
    reference at its address instead of being sent away."""

    @property
    def _items_per_page(self):
        """The ticket list shows a phone's screenful a page (X-8): Odoo's
        80 rows took a worker about four times as long to render, the
        slowest page under load (tests/load). Other portal lists keep
        theirs."""
        if request and request.httprequest.path.startswith("/my/tickets"):
            return TICKETS_PER_PAGE
        return super()._items_per_page

    @http.route()
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        """helpdesk_mgmt's page, without calling it: it hands out a download
        token for every file of the ticket, internal ones included (security
        review M3). A security incident shows its acknowledgement, to the
        reporter who may not read it and to whoever opens its link (M4):
        only the security group reads it, in the back office."""
        try:
            ticket_sudo = self._document_check_access(
                "helpdesk.ticket", ticket_id, access_token=access_token
            )
        except MissingError:
            return request.redirect("/my")
        except AccessError:
            reported = self._itsm_own_security_incident(ticket_id)
            if not reported:
                return request.redirect("/my")
            return self._itsm_security_incident_received(reported)
        if ticket_sudo.declaration_type == "security_incident" and not (
            request.env.user.has_group("itsm_incident.group_itsm_security")
        ):
            return self._itsm_security_incident_received(ticket_sudo)
        values = self._ticket_get_page_view_values(ticket_sudo, access_token, **kw)
        # The links of the page open the files with their token.
        for attachment in values["itsm_attachments"]:
            attachment.generate_access_token()
        return request.render("helpdesk_mgmt.portal_helpdesk_ticket_page", values)

    def _itsm_security_incident_received(self, ticket_sudo):
        return request.render(
            "itsm_incident.portal_security_incident_received",
            {"ticket": ticket_sudo, "page_name": "ticket"},
        )

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        if ticket.is_itsm:
            # No closing button on an ITSM ticket: Done needs the reporter's
            # confirmation of a resolution, Cancelled and Rejected the desk
            # (a reason, issue 12 point 7); none before screening (INC-2).
            values["closed_stages"] = values["closed_stages"].browse()
        user = request.env.user
        values.update(
            itsm_attachments=ticket._itsm_portal_attachments(),
            # The reporter, or the holder of the link of their notice.
            itsm_is_reporter=user._is_public() or ticket.partner_id == user.partner_id,
        )
        return values

    def _itsm_own_security_incident(self, ticket_id):
        """The security incident ``ticket_id`` if the current user, who may
        not read it, reported it; else an empty recordset."""
        # sudo: the user may not read the ticket; only its reporter gets
        # its reference back, on the acknowledgement page.
        ticket_sudo = request.env["helpdesk.ticket"].sudo().browse(ticket_id)
        user = request.env.user
        if (
            not user._is_public()
            and ticket_sudo.exists()
            and ticket_sudo.declaration_type == "security_incident"
            and ticket_sudo.partner_id == user.partner_id
        ):
            return ticket_sudo
        return ticket_sudo.browse()
