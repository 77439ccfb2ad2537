from odoo import http
from odoo.tests import HttpCase, new_test_user
from odoo.tests.common import JsonRpcException

from .test_closure import ClosureCase


class SecurityHttpCase(HttpCase, ClosureCase):
    """What a user can do through the HTTP routes and JSON-RPC of their
    session: the roles of :class:`ItsmCase`, an employee without any ITSM
    role, and portal users of customer A (the reporter and a colleague) and
    of customer B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users["employee"] = new_test_user(
            cls.env, login="test_employee", groups="base.group_user"
        )
        cls.portal = cls.users["portal"]
        cls.portal.partner_id.email = "portal@customer-a.example.com"
        cls.users["colleague"] = new_test_user(
            cls.env, login="test_portal_colleague", groups="base.group_portal"
        )
        cls.users["colleague"].partner_id.parent_id = cls.portal_company
        cls.users["stranger"] = new_test_user(
            cls.env, login="test_portal_b", groups="base.group_portal"
        )
        cls.users["stranger"].partner_id.parent_id = cls.other_company

    def login(self, role):
        """The session of a role's user (None: an anonymous visitor)."""
        if role is None:
            self.authenticate(None, None)
        else:
            login = self.users[role].login
            self.authenticate(login, login)

    def resolved_ticket(self, partner=None, **vals):
        """An incident of the portal reporter (or ``partner``), resolved and
        awaiting their confirmation."""
        ticket = self.new_incident(
            partner_id=(partner or self.portal.partner_id).id, **vals
        )
        self.handle(ticket).action_resolve()
        return ticket

    def post(self, url, **data):
        """A form posted from the session's page (with its CSRF token)."""
        self.env.flush_all()
        response = self.url_open(
            url,
            data={"csrf_token": http.Request.csrf_token(self), **data},
            allow_redirects=False,
        )
        self.env.invalidate_all()
        return response

    def get(self, url):
        self.env.flush_all()
        response = self.url_open(url, allow_redirects=False)
        self.env.invalidate_all()
        return response

    def rpc(self, model, method, *args, **kwargs):
        """A JSON-RPC call of the web client; raises JsonRpcException."""
        self.env.flush_all()
        try:
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/{method}",
                {
                    "model": model,
                    "method": method,
                    "args": list(args),
                    "kwargs": kwargs,
                },
            )
        finally:
            self.env.invalidate_all()

    def json(self, route, **params):
        """A JSON route (the chatter's); raises JsonRpcException."""
        self.env.flush_all()
        try:
            return self.make_jsonrpc_request(route, params)
        finally:
            self.env.invalidate_all()

    def assert_refused_rpc(self, model, method, *args, **kwargs):
        with self.assertRaises(JsonRpcException) as caught:
            self.rpc(model, method, *args, **kwargs)
        return caught.exception
