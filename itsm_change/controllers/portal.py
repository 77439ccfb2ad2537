from odoo.http import request

from odoo.addons.itsm_incident.controllers.portal import ItsmHelpdeskTicketController

# The request fields a customer fills in, by what the type asks for.
ASKED = (
    ("ask_purpose", "request_purpose"),
    ("ask_scope", "request_scope"),
    ("ask_service", "service"),
    ("ask_account_action", "request_account_action"),
)


class ItsmRequestPortalController(ItsmHelpdeskTicketController):
    """Customers file requests of the types open to them (*Customers may
    request*) from the portal's new-ticket form, with what each type asks
    for; the request then enters its approvals as one filed in the back
    office. Bad input is sent back with the reason and files nothing."""

    def _itsm_portal_request_types(self):
        """The request types the portal user may file (their company's or
        shared ones)."""
        # sudo: the catalogue of portal request types is shown to customers,
        # who read no request type themselves.
        return (
            request.env["itsm.request.type"]
            .sudo()
            .search(
                [
                    ("portal_ok", "=", True),
                    ("company_id", "in", [False, request.env.company.id]),
                ]
            )
        )

    def _itsm_portal_services(self):
        # sudo: the names of the company's systems, to pick the one a request
        # is about.
        return (
            request.env["itsm.service"]
            .sudo()
            .search([("company_id", "in", [False, request.env.company.id])])
        )

    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        types = self._itsm_portal_request_types()
        values.update(
            itsm_request_types=types,
            itsm_request_services=self._itsm_portal_services()
            if any(types.mapped("ask_service"))
            else request.env["itsm.service"],
            itsm_account_action_options=self._itsm_selection("request_account_action"),
            # What each type asks for: the form shows those fields only.
            itsm_request_asks={
                request_type.id: ",".join(
                    name for flag, name in ASKED if request_type[flag]
                )
                for request_type in types
            },
        )
        return values

    def _itsm_portal_request_type(self, kw):
        """The request type chosen on the form, or None when none is; False
        when the value is not one the user may choose."""
        value = (kw.get("request_type") or "").strip()
        if not value:
            return None
        types = self._itsm_portal_request_types()
        if not value.isdigit() or int(value) not in types.ids:
            return False
        return types.browse(int(value))

    def _itsm_portal_errors(self, kw):
        errors = super()._itsm_portal_errors(kw)
        env = request.env
        request_type = self._itsm_portal_request_type(kw)
        if request_type is False:
            return errors + [env._("Unknown request type: choose one from the list.")]
        if not request_type:
            return errors
        labels = {
            "request_purpose": env._("the purpose"),
            "request_scope": env._("the scope"),
            "service": env._("the system"),
            "request_account_action": env._("the account action"),
        }
        missing = [
            labels[name]
            for flag, name in ASKED
            if request_type[flag] and not (kw.get(name) or "").strip()
        ]
        if missing:
            errors.append(
                env._(
                    "A request of the type “%(type)s” needs %(fields)s.",
                    type=request_type.name,
                    fields=", ".join(missing),
                )
            )
        service = (kw.get("service") or "").strip()
        if service and not (
            service.isdigit() and int(service) in self._itsm_portal_services().ids
        ):
            errors.append(env._("Unknown system: choose one from the list."))
        action = kw.get("request_account_action")
        if action and action not in dict(
            self._itsm_selection("request_account_action")
        ):
            errors.append(env._("Unknown account action: choose one from the list."))
        return errors

    def _prepare_submit_ticket_vals(self, **kw):
        vals = super()._prepare_submit_ticket_vals(**kw)
        request_type = self._itsm_portal_request_type(kw)
        if request_type:
            vals.update(
                request_type_id=request_type.id,
                declaration_type="service_request",
                request_purpose=kw.get("request_purpose") or False,
                request_scope=kw.get("request_scope") or False,
                request_account_action=kw.get("request_account_action") or False,
            )
            if (kw.get("service") or "").isdigit():
                vals["service_id"] = int(kw["service"])
            if request_type.team_id:
                vals["team_id"] = request_type.team_id.id
                # sudo: as helpdesk_mgmt, the team's first stage.
                vals["stage_id"] = (
                    request_type.team_id.sudo()._get_applicable_stages()[:1].id
                )
        return vals
