from odoo.tests import HttpCase, tagged

from .common import ItsmCase


@tagged("post_install", "-at_install")
class TestServiceDeskTour(HttpCase, ItsmCase):
    def test_agent_opens_the_ticket_list(self):
        """An agent logs in, opens Service Desk and a ticket, in Chromium."""
        self.start_tour("/odoo", "itsm_agent_ticket_list", login="test_agent")
