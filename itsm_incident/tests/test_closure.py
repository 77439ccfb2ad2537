from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import ItsmCase, close_the_loop, office_calendar, utc

RESOLUTION = {
    "resolution_cause": "The print server's spooler crashed.",
    "resolution_measures": "Restarted the spooler and cleared the queue.",
    "resolution_result": "Printing works on every floor.",
    "resolution_prevention": "Monitor the spooler and restart it automatically.",
    "resolution_lessons": "Watch this part in the monthly check.",
}


class ClosureCase(ItsmCase):
    """The service desk (agent, in the Business department headed by the
    department head), a resolver, and incidents reported by an employee."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.office = office_calendar(cls.env, "Office 9-18")
        cls.env.company.resource_calendar_id = cls.office
        cls.env["hr.employee"].create(
            {
                "name": "agent",
                "user_id": cls.users["agent"].id,
                "department_id": cls.business.id,
            }
        )
        cls.users["reporter"].partner_id.email = "reporter@example.com"
        cls.resolved = cls.env.ref("itsm_incident.helpdesk_ticket_stage_resolved")
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.in_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.cancelled = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_cancelled")

    def new_incident(self, impact="moderate", urgency="medium", **vals):
        """A declaration of the reporter, screened as valid by the desk."""
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Printer offline",
                "description": "Nothing prints.",
                "partner_id": self.users["reporter"].partner_id.id,
                "team_id": self.desk_team.id,
                "impact": impact,
                "urgency": urgency,
                **vals,
            }
        )
        return self.screen(ticket)

    def as_role(self, role, ticket):
        return ticket.with_user(self.users[role])

    def handle(self, ticket, role="resolver"):
        """The resolver fixes, verifies and records the resolution."""
        mine = self.as_role(role, ticket)
        mine.write(
            {
                "diagnosis": "The spooler is down.",
                "fix_description": "Restarted the spooler.",
                "verification_result": "Printed a test page on each floor.",
                **RESOLUTION,
            }
        )
        mine.action_verify_passed()
        return mine

    def snapshot(self, ticket):
        ticket.invalidate_recordset()
        return (
            ticket.stage_id,
            ticket.verification_state,
            ticket.reporter_confirmed_date,
            ticket.auto_close_date,
            len(ticket.rating_ids.filtered("consumed")),
        )


class TestNormalIncidentLoop(ClosureCase):
    def test_the_whole_loop_of_a_normal_incident(self):
        with freeze_time(utc(2026, 11, 23, 9, 0)):  # Monday
            ticket = self.new_incident()
            self.assertEqual(ticket.itsm_priority, "3")
            self.assertFalse(ticket.is_major)
            # The desk takes it; the resolver handles it and tells the reporter.
            self.as_role("agent", ticket).action_acknowledge()
            mine = self.as_role("resolver", ticket)
            mine.progress_note = "We restart the print server this afternoon."
            mine.action_send_progress_update()
            update = ticket.message_ids.filtered(
                lambda m: "restart the print server" in (m.body or "")
            )
            self.assertEqual(update.partner_ids, self.users["reporter"].partner_id)
            self.assertTrue(ticket.progress_date)
        with freeze_time(utc(2026, 11, 23, 14, 0)):
            self.handle(ticket)
            self.assertEqual(ticket.verification_state, "passed")
            self.assertEqual(ticket.verified_by_id, self.users["resolver"])
            self.as_role("resolver", ticket).action_resolve()
            self.assertEqual(ticket.stage_id, self.resolved)
            self.assertEqual(ticket.sla_status, "paused", "waiting on the reporter")
            # Three working days of 9 hours later, at the same time.
            self.assertEqual(ticket.auto_close_date, utc(2026, 11, 26, 14, 0))
            notice = ticket.message_ids.filtered(
                lambda m: "has been resolved" in (m.body or "")
            )
            self.assertEqual(len(notice), 1, "the resolution notice")
            self.assertEqual(notice.partner_ids, self.users["reporter"].partner_id)
            self.assertIn(RESOLUTION["resolution_cause"], notice.body)
            rating = ticket.rating_ids.filtered(lambda r: not r.consumed)
            self.assertEqual(rating.partner_id, self.users["reporter"].partner_id)
            self.assertIn(f"/rate/{rating.access_token}/5", notice.body)
        with freeze_time(utc(2026, 11, 24, 10, 0)):
            # The reporter confirms from the e-mail link: the ticket closes.
            ticket.sudo().rating_apply(5, token=rating.access_token, feedback="Fast!")
            self.assertEqual(ticket.stage_id, self.done)
            self.assertEqual(ticket.reporter_confirmed_date, utc(2026, 11, 24, 10, 0))
            self.assertFalse(ticket.auto_close_date)
            self.assertFalse(ticket.auto_closed)
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.rating, 5)
        self.assertEqual(ticket.rating_last_value, 5)
        self.assertTrue(ticket.resolution_met, "resolved within 72 working hours")
        ticket.invalidate_recordset(["sla_status"])
        self.assertEqual(ticket.sla_status, "met")

    def test_a_chinese_reporter_gets_the_notices_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        self.users["reporter"].partner_id.lang = "zh_CN"
        ticket = self.new_incident()
        mine = self.as_role("resolver", ticket)
        mine.progress_note = "今天下午重启打印服务器。"
        mine.action_send_progress_update()
        self.assertIn("的处理进展", ticket.message_ids[0].body)
        self.handle(ticket).action_resolve()
        notice = ticket.message_ids.filtered(lambda m: "已处理完成" in (m.body or ""))
        self.assertEqual(len(notice), 1)
        for text in ("发生原因", "预防建议", "满意", "自动关闭"):
            self.assertIn(text, notice.body)
        self.assertIn("已解决", notice.subject)

    def test_resolving_without_verification_or_record_is_refused(self):
        ticket = self.new_incident()
        ticket.fix_description = "Restarted the spooler."
        before = self.snapshot(ticket)
        with self.assertRaises(UserError) as refusal:
            self.as_role("resolver", ticket).action_resolve()
        message = str(refusal.exception)
        self.assertIn("cannot be resolved yet", message)
        self.assertIn("a verified fix", message)
        self.assertIn("Cause", message)
        self.assertIn("Prevention advice", message)
        self.assertEqual(self.snapshot(ticket), before)

    def test_verifying_needs_a_fix_and_a_result(self):
        ticket = self.new_incident()
        mine = self.as_role("resolver", ticket)
        with self.assertRaises(UserError) as refusal:
            mine.action_verify_passed()
        self.assertIn("verification result", str(refusal.exception))
        mine.verification_result = "Looks fine."
        with self.assertRaises(UserError) as refusal:
            mine.action_verify_passed()
        self.assertIn("Record the fix", str(refusal.exception))
        self.assertFalse(ticket.verification_state)

    def test_closing_without_the_closed_loop_is_refused(self):
        ticket = self.new_incident()
        before = self.snapshot(ticket)
        with self.assertRaises(UserError) as refusal:
            self.as_role("agent", ticket).stage_id = self.done
        message = str(refusal.exception)
        self.assertIn("cannot be closed yet", message)
        self.assertIn("the resolution record", message)
        self.assertIn("a verified fix", message)
        self.assertEqual(self.snapshot(ticket), before)
        # A withdrawn declaration is cancelled without a resolution, with a
        # reason (it used to need none).
        with self.assertRaises(UserError) as refusal:
            self.as_role("agent", ticket).stage_id = self.cancelled
        self.assertIn("Say why", str(refusal.exception))
        self.assertEqual(self.snapshot(ticket), before)
        self.withdraw("agent", ticket, "The reporter withdrew it by phone.")
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.itsm_close_reason, "The reporter withdrew it by phone.")

    def test_done_only_through_resolved_and_the_reporters_word(self):
        """Issue 12.7: a fixed and recorded incident still cannot go straight
        to Done; resolved, it waits for the reporter (or their silence). The
        desk may record a confirmation given by phone; nobody else."""
        ticket = self.handle(self.new_incident())
        before = self.snapshot(ticket)
        for role in ("agent", "manager"):
            with self.subTest(role=role), self.assertRaises(UserError) as refusal:
                self.as_role(role, ticket).stage_id = self.done
            self.assertIn("to be resolved first", str(refusal.exception))
            self.assertEqual(self.snapshot(ticket), before)
        self.as_role("resolver", ticket).action_resolve()
        before = self.snapshot(ticket)
        with self.assertRaises(UserError) as refusal:
            self.as_role("manager", ticket).stage_id = self.done
        self.assertIn("the reporter's confirmation", str(refusal.exception))
        self.assertEqual(self.snapshot(ticket), before)
        # Only the desk records the reporter's word.
        with self.assertRaises(AccessError):
            self.as_role("resolver", ticket).action_itsm_confirm_for_reporter()
        self.assertEqual(self.snapshot(ticket), before)
        self.as_role("agent", ticket).action_itsm_confirm_for_reporter()
        self.assertEqual(ticket.stage_id, self.done)
        self.assertTrue(ticket.reporter_confirmed_date)
        self.assertTrue(
            any(
                "test_agent (itsm_incident.group_itsm_agent) recorded the "
                "reporter's confirmation" in body
                for body in ticket.message_ids.mapped("body")
            )
        )
        # Not twice, and not for a ticket that is not resolved.
        with self.assertRaises(UserError):
            self.as_role("agent", ticket).action_itsm_confirm_for_reporter()
        other = self.new_incident()
        with self.assertRaisesRegex(UserError, "not waiting for your confirmation"):
            self.as_role("agent", other).action_itsm_confirm_for_reporter()
        self.assertFalse(other.closed)

    def test_an_alert_without_reporter_closes_once_resolved(self):
        source = self.env["itsm.event.source"].create({"name": "Zabbix"})
        alert = self.new_incident(partner_id=False, event_source_id=source.id)
        ticket = self.handle(alert)
        with self.assertRaisesRegex(UserError, "to be resolved first"):
            self.as_role("agent", ticket).stage_id = self.done
        self.as_role("resolver", ticket).action_resolve()
        self.as_role("agent", ticket).stage_id = self.done
        self.assertTrue(ticket.closed, "nobody to confirm: resolved is enough")

    def test_an_incident_is_not_created_closed(self):
        Ticket = self.env["helpdesk.ticket"].with_user(self.users["agent"])
        count = Ticket.sudo().search_count([])
        for stage in (self.done, self.cancelled):
            with (
                self.subTest(stage=stage.name),
                self.assertRaisesRegex(UserError, "not created closed"),
            ):
                Ticket.create(
                    {
                        "name": "Printer offline",
                        "team_id": self.desk_team.id,
                        "stage_id": stage.id,
                        **RESOLUTION,
                    }
                )
        self.assertEqual(Ticket.sudo().search_count([]), count)

    def test_every_incident_gets_its_summary(self):
        """S1 §3.5.1: the summary (cause, handling, result, lessons learned)
        for every incident, not only majors: no resolving without lessons."""
        ticket = self.new_incident()
        mine = self.handle(ticket)
        mine.resolution_lessons = "  "
        before = self.snapshot(ticket)
        with self.assertRaises(UserError) as refusal:
            mine.action_resolve()
        self.assertIn("Lessons learned", str(refusal.exception))
        self.assertEqual(self.snapshot(ticket), before)
        mine.resolution_lessons = RESOLUTION["resolution_lessons"]
        mine.action_resolve()
        self.assertEqual(ticket.stage_id, self.resolved)
        notice = ticket.message_ids.filtered(
            lambda m: "has been resolved" in (m.body or "")
        )
        self.assertNotIn(
            RESOLUTION["resolution_lessons"], notice.body, "internal: not the notice"
        )

    def withdraw(self, role, ticket, reason, outcome="cancelled"):
        wizard = (
            self.env["itsm.ticket.withdraw.wizard"]
            .with_user(self.users[role])
            .create({"ticket_ids": ticket.ids, "outcome": outcome, "reason": reason})
        )
        return wizard.action_apply()

    def test_only_the_desk_or_a_manager_cancels_and_a_major_only_a_manager(self):
        ticket = self.new_incident()
        before = self.snapshot(ticket)
        for role in ("resolver", "reporter"):
            with self.subTest(role=role), self.assertRaises(UserError):
                self.as_role(role, ticket).write(
                    {
                        "itsm_close_reason": "No longer needed",
                        "stage_id": self.cancelled.id,
                    }
                )
        self.assertEqual(self.snapshot(ticket), before)
        ticket.write({"impact": "severe", "urgency": "high"})
        self.assertTrue(ticket.is_major)
        with self.assertRaises(UserError) as refusal:
            self.withdraw("agent", ticket, "Duplicate", outcome="rejected")
        self.assertIn("ITSM manager only", str(refusal.exception))
        self.assertFalse(ticket.closed)
        self.withdraw(
            "manager", ticket, "A duplicate of the network outage", "rejected"
        )
        self.assertEqual(
            ticket.stage_id,
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_rejected"),
        )
        # The reporter reads why.
        self.assertIn(
            "A duplicate of the network outage",
            ticket.message_ids.filtered(
                lambda m: self.users["reporter"].partner_id in m.partner_ids
            )[:1].body,
        )

    def test_the_withdrawal_notice_is_a_template_in_the_reporters_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        self.users["reporter"].partner_id.lang = "zh_CN"
        ticket = self.new_incident()
        self.withdraw("agent", ticket, "报告人来电撤回。")
        told = ticket.message_ids.filtered(
            lambda m: self.users["reporter"].partner_id in m.partner_ids
        )[:1]
        self.assertIn("报告人来电撤回。", told.body)
        self.assertIn("您的申报", told.body, "in the reporter's language")
        # The manager's edit is what the next reporter reads.
        self.users["reporter"].partner_id.lang = "en_US"
        template = self.env.ref("itsm_incident.mail_template_withdrawn")
        template.body_html = "<p>Edited: <t t-out='object.itsm_close_reason'/></p>"
        other = self.new_incident()
        self.withdraw("agent", other, "Withdrawn by phone.")
        told = other.message_ids.filtered(
            lambda m: self.users["reporter"].partner_id in m.partner_ids
        )[:1]
        self.assertIn("Edited: Withdrawn by phone.", told.body)

    def test_a_chinese_handler_reads_the_rejection_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        ticket = self.new_incident()
        self.handle(ticket).action_resolve()
        ticket.user_id.lang = "zh_CN"
        self.as_role("reporter", ticket)._itsm_reporter_reject("三楼打印机仍卡纸。")
        told = ticket.message_ids[0]
        self.assertIn("三楼打印机仍卡纸。", told.body)
        self.assertIn("报告人", told.body, "in the handler's language")

    def test_a_dissatisfied_reporter_reopens_the_follow_up(self):
        """A "dissatisfied" rating does not close the ticket silently: it
        stays resolved, no automatic closure, and the handler's department
        manager has an activity to follow up (it used to close)."""
        self.env["hr.employee"].create(
            {
                "name": "resolver",
                "user_id": self.users["resolver"].id,
                "department_id": self.business.id,
            }
        )
        ticket = self.new_incident()
        self.handle(ticket).action_resolve()
        rating = ticket.rating_ids
        ticket.sudo().rating_apply(1, token=rating.access_token, feedback="Still slow")
        self.assertEqual(ticket.stage_id, self.resolved)
        self.assertFalse(ticket.auto_close_date)
        self.assertTrue(ticket.reporter_confirmed_date)
        activity = ticket.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("Dissatisfied", activity.summary)
        self.assertEqual(activity.user_id, self.users["department_head"])
        # The follow-up done, the manager closes it through the loop.
        self.as_role("manager", ticket).stage_id = self.done
        self.assertEqual(ticket.stage_id, self.done)

    def test_a_failed_verification_blocks_resolution(self):
        ticket = self.new_incident()
        mine = self.handle(ticket)
        mine.verification_result = "Still no page on the 3rd floor."
        mine.action_verify_failed()
        self.assertEqual(ticket.verification_state, "failed")
        with self.assertRaises(UserError):
            mine.action_resolve()
        self.assertNotEqual(ticket.stage_id, self.resolved)

    def test_the_reporter_rejects_and_the_clock_resumes(self):
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            ticket = self.new_incident()
            self.handle(ticket).action_resolve()
        deadline_when_resolved = ticket.resolution_deadline
        with freeze_time(utc(2026, 11, 24, 9, 0)):  # a working day later
            with self.assertRaises(UserError) as refusal:
                self.as_role("reporter", ticket)._itsm_reporter_reject("  ")
            self.assertIn("still not working", str(refusal.exception))
            self.assertEqual(ticket.stage_id, self.resolved)
            self.as_role("reporter", ticket)._itsm_reporter_reject(
                "The 3rd floor printer still jams."
            )
            # The status is live: read it at the moment of the rejection.
            ticket.invalidate_recordset(["sla_status"])
            self.assertEqual(ticket.sla_status, "on_track", "the clock runs again")
        self.assertEqual(ticket.stage_id, self.in_progress)
        self.assertFalse(ticket.verification_state, "to be verified again")
        self.assertEqual(ticket.reopen_count, 1)
        self.assertFalse(ticket.auto_close_date)
        self.assertGreater(ticket.resolution_deadline, deadline_when_resolved)
        told = ticket.message_ids[0]
        self.assertIn("The 3rd floor printer still jams.", told.body)
        self.assertIn("rejected the resolution", told.body, "the template")
        self.assertEqual(told.partner_ids, ticket.user_id.partner_id, "the handler")
        self.assertEqual(told.author_id, self.users["reporter"].partner_id)
        # Nothing to confirm any more.
        with self.assertRaises(UserError) as refusal:
            self.as_role("reporter", ticket)._itsm_reporter_confirm(5)
        self.assertIn("not waiting for your confirmation", str(refusal.exception))

    def test_rating_twice_is_refused(self):
        ticket = self.new_incident()
        self.handle(ticket).action_resolve()
        rating = ticket.rating_ids
        ticket.sudo().rating_apply(3, token=rating.access_token, feedback="OK")
        self.assertEqual(ticket.stage_id, self.done, "3 of 5: satisfied enough")
        before = self.snapshot(ticket)
        with self.assertRaises(UserError) as refusal:
            ticket.sudo().rating_apply(1, token=rating.access_token, feedback="Bad")
        self.assertIn("already been rated", str(refusal.exception))
        self.assertEqual(self.snapshot(ticket), before)
        self.assertEqual(rating.rating, 3)
        self.assertEqual(rating.feedback, "OK")

    def test_a_reporter_may_not_record_the_handling(self):
        ticket = self.new_incident()
        mine = self.as_role("reporter", ticket)
        for vals in (
            {"verification_state": "passed"},
            {"resolution_cause": "Nothing"},
            {"diagnosis": "Self-diagnosed"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                mine.write(vals)
        self.assertFalse(ticket.verification_state)
        self.assertFalse(ticket.resolution_cause)
        with self.assertRaises(AccessError):
            mine.action_verify_passed()

    def test_progress_update_needs_a_note(self):
        ticket = self.new_incident()
        mine = self.as_role("resolver", ticket)
        with self.assertRaises(UserError) as refusal:
            mine.action_send_progress_update()
        self.assertIn("Write the progress update", str(refusal.exception))
        self.assertFalse(ticket.progress_date)


class TestHandover(ClosureCase):
    def test_the_desk_hands_a_p1_incident_to_its_department_manager(self):
        ticket = self.new_incident(impact="severe", urgency="high")
        self.assertEqual(ticket.itsm_priority, "1")
        desk = self.as_role("agent", ticket)
        desk.action_acknowledge()
        desk.handover_reason = "Needs a purchase the desk may not approve."
        desk.action_handover_to_manager()
        head = self.users["department_head"]
        self.assertEqual(ticket.user_id, head)
        self.assertEqual(ticket.handover_user_id, head)
        told = ticket.message_ids.filtered(lambda m: head.partner_id in m.partner_ids)
        self.assertIn("Needs a purchase the desk may not approve.", told[:1].body)
        self.assertIn("Handed over to you", told[:1].subject, "the template")
        self.assertIn(head.partner_id, ticket.message_partner_ids)
        activity = ticket.activity_ids.filtered(lambda a: a.user_id == head)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("itsm_incident.mail_activity_type_handover"),
        )
        self.assertIn("purchase", activity.note)
        # The department head now reads and handles it.
        self.assertIn(ticket, self.readable("department_head", ticket))
        self.handle(ticket, role="department_head").action_resolve()
        self.assertEqual(ticket.stage_id, self.resolved)
        self.assertEqual(ticket.verified_by_id, head)

    def test_handover_refusals_change_nothing(self):
        low = self.new_incident()  # P3
        urgent = self.new_incident(impact="severe", urgency="high")
        cases = [
            ("agent", low, "Only high-priority incidents", UserError),
            ("agent", urgent, "Say why", UserError),
            ("resolver", urgent, "Only the service desk", AccessError),
        ]
        for role, ticket, message, error in cases:
            with self.subTest(role=role, ticket=ticket.itsm_priority):
                with self.assertRaises(error) as refusal:
                    self.as_role(role, ticket).action_handover_to_manager()
                self.assertIn(message, str(refusal.exception))
        urgent.handover_reason = "Beyond the desk."
        # Assigned to the resolver, who has no department in the org chart.
        urgent.user_id = self.users["resolver"]
        with self.assertRaises(UserError) as refusal:
            self.as_role("agent", urgent).action_handover_to_manager()
        self.assertIn("No department manager found", str(refusal.exception))
        urgent.user_id = False
        with self.assertRaises(UserError) as refusal:
            self.as_role("agent", urgent).action_handover_to_manager()
        self.assertIn("Acknowledge", str(refusal.exception), "no handler yet")
        self.assertFalse((low | urgent).handover_user_id)
        self.assertFalse(urgent.user_id)


class TestMajorIncidentLoop(ClosureCase):
    def test_the_whole_loop_of_a_major_incident(self):
        ticket = self.new_incident(impact="severe", urgency="high")
        self.assertTrue(ticket.is_major)
        self.as_role("agent", ticket).action_acknowledge()
        self.handle(ticket).action_resolve()
        # The reporter confirms; the major incident still lacks its review.
        self.as_role("reporter", ticket)._itsm_reporter_confirm(5, "Thanks")
        self.assertEqual(ticket.stage_id, self.resolved)
        self.assertTrue(ticket.reporter_confirmed_date)
        self.assertIn("approved review report", ticket.message_ids[0].body)
        self.assertIn("improvement action", ticket.message_ids[0].body)
        with self.assertRaises(UserError) as refusal:
            self.as_role("agent", ticket).stage_id = self.done
        self.assertIn("approved review report", str(refusal.exception))
        self.assertIn("improvement action", str(refusal.exception))
        self.assertEqual(ticket.stage_id, self.resolved)
        # Rating again is refused.
        with self.assertRaises(UserError):
            self.as_role("reporter", ticket)._itsm_reporter_confirm(1)

        # The resolver writes the review; an incomplete one is not approved.
        Review = self.env["itsm.incident.review"].with_user(self.users["resolver"])
        review = Review.create(
            {
                "ticket_id": ticket.id,
                "cause": "<p>A spooler bug under load.</p>",
                "participant_ids": [self.users["resolver"].id],
            }
        )
        self.assertIn(ticket.number, review.name)
        self.assertEqual(ticket.review_state, "draft")
        head_review = review.with_user(self.users["department_head"])
        with self.assertRaises(UserError) as refusal:
            head_review.action_approve()
        self.assertIn("Process", str(refusal.exception))
        self.assertIn("Lessons learned", str(refusal.exception))
        self.assertEqual(review.state, "draft")
        with self.assertRaises(AccessError):
            review.action_approve()  # the resolver may not approve
        review.write(
            {
                "process": "<p>Detected 9:00, spooler restarted 9:40.</p>",
                "result": "<p>Printing restored for all floors.</p>",
                "lessons": "<p>Watch the spooler's memory.</p>",
            }
        )
        # What prevents a repeat is owned and dated (INC-13).
        self.env["itsm.improvement.action"].with_user(self.users["resolver"]).create(
            {
                "name": "Alert on the spooler's memory",
                "ticket_id": ticket.id,
                "user_id": self.users["resolver"].id,
                "date_deadline": ticket.create_date.date() + timedelta(days=14),
            }
        )
        # The department head approves: the confirmed incident closes.
        head_review.action_approve()
        self.assertEqual(review.state, "approved")
        self.assertEqual(review.approved_by_id, self.users["department_head"])
        self.assertEqual(ticket.stage_id, self.done)
        # Approved means final for the resolver.
        for reviewer in (review, review.sudo()):
            with self.assertRaises(UserError) as refusal:
                reviewer.write({"lessons": "<p>Rewritten</p>"})
            self.assertIn(
                "approved review report cannot be changed", str(refusal.exception)
            )
        self.assertIn("spooler's memory", review.lessons)

    def test_review_access_per_role(self):
        ticket = self.new_incident(impact="severe", urgency="high")
        review = self.env["itsm.incident.review"].create({"ticket_id": ticket.id})
        with self.assertRaises(AccessError):
            review.with_user(self.users["reporter"]).read(["name"])
        for role in ("resolver", "supervisor", "risk_control", "department_head"):
            with self.subTest(role=role):
                self.assertTrue(review.with_user(self.users[role]).read(["name"]))
        with self.assertRaises(AccessError):
            review.with_user(self.users["supervisor"]).write({"cause": "<p>x</p>"})


# An HTTP case after the installation: wkhtmltopdf loads the report's style
# sheets from the test server, which serves (in the test's transaction) only
# in an HTTP case, and under Odoo's runner only once the modules are installed.
@tagged("post_install", "-at_install")
class TestReviewReportPdf(HttpCase, ClosureCase):
    """INC-12: the review report of a major incident, printed as a PDF."""

    def test_the_review_report_is_a_pdf_kept_once_approved(self):
        ticket = self.new_incident(impact="severe", urgency="high")
        review = self.env["itsm.incident.review"].create(
            {
                "ticket_id": ticket.id,
                "cause": "<p>Spooler bug.</p>",
                "process": "<p>Restarted.</p>",
                "result": "<p>Restored.</p>",
                "lessons": "<p>Monitor memory use.</p>",
            }
        )
        report = self.env.ref("itsm_incident.action_report_itsm_incident_review")
        html = report._render_qweb_html(report.report_name, review.ids)[0].decode()
        for text in ("Monitor memory use.", ticket.number, "Draft: not approved yet"):
            self.assertIn(text, html)
        review.with_user(self.users["manager"]).action_approve()
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, review.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", review._name), ("res_id", "=", review.id)]
        )
        self.assertEqual(len(attachment), 1)
        self.assertIn("approved", attachment.name)


class TestAutomaticClosure(ClosureCase):
    def test_silent_reporters_tickets_close_and_blocked_ones_are_skipped(self):
        with freeze_time(utc(2026, 11, 20, 10, 0)):  # Friday
            normal = self.new_incident()
            major = self.new_incident(impact="severe", urgency="high")
            answered = self.new_incident()
            for ticket in normal | major | answered:
                self.handle(ticket).action_resolve()
        mine = normal | major | answered
        # Three working days: Wednesday 10:00, the weekend does not count.
        self.assertEqual(normal.auto_close_date, utc(2026, 11, 25, 10, 0))
        with freeze_time(utc(2026, 11, 23, 11, 0)):
            answered.with_user(self.users["reporter"]).message_post(
                body="Still testing, give me a day.", message_type="comment"
            )
            self.assertFalse(answered.auto_close_date)
        Ticket = self.env["helpdesk.ticket"]
        with freeze_time(utc(2026, 11, 25, 9, 59)):
            self.assertFalse(Ticket._cron_itsm_auto_close() & mine)
            self.assertEqual(normal.stage_id, self.resolved)
        with freeze_time(utc(2026, 11, 25, 10, 0)):
            closed = Ticket._cron_itsm_auto_close()
        self.assertEqual(closed & mine, normal)
        self.assertEqual(normal.stage_id, self.done)
        self.assertTrue(normal.auto_closed)
        self.assertFalse(normal.reporter_confirmed_date)
        # The major incident lacks its review: skipped, not retried, logged.
        self.assertEqual(major.stage_id, self.resolved)
        self.assertFalse(major.auto_close_date)
        self.assertIn("approved review report", major.message_ids[0].body)
        self.assertEqual(answered.stage_id, self.resolved, "the desk reads it first")

    def test_the_silence_is_a_setting(self):
        self.env["ir.config_parameter"].set_param(
            "itsm_incident.auto_close_working_days", "1"
        )
        with freeze_time(utc(2026, 11, 20, 10, 0)):  # Friday
            ticket = self.new_incident()
            self.handle(ticket).action_resolve()
        self.assertEqual(ticket.auto_close_date, utc(2026, 11, 23, 10, 0))
        self.env["ir.config_parameter"].set_param(
            "itsm_incident.auto_close_working_days", "0"
        )
        other = self.new_incident()
        self.handle(other).action_resolve()
        self.assertFalse(other.auto_close_date, "0: never closes by itself")

    def test_the_cron_works_in_batches(self):
        with freeze_time(utc(2026, 11, 20, 10, 0)):
            tickets = self.new_incident() | self.new_incident() | self.new_incident()
            for ticket in tickets:
                close_the_loop(ticket)
            tickets.write({"stage_id": self.resolved.id})
        # Only these three are due (whatever else the database holds).
        others = self.env["helpdesk.ticket"].search([("auto_close_date", "!=", False)])
        (others - tickets).write({"auto_close_date": False})
        with freeze_time(utc(2026, 11, 26, 10, 0)):
            now = utc(2026, 11, 26, 10, 0)
            first = self.env["helpdesk.ticket"]._cron_itsm_auto_close(batch_size=2)
            self.assertEqual(len(first), 2)
            rest = self.env["helpdesk.ticket"]._cron_itsm_auto_close(batch_size=2)
        self.assertEqual(first | rest, tickets)
        self.assertTrue(all(t.closed_date >= now for t in tickets))
