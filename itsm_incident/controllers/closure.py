from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.rating.controllers.main import Rating

RATES = ("1", "3", "5")


class ItsmClosurePortal(CustomerPortal):
    """The reporter confirms and rates, or rejects, the resolution of their
    ticket from its portal page (INC-12)."""

    @http.route(
        "/my/ticket/<int:ticket_id>/confirm",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def itsm_ticket_confirm(self, ticket_id, access_token=None, **kw):
        ticket_sudo = self._itsm_ticket(ticket_id, access_token)
        refusal = self._itsm_not_the_reporter(ticket_sudo, access_token)
        if refusal:
            return refusal
        rate = kw.get("rate")
        if rate not in RATES:
            return self._itsm_refused(
                ticket_sudo,
                access_token,
                request.env._("Choose how satisfied you are before confirming."),
            )
        try:
            ticket_sudo._itsm_reporter_confirm(
                int(rate), kw.get("feedback"), **self._itsm_confirm_values(kw)
            )
        except UserError as error:
            return self._itsm_refused(ticket_sudo, access_token, error.args[0])
        return request.redirect(ticket_sudo.get_portal_url(query_string="&confirmed=1"))

    @http.route(
        "/my/ticket/<int:ticket_id>/reject",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def itsm_ticket_reject(self, ticket_id, access_token=None, **kw):
        ticket_sudo = self._itsm_ticket(ticket_id, access_token)
        refusal = self._itsm_not_the_reporter(ticket_sudo, access_token)
        if refusal:
            return refusal
        try:
            ticket_sudo._itsm_reporter_reject(kw.get("reason"))
        except UserError as error:
            return self._itsm_refused(ticket_sudo, access_token, error.args[0])
        return request.redirect(ticket_sudo.get_portal_url(query_string="&reopened=1"))

    def _itsm_confirm_values(self, kw):
        """What else the confirmation form gives (extended: a requirement's
        evaluation), as keyword arguments of ``_itsm_reporter_confirm``."""
        return {}

    def _itsm_ticket(self, ticket_id, access_token):
        """The ticket, as superuser once the user's access to it is checked
        (their company's, or the token's); else 404, and nothing changes."""
        try:
            return self._document_check_access(
                "helpdesk.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError) as error:
            raise NotFound() from error

    def _itsm_not_the_reporter(self, ticket_sudo, access_token):
        """The refusal page for a logged-in user who is not the ticket's
        reporter (a colleague, a supervisor: they may read the ticket, the
        answer is the reporter's, security review M2); None for the reporter
        and for the holder of the link of their notice."""
        user = request.env.user
        if user._is_public() or ticket_sudo.partner_id == user.partner_id:
            return None
        return self._itsm_refused(
            ticket_sudo,
            access_token,
            request.env._(
                "Only the reporter of %s confirms or rejects its resolution.",
                ticket_sudo.display_name,
            ),
            status=403,
        )

    def _itsm_refused(self, ticket, access_token, message, status=409):
        return request.render(
            "itsm_incident.portal_closure_refused",
            {
                "ticket": ticket,
                "message": message,
                "back_url": ticket.get_portal_url()
                if access_token
                else ticket.access_url,
            },
            status=status,
        )


class ItsmRating(Rating):
    """Odoo's rating pages from the resolution notice: an ITSM ticket is
    rated once, and only by its reporter's company (or the holder of the
    link)."""

    @http.route()
    def action_open_rating(self, token, rate, **kwargs):
        refusal = self._itsm_rating_refusal(token)
        return refusal or super().action_open_rating(token, rate, **kwargs)

    @http.route()
    def action_submit_rating(self, token, rate=0, **kwargs):
        if request.httprequest.method == "POST":
            refusal = self._itsm_rating_refusal(token)
            if refusal:
                return refusal
        return super().action_submit_rating(token, rate=rate, **kwargs)

    def _itsm_rating_refusal(self, token):
        rating, record_sudo = self._get_rating_and_record(token)
        if rating.res_model != "helpdesk.ticket" or not record_sudo.is_itsm:
            # A plain team's ticket is rated as in helpdesk_mgmt_rating.
            return None
        user = request.env.user
        if (
            not user._is_public()
            and user.partner_id.commercial_partner_id
            != rating.partner_id.commercial_partner_id
        ):
            return request.render(
                "rating.rating_external_page_invalid_partner",
                {
                    "model_name": request.env["ir.model"]
                    ._get(rating.res_model)
                    .display_name,
                    "name": record_sudo.display_name,
                    "web_base_url": rating.get_base_url(),
                },
                status=403,
            )
        if rating.consumed:
            return request.render(
                "itsm_incident.rating_already_given",
                {"rating": rating, "ticket": record_sudo},
                status=409,
            )
        return None
