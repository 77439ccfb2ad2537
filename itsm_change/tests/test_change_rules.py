from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError

from .common import NOW, ChangeCase, utc
from .test_request import RefusedContext


class TestChangeRules(ChangeCase):
    """The rules of a change's schedule, each refusing with the limit named
    and nothing changed: the window (CHG-4), the lead times in working days
    across a weekend and a public holiday (CHG-5), the freezes and the
    conflicts through a service dependency (CHG-8), the emergency override.

    The calendar works Monday to Friday, 9:00–18:00 (9 hours a day), in
    Shanghai; "now" is Monday 16 March 2026, 10:00, unless a test says."""

    def submit_refused(self, change, *patterns):
        with self.assertRaises(UserError) as caught:
            change.action_submit()
        for pattern in patterns:
            self.assertRegex(str(caught.exception), pattern)
        self.assertEqual(change.state, "draft")
        self.assertFalse(change.submitted_date)
        return caught.exception

    # ------------------------------------------------------------------
    # The window (CHG-4)
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_window_refused_before_midnight(self):
        change = self.make_change(
            utc(2026, 3, 24, 23, 0), utc(2026, 3, 25, 1, 0), user_impacting=True
        )
        self.submit_refused(
            change, r"change window 00:00–06:00 \(Asia/Shanghai\)", "2026-03-24 23:00"
        )

    @freeze_time(NOW)
    def test_window_refused_past_its_end(self):
        change = self.make_change(
            utc(2026, 3, 25, 4, 0), utc(2026, 3, 25, 7, 0), user_impacting=True
        )
        self.submit_refused(change, "00:00–06:00")

    @freeze_time(NOW)
    def test_window_kept(self):
        change = self.make_change(
            utc(2026, 3, 25, 0, 0), utc(2026, 3, 25, 6, 0), user_impacting=True
        )
        change.action_submit()
        self.assertEqual(change.state, "submitted")

    @freeze_time(NOW)
    def test_window_not_for_changes_users_do_not_see(self):
        change = self.make_change(utc(2026, 3, 24, 14, 0), utc(2026, 3, 24, 16, 0))
        change.action_submit()
        self.assertEqual(change.state, "submitted")

    @freeze_time(NOW)
    def test_window_is_a_setting(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("itsm_change.window_start", "22.0")
        params.set_param("itsm_change.window_end", "6.0")
        change = self.make_change(
            utc(2026, 3, 24, 23, 0), utc(2026, 3, 25, 2, 0), user_impacting=True
        )
        change.action_submit()
        self.assertEqual(change.state, "submitted")

    # ------------------------------------------------------------------
    # Lead times in working days (CHG-5)
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_user_impacting_three_working_days(self):
        # Monday 10:00 + 27 working hours = Thursday 10:00: the next window
        # opens on Friday 00:00.
        change = self.make_change(
            utc(2026, 3, 19, 1, 0), utc(2026, 3, 19, 3, 0), user_impacting=True
        )
        self.submit_refused(
            change,
            "maintenance departments at least 3 working days",
            "2026-03-20 00:00 at the earliest",
        )
        change.write(
            {
                "planned_start": utc(2026, 3, 20, 0, 0),
                "planned_end": utc(2026, 3, 20, 2, 0),
            }
        )
        change.action_submit()
        self.assertEqual(change.state, "submitted")

    @freeze_time(utc(2026, 3, 19, 10, 0))
    def test_lead_time_across_a_weekend(self):
        # Thursday 10:00: Thursday, Friday, (weekend), Monday, one hour of
        # Tuesday: the next window opens on Wednesday 00:00.
        change = self.make_change(
            utc(2026, 3, 24, 1, 0), utc(2026, 3, 24, 3, 0), user_impacting=True
        )
        self.submit_refused(change, "2026-03-25 00:00 at the earliest")
        change.write(
            {
                "planned_start": utc(2026, 3, 25, 1, 0),
                "planned_end": utc(2026, 3, 25, 3, 0),
            }
        )
        change.action_submit()
        self.assertEqual(change.state, "submitted")

    @freeze_time(utc(2026, 3, 19, 10, 0))
    def test_lead_time_across_a_weekend_and_a_public_holiday(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": utc(2026, 3, 23, 0, 0),
                "date_to": utc(2026, 3, 23, 23, 59),
            }
        )
        # Monday is off: Thursday, Friday, Tuesday, an hour of Wednesday.
        change = self.make_change(
            utc(2026, 3, 25, 1, 0), utc(2026, 3, 25, 3, 0), user_impacting=True
        )
        self.submit_refused(change, "2026-03-26 00:00 at the earliest")

    @freeze_time(NOW)
    def test_cross_department_five_working_days(self):
        # Monday 10:00 + 45 working hours = the next Monday 10:00.
        change = self.make_change(
            utc(2026, 3, 23, 9, 0), utc(2026, 3, 23, 11, 0), cross_department=True
        )
        self.submit_refused(
            change,
            "collaborating departments at least 5 working days",
            "2026-03-23 10:00 at the earliest",
        )
        change.write(
            {
                "planned_start": utc(2026, 3, 23, 10, 0),
                "planned_end": utc(2026, 3, 23, 12, 0),
            }
        )
        change.action_submit()
        self.assertEqual(change.state, "submitted")

    @freeze_time(NOW)
    def test_lead_times_are_settings(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "itsm_change.lead_cross_department_days", "1"
        )
        change = self.make_change(
            utc(2026, 3, 17, 10, 0), utc(2026, 3, 17, 12, 0), cross_department=True
        )
        change.action_submit()
        self.assertEqual(change.state, "submitted")

    @freeze_time(NOW)
    def test_rescheduling_checks_again(self):
        change = self.make_change(
            utc(2026, 3, 25, 1, 0), utc(2026, 3, 25, 3, 0), user_impacting=True
        )
        change.action_submit()
        manager = change.with_user(self.users["change_manager"])
        with self.assertRaisesRegex(UserError, "2026-03-20 00:00 at the earliest"):
            manager.write(
                {
                    "planned_start": utc(2026, 3, 18, 1, 0),
                    "planned_end": utc(2026, 3, 18, 3, 0),
                }
            )
        self.assertEqual(change.planned_start, utc(2026, 3, 25, 1, 0))

    # ------------------------------------------------------------------
    # Freezes (CHG-8)
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_freeze_on_billing_days(self):
        change = self.make_change(
            utc(2026, 4, 1, 1, 0),
            utc(2026, 4, 1, 3, 0),
            services=self.billing_service,
        )
        self.submit_refused(
            change, "freeze Billing days", "2026-04-01 00:00 to 2026-04-03 00:00"
        )

    @freeze_time(NOW)
    def test_freeze_through_a_dependency(self):
        # Billing depends on the CRM: a CRM change in the billing days is
        # frozen; the settlement system depends on billing, frozen till the
        # 10th.
        crm = self.make_change(
            utc(2026, 4, 2, 1, 0), utc(2026, 4, 2, 3, 0), services=self.crm
        )
        self.submit_refused(crm, "Billing days")
        billing = self.make_change(
            utc(2026, 4, 9, 22, 0),
            utc(2026, 4, 10, 1, 0),
            services=self.billing_service,
        )
        self.submit_refused(billing, "Settlement days", "2026-04-10 00:00")

    @freeze_time(NOW)
    def test_freeze_spares_other_services(self):
        change = self.make_change(utc(2026, 4, 1, 1, 0), utc(2026, 4, 1, 3, 0))
        change.action_submit()
        self.assertEqual(change.state, "submitted")

    @freeze_time(NOW)
    def test_freeze_once(self):
        self.env["itsm.change.freeze"].create(
            {
                "name": "Year-end",
                "recurrence": "once",
                "date_from": utc(2026, 3, 30, 0, 0),
                "date_to": utc(2026, 3, 31, 0, 0),
            }
        )
        change = self.make_change(utc(2026, 3, 30, 14, 0), utc(2026, 3, 30, 15, 0))
        self.submit_refused(change, "freeze Year-end")

    @freeze_time(NOW)
    def test_a_changed_freeze_holds_at_once(self):
        """The freezes are cached for the checks: a freeze made, moved or
        archived holds (or stops holding) from the next check on."""
        change = self.make_change(utc(2026, 3, 30, 14, 0), utc(2026, 3, 30, 15, 0))
        self.assertFalse(change._itsm_check_slot()[1])
        freeze = self.env["itsm.change.freeze"].create(
            {
                "name": "Year-end",
                "recurrence": "once",
                "date_from": utc(2026, 3, 30, 0, 0),
                "date_to": utc(2026, 3, 31, 0, 0),
            }
        )
        self.assertEqual(change._itsm_check_slot()[1][0][0], freeze)
        freeze.date_from = utc(2026, 3, 30, 16, 0)
        self.assertFalse(change._itsm_check_slot()[1])
        freeze.write({"date_from": utc(2026, 3, 30, 0, 0), "active": False})
        self.assertFalse(change._itsm_check_slot()[1])

    # ------------------------------------------------------------------
    # The emergency override
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_emergency_override_lifts_window_lead_time_and_freeze(self):
        change = self.make_change(
            utc(2026, 4, 1, 14, 0),
            utc(2026, 4, 1, 16, 0),
            services=self.billing_service,
            user_impacting=True,
            change_type="emergency",
        )
        self.submit_refused(change, "change window", "Billing days")
        with self.assertRaisesRegex(UserError, "reason for the emergency override"):
            change.action_request_override()
        self.assertFalse(change.override_state)
        change.override_reason = "The rating engine corrupts bills."
        change.action_request_override()
        self.submit_refused(change, "Billing days")
        # The change manager who asked does not decide (four eyes).
        manager = change.with_user(self.users["change_manager"])
        change.with_user(self.users["change_manager2"]).action_approve_override()
        self.assertEqual(change.override_state, "approved")
        change.action_submit()
        self.assertEqual(change.state, "submitted")
        self.assertTrue(manager.override_decided_date)

    @freeze_time(NOW)
    def test_override_only_for_emergencies(self):
        change = self.make_change(override_reason="Hurry")
        with self.assertRaisesRegex(UserError, "not an emergency change"):
            change.action_request_override()
        self.assertFalse(change.override_state)

    @freeze_time(NOW)
    def test_override_four_eyes(self):
        change = self.make_change(
            change_type="emergency", override_reason="Hurry", user="change_manager"
        )
        change.action_request_override()
        with self.assertRaisesRegex(UserError, "four eyes"):
            change.action_approve_override()
        self.assertEqual(change.override_state, "requested")

    # ------------------------------------------------------------------
    # Conflicts (CHG-8)
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_conflict_through_a_dependency(self):
        billing = self.make_change(
            utc(2026, 3, 25, 1, 0),
            utc(2026, 3, 25, 3, 0),
            services=self.billing_service,
        )
        billing.action_submit()
        # The CRM, which billing depends on, in an overlapping slot.
        crm = self.make_change(
            utc(2026, 3, 25, 2, 0), utc(2026, 3, 25, 4, 0), services=self.crm
        )
        crm.action_submit()
        # The hotline depends on the CRM, not on billing.
        hotline = self.make_change(
            utc(2026, 3, 25, 1, 0), utc(2026, 3, 25, 2, 30), services=self.hotline
        )
        hotline.action_submit()
        # Back to back is no overlap.
        later = self.make_change(
            utc(2026, 3, 25, 3, 0),
            utc(2026, 3, 25, 5, 0),
            services=self.billing_service,
        )
        later.action_submit()
        self.assertEqual(billing.conflict_ids, crm)
        self.assertEqual(crm.conflict_ids, billing | hotline | later)
        self.assertEqual(hotline.conflict_ids, crm)
        self.assertEqual(later.conflict_ids, crm)

        # The CAB's validation, the last step, approves the change: refused
        # while its conflicts are open, the step left pending.
        self.validate(crm, self.users["department_head"])
        with RefusedContext(self, UserError, "accept the conflicts with a reason"):
            self.validate(crm, self.users["cab"])
        self.assertEqual(crm.state, "submitted")
        self.assertEqual(crm.validation_status, "pending")
        wizard = (
            self.env["itsm.change.conflict.accept"]
            .with_user(self.users["cab"])
            .create({"change_id": crm.id, "reason": "Same team, one night."})
        )
        wizard.action_accept()
        self.assertEqual(
            crm.conflict_acceptance_ids.other_id, billing | hotline | later
        )
        self.assertFalse(crm.open_conflict_ids)
        self.validate(crm, self.users["cab"])
        self.assertEqual(crm.state, "approved")

    @freeze_time(NOW)
    def test_rescheduling_drops_accepted_conflicts(self):
        first = self.make_change(utc(2026, 3, 25, 1, 0), utc(2026, 3, 25, 3, 0))
        first.action_submit()
        second = self.make_change(utc(2026, 3, 25, 2, 0), utc(2026, 3, 25, 4, 0))
        second.action_submit()
        self.env["itsm.change.conflict.accept"].with_user(self.users["cab"]).create(
            {"change_id": second.id, "reason": "Fine."}
        ).action_accept()
        self.assertTrue(second.conflict_acceptance_ids)
        second.with_user(self.users["change_manager"]).planned_end = utc(
            2026, 3, 25, 5, 0
        )
        self.assertFalse(second.conflict_acceptance_ids)
        self.validate(second, self.users["department_head"])
        with RefusedContext(self, UserError, "accept the conflicts"):
            self.validate(second, self.users["cab"])
        self.assertEqual(second.state, "submitted")

    @freeze_time(NOW)
    def test_reporter_does_not_accept_conflicts(self):
        first = self.make_change(utc(2026, 3, 25, 1, 0), utc(2026, 3, 25, 3, 0))
        first.action_submit()
        second = self.make_change(utc(2026, 3, 25, 2, 0), utc(2026, 3, 25, 4, 0))
        second.action_submit()
        with self.assertRaises(AccessError):
            self.env["itsm.change.conflict.accept"].with_user(
                self.users["reporter"]
            ).create({"change_id": second.id, "reason": "Mine."}).action_accept()
        self.assertFalse(second.conflict_acceptance_ids)
