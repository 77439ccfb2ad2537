from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import utc
from .test_kpi import KpiCase


class TestKpiDashboard(KpiCase):
    """The service desk manager's screen."""

    @freeze_time(utc(2026, 11, 24, 16))
    def test_the_figures_of_the_screen(self):
        self.env["itsm.improvement.action"].create(
            [
                {
                    "name": "Replace the fuser",
                    "user_id": self.users["resolver"].id,
                    "date_deadline": fields.Date.to_date("2026-11-20"),
                    "ticket_id": self.a.id,
                },
                {
                    "name": "Train the desk",
                    "user_id": self.users["resolver"].id,
                    "date_deadline": fields.Date.to_date("2026-12-20"),
                },
            ]
        )
        data = (
            self.env["itsm.kpi.dashboard"]
            .with_user(self.users["agent"])
            .get_dashboard_data()
        )
        # C is open since Tuesday 9:00, unacknowledged: its one-hour response
        # target is breached.
        open_p3 = next(
            row for row in data["open_by_priority"] if row["priority"] == "3"
        )
        self.assertGreaterEqual(open_p3["count"], 1)
        Ticket = self.env["helpdesk.ticket"]
        self.assertIn(self.c, Ticket.search(data["breached_domain"]))
        self.assertNotIn(self.a, Ticket.search(data["open_domain"]))
        self.assertGreaterEqual(data["breached"], 1)
        self.assertIn("Replace the fuser", [a["name"] for a in data["overdue_actions"]])
        self.assertNotIn("Train the desk", [a["name"] for a in data["overdue_actions"]])
        november = next(point for point in data["trend"] if point["month"] == "2026-11")
        self.assertGreaterEqual(november["count"], 3)
        printing = next(
            row for row in data["top_categories"] if row["id"] == self.category.id
        )
        self.assertEqual(printing["count"], 4)


@tagged("post_install", "-at_install")
class TestKpiDashboardTour(HttpCase, KpiCase):
    # A full-HD desktop: every section of the Service Desk app in the bar
    # (narrower, Odoo folds the last ones under "More").
    browser_size = "1920,1080"

    def test_an_agent_opens_the_dashboard_and_a_tile(self):
        """In Chromium: Service Desk › Reporting › Dashboard, then a tile."""
        self.start_tour("/odoo", "itsm_kpi_dashboard_tour", login="test_agent")
