from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from odoo.addons.itsm_incident.tests.common import utc

from .common import NOW, ChangeCase


@tagged("post_install", "-at_install")
class TestChangeTimeline(HttpCase, ChangeCase):
    """The changes by service on a timeline (CHG-8, OCA web_timeline), in
    Chromium."""

    def test_the_timeline_shows_the_changes_by_service_and_their_conflicts(self):
        with freeze_time(NOW):
            menu = self.make_change(
                utc(2026, 3, 25, 1, 0),
                utc(2026, 3, 25, 3, 0),
                self.hotline | self.crm,
                name="Timeline test: menu",
            )
            ivr = self.make_change(
                utc(2026, 3, 25, 2, 0),
                utc(2026, 3, 25, 4, 0),
                self.hotline,
                name="Timeline test: IVR",
            )
            reports = self.make_change(
                utc(2026, 3, 27, 1, 0),
                utc(2026, 3, 27, 2, 0),
                self.dwh,
                name="Timeline test: reports",
            )
            (menu | ivr | reports).action_submit()
        self.assertEqual(menu.conflict_ids, ivr)
        self.assertFalse(reports.conflict_ids)
        self.start_tour(
            "/odoo/action-itsm_change.itsm_change_action",
            "itsm_change_timeline",
            login="test_change_manager",
        )
