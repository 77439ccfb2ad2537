from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .common import NOW, ChangeCase, utc


class TestChangeNotices(ChangeCase):
    """CHG-7: the change notice, the result notice and the summary report
    as tracked deadlines on the escalation ladder, sent from the change
    with their editable templates to the recipients the ladder's resolver
    names.

    The calendar works Monday to Friday, 9:00–18:00, in Shanghai; "now" is
    Monday 16 March 2026, 10:00, unless a test says."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"].sudo()
        for key in (
            "notice_hours_before_close",
            "result_notice_hours",
            "summary_report_days",
        ):
            params.set_param(f"itsm_change.{key}", False)
        # Only the interface persons below, whatever the demo data says.
        (
            cls.crm
            | cls.billing_service
            | cls.settlement_service
            | cls.hotline
            | cls.dwh
        ).interface_ids.unlink()
        Employee = cls.env["hr.employee"]
        # The hotline's interface persons: the call centre's lead first,
        # then an IT colleague.
        cls.call_centre_lead = Employee.create(
            {
                "name": "Call centre lead",
                "work_email": "lead@example.com",
                "department_id": cls.business.id,
            }
        )
        Interface = cls.env["itsm.service.interface"]
        Interface.create(
            {
                "service_id": cls.hotline.id,
                "employee_id": cls.employees["other_reporter"].id,
                "sequence": 20,
            }
        )
        Interface.create(
            {
                "service_id": cls.hotline.id,
                "employee_id": cls.call_centre_lead.id,
                "sequence": 5,
            }
        )
        cls.lead_contact = cls.call_centre_lead.work_contact_id
        cls.it_contact = cls.employees["other_reporter"].work_contact_id
        cls.leader = cls.users["division_leader"].partner_id
        cls.head = cls.users["department_head"].partner_id

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def approved(self, start, end, **vals):
        vals.setdefault("user_id", self.users["change_manager"].id)
        change = self.make_change(start, end, **vals)
        change.action_submit()
        self.validate_tiers(change)
        return change

    def finished(self, change, at):
        """Take an approved change through its test to its end at ``at``."""
        as_implementer = change.with_user(self.users["resolver"])
        as_implementer.action_start_testing()
        as_implementer.test_result = "<p>Verified in the test environment.</p>"
        as_implementer.action_record_test()
        as_implementer.action_implement()
        with freeze_time(at):
            as_implementer.action_finish()
        return change

    def clock(self, change, kind):
        return self.env["itsm.deadline"].search(
            [
                ("res_model", "=", "itsm.change"),
                ("res_id", "=", change.id),
                ("kind", "=", kind),
            ]
        )

    def posted(self, change):
        return self.env["mail.message"].search(
            [
                ("model", "=", "itsm.change"),
                ("res_id", "=", change.id),
                ("message_type", "=", "comment"),
            ]
        )

    def sweep(self, at):
        with freeze_time(at):
            self.env["itsm.deadline"]._cron_sweep()

    def logs(self, change, rule_xmlid):
        return self.env["itsm.escalation.log"].search(
            [
                ("rule_id", "=", self.env.ref(rule_xmlid).id),
                ("res_model", "=", "itsm.change"),
                ("res_id", "=", change.id),
            ]
        )

    # ------------------------------------------------------------------
    # The change notice's deadline
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_day_change_notice_due_before_the_end_of_its_day(self):
        # Wednesday 14:00–16:00, in working hours: due Wednesday 16:00, two
        # hours before the office closes.
        change = self.approved(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        clock = self.clock(change, "change_notice")
        self.assertEqual(clock.state, "running")
        self.assertEqual(clock.started_at, NOW)
        self.assertEqual(clock.deadline, utc(2026, 3, 25, 16, 0))
        self.assertEqual(clock.status, "on_track")
        self.assertIn("2026-03-25 16:00", clock.explanation)
        self.assertFalse(self.clock(change, "result_notice"))

    @freeze_time(NOW)
    def test_evening_change_notice_due_the_same_day(self):
        # Wednesday 20:00, after closing time: Wednesday is its working day.
        change = self.approved(utc(2026, 3, 25, 20, 0), utc(2026, 3, 25, 22, 0))
        self.assertEqual(
            self.clock(change, "change_notice").deadline, utc(2026, 3, 25, 16, 0)
        )

    @freeze_time(NOW)
    def test_night_window_change_notice_due_the_working_day_before(self):
        # Monday 01:00–03:00 in the change window: the night opens after
        # Friday, the working day before (the weekend is not worked): due
        # Friday 16:00.
        change = self.approved(
            utc(2026, 3, 23, 1, 0), utc(2026, 3, 23, 3, 0), user_impacting=True
        )
        self.assertEqual(
            self.clock(change, "change_notice").deadline, utc(2026, 3, 20, 16, 0)
        )

    @freeze_time(NOW)
    def test_night_change_after_a_public_holiday(self):
        # Friday 20 March is a public holiday: the night of Monday 23 is
        # announced on Thursday 19.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": utc(2026, 3, 20, 0, 0),
                "date_to": utc(2026, 3, 20, 23, 59),
            }
        )
        change = self.approved(
            utc(2026, 3, 23, 1, 0), utc(2026, 3, 23, 3, 0), user_impacting=True
        )
        self.assertEqual(
            self.clock(change, "change_notice").deadline, utc(2026, 3, 19, 16, 0)
        )

    @freeze_time(NOW)
    def test_hours_before_closing_are_a_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "itsm_change.notice_hours_before_close", "4"
        )
        change = self.approved(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        self.assertEqual(
            self.clock(change, "change_notice").deadline, utc(2026, 3, 25, 14, 0)
        )

    @freeze_time(NOW)
    def test_rescheduled_change_notice_due_anew(self):
        change = self.approved(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        change.with_user(self.users["change_manager"]).write(
            {
                "planned_start": utc(2026, 3, 26, 14, 0),
                "planned_end": utc(2026, 3, 26, 16, 0),
            }
        )
        clock = self.clock(change, "change_notice")
        self.assertEqual(clock.started_at, NOW)
        self.assertEqual(clock.deadline, utc(2026, 3, 26, 16, 0))

    @freeze_time(NOW)
    def test_rescheduled_after_the_notice_a_new_one_is_due(self):
        change = self.approved(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        with freeze_time(utc(2026, 3, 24, 11, 0)):
            change.action_send_change_notice()
            change.with_user(self.users["change_manager"]).write(
                {
                    "planned_start": utc(2026, 3, 26, 14, 0),
                    "planned_end": utc(2026, 3, 26, 16, 0),
                }
            )
        self.assertFalse(change.change_notice_date)
        clock = self.clock(change, "change_notice")
        self.assertEqual(clock.state, "running")
        self.assertEqual(clock.started_at, utc(2026, 3, 24, 11, 0))
        self.assertEqual(clock.deadline, utc(2026, 3, 26, 16, 0))
        self.assertIn("a new change notice is due", change.message_ids[:1].body or "")

    @freeze_time(NOW)
    def test_back_to_draft_and_cancel_drop_the_running_clock(self):
        change = self.approved(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        change.action_draft()
        self.assertFalse(self.clock(change, "change_notice"))
        change.action_submit()
        self.validate_tiers(change)
        self.assertTrue(self.clock(change, "change_notice"))
        change.with_user(self.users["change_manager"]).action_cancel()
        self.assertFalse(self.clock(change, "change_notice"))

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_sending_the_notice_meets_it_and_posts_the_template(self):
        change = self.approved(
            utc(2026, 3, 25, 14, 0),
            utc(2026, 3, 25, 16, 0),
            impact_scope="Hotline agents cannot see the customer's bills.",
            onsite_contact_id=self.users["resolver"].id,
            notice_note="Call the on-site contact for anything unusual.",
        )
        with freeze_time(utc(2026, 3, 24, 11, 0)):
            change.with_user(self.users["resolver"]).action_send_change_notice()
        clock = self.clock(change, "change_notice")
        self.assertEqual(clock.state, "done")
        self.assertTrue(clock.met)
        self.assertEqual(clock.status, "met")
        self.assertEqual(change.change_notice_date, utc(2026, 3, 24, 11, 0))
        self.assertEqual(change.change_notice_by_id, self.users["resolver"])
        message = self.posted(change)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.subject, f"Change notice: [{change.number}] Upgrade")
        body = str(message.body)
        for text in (
            "Upgrade of the database.",
            "2026-03-25 14:00 – 2026-03-25 16:00 (Asia/Shanghai)",
            "Hotline agents cannot see the customer",
            "Call the on-site contact",
            self.users["resolver"].name,
            # The main recipients in order of relevance, then the copy.
            f"To: Call centre lead, {self.it_contact.name}",
        ):
            self.assertIn(text, body)
        self.assertEqual(
            message.partner_ids,
            self.lead_contact | self.it_contact | self.leader | self.head,
        )
        # Mailed to each of them.
        self.assertEqual(
            message.notification_ids.filtered(
                lambda n: n.notification_type == "email"
            ).res_partner_id,
            message.partner_ids,
        )

    @freeze_time(NOW)
    def test_notice_in_each_recipient_language_from_the_editable_template(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_change"], ["zh_CN"])
        self.lead_contact.lang = "zh_CN"
        template = self.env.ref("itsm_change.mail_template_change_notice")
        template.with_context(lang="en_US").subject = "Heads up: {{ object.number }}"
        change = self.approved(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        change.action_send_change_notice()
        messages = self.posted(change)
        self.assertEqual(len(messages), 2)
        chinese = messages.filtered(lambda m: m.partner_ids == self.lead_contact)
        self.assertEqual(chinese.subject, f"系统变更通知：[{change.number}] Upgrade")
        self.assertIn("系统变更内容", str(chinese.body))
        self.assertIn("主送：Call centre lead", str(chinese.body))
        english = messages - chinese
        self.assertEqual(english.subject, f"Heads up: {change.number}")
        self.assertEqual(english.partner_ids, self.it_contact | self.leader | self.head)

    @freeze_time(NOW)
    def test_a_notice_edited_in_the_composer_then_sent(self):
        """*Edit Change Notice*: the composer opens with the rendered notice
        and its recipients; what the sender writes goes, and the notice is
        recorded as sent on time."""
        change = self.approved(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        sender = change.with_user(self.users["change_manager"])
        action = sender.action_compose_change_notice()
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.users["change_manager"])
            .with_context(**action["context"])
        )
        self.assertIn("Upgrade", composer.subject)
        self.assertIn("Call centre lead", str(composer.body))
        self.assertEqual(
            set(composer.partner_ids.ids),
            set((self.lead_contact | self.it_contact | self.leader | self.head).ids),
        )
        composer.body = "<p>The hotline is down from 22:00 to 24:00 tonight.</p>"
        composer.save().action_send_mail()
        message = self.posted(change)
        self.assertEqual(len(message), 1)
        self.assertIn("down from 22:00 to 24:00", str(message.body))
        self.assertEqual(change.change_notice_by_id, self.users["change_manager"])
        clock = self.clock(change, "change_notice")
        self.assertEqual(clock.state, "done")
        self.assertTrue(clock.met)

    @freeze_time(NOW)
    def test_the_composer_refuses_what_sending_refuses(self):
        """Not opened for a draft; and the kind of notice given to another
        composer by hand changes nothing on a change the user may not
        notify for."""
        draft = self.make_change(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        with self.assertRaisesRegex(UserError, "it is Draft"):
            draft.action_compose_change_notice()
        change = self.approved(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        outsider = self.users["other_reporter"]
        composer = (
            self.env["mail.compose.message"]
            .with_user(outsider)
            .with_context(itsm_change_notice_kind="change_notice")
            .create(
                {
                    "composition_mode": "comment",
                    "model": "itsm.change",
                    "res_ids": str(change.ids),
                    "body": "<p>Not a notice.</p>",
                }
            )
        )
        with self.assertRaisesRegex(AccessError, "only a change manager"):
            composer.action_send_mail()
        self.assertFalse(change.change_notice_date)
        self.assertEqual(self.clock(change, "change_notice").state, "running")

    @freeze_time(NOW)
    def test_not_sent_breaches_and_the_ladder_fires_once(self):
        change = self.approved(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        warning = "itsm_change.escalation_rule_change_notice_warning"
        breach = "itsm_change.escalation_rule_change_notice_breach"
        leader = "itsm_change.escalation_rule_change_notice_breach_leader"
        # Three quarters of the 222 hours (Monday 23, 08:30): the owner is warned.
        self.sweep(utc(2026, 3, 23, 8, 0))
        self.assertFalse(self.logs(change, warning))
        self.sweep(utc(2026, 3, 23, 9, 0))
        self.assertEqual(len(self.logs(change, warning)), 1)
        self.assertFalse(self.logs(change, breach))
        # Past Wednesday 16:00: breached, the change manager is told.
        self.sweep(utc(2026, 3, 25, 16, 5))
        clock = self.clock(change, "change_notice")
        with freeze_time(utc(2026, 3, 25, 16, 5)):
            clock.invalidate_recordset(["status"])
            self.assertEqual(clock.status, "breached")
        self.assertEqual(clock.breached_at, utc(2026, 3, 25, 16, 0))
        self.assertEqual(len(self.logs(change, breach)), 1)
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "itsm.change"),
                ("res_id", "=", change.id),
                ("subject", "like", "Change notice deadline"),
            ]
        )
        self.assertEqual(
            mails.recipient_ids,
            self.users["reporter"].partner_id | self.users["change_manager"].partner_id,
        )
        activity_users = (
            self.env["mail.activity"]
            .search([("res_model", "=", "itsm.change"), ("res_id", "=", change.id)])
            .user_id
        )
        self.assertEqual(
            activity_users, self.users["reporter"] | self.users["change_manager"]
        )
        # Swept again: nothing fires twice.
        self.sweep(utc(2026, 3, 25, 17, 0))
        self.assertEqual(len(self.logs(change, breach)), 1)
        self.assertEqual(len(self.logs(change, warning)), 1)
        self.assertFalse(self.logs(change, leader))
        # Four hours late: the division leader over the requester.
        self.sweep(utc(2026, 3, 25, 20, 5))
        self.assertEqual(len(self.logs(change, leader)), 1)
        self.assertEqual(len(self.logs(change, breach)), 1)

    @freeze_time(NOW)
    def test_late_notice_needs_a_reason_and_is_not_met(self):
        change = self.approved(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        with freeze_time(utc(2026, 3, 25, 17, 0)):
            with self.assertRaisesRegex(UserError, "reason for the late notice"):
                change.action_send_change_notice()
            self.assertFalse(self.posted(change))
            self.assertEqual(self.clock(change, "change_notice").state, "running")
            change.with_user(
                self.users["resolver"]
            ).notice_late_reason = "The implementers were on another incident."
            change.action_send_change_notice()
        clock = self.clock(change, "change_notice")
        self.assertEqual(clock.state, "done")
        self.assertFalse(clock.met)
        self.assertEqual(clock.status, "breached")
        self.assertIn("on another incident", str(self.posted(change).body))

    @freeze_time(NOW)
    def test_emergency_notice_follows_a_phone_call(self):
        change = self.make_change(
            utc(2026, 3, 16, 14, 0),
            utc(2026, 3, 16, 15, 0),
            change_type="emergency",
            override_reason="The hotline is down.",
            notice_late_reason="Emergency: the hotline was down.",
        )
        change.action_request_override()
        change.with_user(self.users["change_manager"]).action_approve_override()
        change.action_submit()
        self.validate_tiers(change)
        # Due Monday 16:00; sent at 17:00 after the phone call.
        with freeze_time(utc(2026, 3, 16, 17, 0)):
            with self.assertRaisesRegex(UserError, "record the phone call"):
                change.action_send_change_notice()
            self.assertFalse(self.posted(change))
            change.with_user(self.users["resolver"]).write(
                {
                    "phone_notice_date": utc(2026, 3, 16, 13, 30),
                    "phone_notice_note": "Call centre lead, by the requester.",
                }
            )
            change.action_send_change_notice()
        self.assertFalse(self.clock(change, "change_notice").met)
        self.assertIn("Emergency: the hotline was down.", str(self.posted(change).body))

    # ------------------------------------------------------------------
    # The result notice and the summary report
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_result_due_twelve_hours_after_a_change_ending_at_23(self):
        change = self.approved(utc(2026, 3, 25, 20, 0), utc(2026, 3, 25, 23, 0))
        self.finished(change, utc(2026, 3, 25, 23, 0))
        self.assertEqual(change.state, "review")
        result = self.clock(change, "result_notice")
        self.assertEqual(result.started_at, utc(2026, 3, 25, 23, 0))
        self.assertEqual(result.deadline, utc(2026, 3, 26, 11, 0))
        # A simple change: no summary report is due.
        self.assertFalse(self.clock(change, "summary_report"))
        with freeze_time(utc(2026, 3, 26, 9, 0)):
            change.with_user(
                self.users["resolver"]
            ).result_summary = "<p>Successful, on time.</p>"
            change.with_user(self.users["resolver"]).action_send_result_notice()
        self.assertTrue(self.clock(change, "result_notice").met)
        message = self.posted(change)
        self.assertEqual(message.subject, f"Change result: [{change.number}] Upgrade")
        self.assertIn("Successful, on time.", str(message.body))
        self.assertEqual(message.partner_ids, self.lead_contact | self.it_contact)

    @freeze_time(NOW)
    def test_complex_change_summary_due_in_three_working_days(self):
        change = self.approved(
            utc(2026, 3, 25, 20, 0),
            utc(2026, 3, 25, 23, 0),
            is_complex=True,
            department_ids=[(6, 0, self.business.ids)],
        )
        change.with_user(self.users["resolver"]).action_start_testing()
        change.with_user(
            self.users["department_head"]
        ).confirmation_ids.action_confirm()
        as_implementer = change.with_user(self.users["resolver"])
        as_implementer.test_result = "<p>Verified.</p>"
        as_implementer.action_record_test()
        as_implementer.action_implement()
        with freeze_time(utc(2026, 3, 25, 23, 0)):
            as_implementer.action_finish()
        summary = self.clock(change, "summary_report")
        # Thursday, Friday, Monday: due Monday 30 March at 18:00.
        self.assertEqual(summary.deadline, utc(2026, 3, 30, 18, 0))
        with self.assertRaisesRegex(UserError, "fixed once it has ended"):
            change.with_user(self.users["change_manager"]).is_complex = False
        with freeze_time(utc(2026, 3, 27, 10, 0)):
            as_implementer.action_send_summary_report()
        self.assertTrue(self.clock(change, "summary_report").met)
        message = self.posted(change)
        self.assertEqual(
            message.subject, f"Change summary report: [{change.number}] Upgrade"
        )
        # To the business departments' managers, the division leader in copy.
        self.assertEqual(message.partner_ids, self.head | self.leader)

    @freeze_time(NOW)
    def test_result_hours_and_summary_days_are_settings(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("itsm_change.result_notice_hours", "6")
        params.set_param("itsm_change.summary_report_days", "1")
        change = self.approved(
            utc(2026, 3, 25, 20, 0), utc(2026, 3, 25, 23, 0), is_complex=True
        )
        self.finished(change, utc(2026, 3, 25, 23, 0))
        self.assertEqual(
            self.clock(change, "result_notice").deadline, utc(2026, 3, 26, 5, 0)
        )
        self.assertEqual(
            self.clock(change, "summary_report").deadline, utc(2026, 3, 26, 18, 0)
        )

    # ------------------------------------------------------------------
    # Refusals, each leaving nothing changed
    # ------------------------------------------------------------------

    @freeze_time(NOW)
    def test_no_notice_of_a_draft_or_cancelled_change(self):
        change = self.make_change(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        with self.assertRaisesRegex(UserError, "it is Draft"):
            change.action_send_change_notice()
        change.action_cancel()
        with self.assertRaisesRegex(UserError, "it is Cancelled"):
            change.action_send_change_notice()
        with self.assertRaisesRegex(UserError, "it is Cancelled"):
            change.action_send_result_notice()
        self.assertFalse(self.posted(change))
        self.assertFalse(change.change_notice_date)
        self.assertFalse(self.clock(change, "change_notice"))

    @freeze_time(NOW)
    def test_no_notice_by_a_user_without_rights(self):
        change = self.approved(utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0))
        with self.assertRaisesRegex(AccessError, "only a change manager"):
            change.with_user(self.users["other_reporter"]).action_send_change_notice()
        self.assertFalse(self.posted(change))
        self.assertFalse(change.change_notice_date)
        self.assertEqual(self.clock(change, "change_notice").state, "running")

    @freeze_time(NOW)
    def test_no_notice_to_nobody(self):
        change = self.approved(
            utc(2026, 3, 25, 14, 0), utc(2026, 3, 25, 16, 0), services=self.dwh
        )
        with self.assertRaisesRegex(UserError, "nobody to send the change notice to"):
            change.action_send_change_notice()
        self.assertFalse(self.posted(change))
        self.assertFalse(change.change_notice_date)
        self.assertEqual(self.clock(change, "change_notice").state, "running")

    @freeze_time(NOW)
    def test_change_manager_only_on_change_rules(self):
        with self.assertRaisesRegex(Exception, "only the rules of changes"):
            self.env["itsm.escalation.rule"].create(
                {
                    "name": "Wrong",
                    "trigger": "sla_breached",
                    "threshold_minutes": 0,
                    "recipient_type": "change_manager",
                }
            )
