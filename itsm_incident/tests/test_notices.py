from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import ItsmCase, follow_up


class TestNotices(ItsmCase):
    """Notices as editable templates, in the recipient's language (issue 12,
    point 9): the reporter's receipt (S2 即时响应) and "major incident
    declared" to the leaders (S1 §3.5), the latter a rung of the ladder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reporter = cls.users["reporter"].partner_id
        cls.reporter.email = "zhang.wei@example.com"
        cls.users["manager"].email = "it.manager@example.com"

    def mails(self, ticket, subject):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("subject", "ilike", subject),
            ]
        )

    def declare(self, **vals):
        return self.env["helpdesk.ticket"].create(
            {
                "name": "Printer on the 3rd floor jams",
                "description": "Every page.",
                "partner_id": self.reporter.id,
                "team_id": self.desk_team.id,
            }
            | vals
        )

    def test_the_reporter_gets_a_receipt_once_in_their_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        other = self.users["other_reporter"].partner_id
        other.write({"email": "li.na@example.com", "lang": "zh_CN"})
        english, chinese = self.declare(), self.declare(partner_id=other.id)
        self.assertFalse(self.mails(english, "received"), "after the commit, not now")
        follow_up(self.env)
        receipt = self.mails(english, "We have received your declaration")
        self.assertEqual(len(receipt), 1)
        self.assertEqual(receipt.recipient_ids, self.reporter)
        self.assertIn(english.number, receipt.body_html)
        chinese_receipt = self.env["mail.mail"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", chinese.id)]
        )
        self.assertEqual(len(chinese_receipt), 1)
        self.assertIn("已收到", chinese_receipt.subject)
        # Followed up again (it became severe): no second receipt.
        english.write({"impact": "severe"})
        follow_up(self.env)
        self.assertEqual(len(self.mails(english, "We have received")), 1)
        self.assertTrue(english.itsm_receipt_date)

    def test_no_receipt_for_a_plain_team_or_an_alert(self):
        plain = self.env["helpdesk.ticket.team"].create(
            {"name": "Facilities", "is_itsm": False}
        )
        ticket = self.declare(team_id=plain.id)
        follow_up(self.env)
        self.assertFalse(self.mails(ticket, "received"))

    def test_the_receipt_is_an_editable_template(self):
        template = self.env.ref("itsm_incident.mail_template_receipt")
        template.subject = "Thanks for {{ object.number }}"
        ticket = self.declare()
        follow_up(self.env)
        self.assertEqual(len(self.mails(ticket, f"Thanks for {ticket.number}")), 1)

    def test_a_major_incident_is_told_to_the_leaders_at_once(self):
        major = self.declare(impact="severe", urgency="high")
        minor = self.declare()
        self.screen(major | minor)
        self.assertTrue(major.is_major)
        # Reported (the transaction's time, as Odoo stamps it) and followed up.
        reported = major.create_date
        with freeze_time(reported):
            follow_up(self.env)
        with freeze_time(reported + timedelta(seconds=30)):
            self.env["itsm.deadline"]._cron_sweep()
        notice = self.mails(major, "Major incident")
        self.assertEqual(len(notice), 1)
        self.assertIn(self.users["manager"].partner_id, notice.recipient_ids)
        self.assertFalse(self.mails(minor, "Major incident"))
        # Once, ever.
        with freeze_time(reported + timedelta(hours=1)):
            self.env["itsm.deadline"]._cron_sweep()
        self.assertEqual(len(self.mails(major, "Major incident")), 1)


# After the installation: as Odoo's, the assignment notices wait for a ready
# registry (none while modules are being installed).
@tagged("post_install", "-at_install")
class TestNoticesToStaff(ItsmCase):
    """The notices to the staff are editable templates in their reader's
    language (X-1, issue 12 point 9): the assignment and its digest (INC-7),
    the emergency procedure's lead (INC-2) and the head who receives a
    service request (S2 §5.4.2)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        cls.agent = cls.users["agent"]
        cls.agent.lang = "zh_CN"
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Storm", "user_ids": [Command.set(cls.agent.ids)]}
        )
        follow_up(cls.env)

    def told(self, user, tickets):
        """What ``user`` was told about these tickets, newest first."""
        return self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("partner_ids", "in", user.partner_id.ids),
            ]
        )

    def declare(self, name, **vals):
        return self.env["helpdesk.ticket"].create(
            {"name": name, "description": "x", "team_id": self.team.id} | vals
        )

    def test_the_assignee_is_told_in_their_language(self):
        ticket = self.declare("打印机卡纸")
        follow_up(self.env)
        notice = self.told(self.agent, ticket)
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.message_type, "user_notification")
        self.assertIn("已分派给您", notice.subject)
        self.assertIn(ticket.number, notice.body)
        self.assertNotIn("You have been assigned", notice.subject + notice.body)

    def test_a_storm_is_one_digest_in_the_assignees_language(self):
        tickets = self.declare("Alert 1") | self.declare("Alert 2")
        tickets |= self.declare("Alert 3")
        follow_up(self.env)
        digest = self.told(self.agent, tickets)
        self.assertEqual(len(digest), 1)
        self.assertIn("3", digest.subject)
        self.assertIn("工单", digest.subject)
        for ticket in tickets:
            self.assertIn(ticket.display_name, digest.body)

    def test_the_assignment_notice_is_an_editable_template(self):
        template = self.env.ref("itsm_incident.mail_template_assignment")
        template.with_context(lang="en_US").subject = "Yours: {{ object.number }}"
        template.with_context(lang="zh_CN").subject = "归您处理：{{ object.number }}"
        ticket = self.declare("Disk full")
        follow_up(self.env)
        self.assertEqual(
            self.told(self.agent, ticket).subject, f"归您处理：{ticket.number}"
        )
        # Assigned by hand to an English reader: the same template, at once.
        resolver = self.users["resolver"]
        ticket.with_context(tracking_disable=False).user_id = resolver
        self.assertEqual(self.told(resolver, ticket).subject, f"Yours: {ticket.number}")

    def test_a_plain_team_keeps_odoos_assignment_notice(self):
        plain = self.env["helpdesk.ticket.team"].create(
            {"name": "Facilities", "is_itsm": False}
        )
        ticket = self.declare("Door jams", team_id=plain.id)
        resolver = self.users["resolver"]
        ticket.with_context(tracking_disable=False).user_id = resolver
        notice = self.told(resolver, ticket)
        self.assertEqual(len(notice), 1)
        self.assertIn("You have been assigned to", notice.subject)
        self.assertNotIn("Priority:", notice.body, "not the ITSM template")

    def test_the_emergency_lead_is_told_once_in_their_language(self):
        self.team.user_id = self.agent
        ticket = self.declare("机房断电", urgent=True)
        activity = ticket.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("itsm_incident.mail_activity_type_emergency")
        )
        self.assertEqual(activity.user_id, self.agent)
        notice = self.told(self.agent, ticket)
        self.assertEqual(len(notice), 1, "the notice, not Odoo's activity mail too")
        self.assertIn("紧急", notice.subject)
        self.assertIn(ticket.number, notice.subject)
        self.assertEqual(
            notice.subtype_id, self.env.ref("mail.mt_note"), "internal, to the lead"
        )

    def test_the_lead_marking_urgent_is_not_told_of_it(self):
        self.team.user_id = self.agent
        ticket = self.declare("Fire alarm")
        ticket.with_user(self.agent).urgent = True
        self.assertTrue(ticket.activity_ids)
        self.assertFalse(self.told(self.agent, ticket))

    def test_the_department_head_is_told_of_a_service_request(self):
        head = self.users["department_head"]
        head.lang = "zh_CN"
        template = self.env.ref("itsm_incident.mail_template_service_request")
        ticket = self.declare(
            "New laptop for the intern",
            declaration_type="service_request",
            partner_id=self.users["reporter"].partner_id.id,
            contact_phone="+86 10 5555 0102",
        )
        self.screen(ticket)
        notice = self.told(head, ticket)
        self.assertEqual(len(notice), 1)
        self.assertIn("服务请求", notice.subject)
        self.assertIn("New laptop for the intern", notice.subject)
        self.assertIn("+86 10 5555 0102", notice.body)
        # Deleted by an administrator: the request is still routed, untold.
        template.unlink()
        other = self.declare(
            "Badge for a visitor",
            declaration_type="service_request",
            partner_id=self.users["reporter"].partner_id.id,
            contact_phone="+86 10 5555 0102",
        )
        self.screen(other)
        self.assertTrue(other.activity_ids.filtered(lambda a: a.user_id == head))
        self.assertFalse(self.told(head, other))

    def test_the_notices_are_listed_for_whoever_may_edit_them(self):
        """Configuration › Notices lists the suite's templates for those
        with Odoo's right to edit templates (administrators by default); an
        ITSM manager without it neither finds the menu nor edits a notice
        (a template runs code with its sender's rights)."""
        admin = self.env.ref("base.user_admin")
        self.assertIn(
            "itsm_incident.menu_itsm_config_notices", self.visible_menus(admin)
        )
        action = self.env.ref("itsm_incident.mail_template_action_itsm")
        listed = self.env["mail.template"].search(safe_eval(action.domain))
        for xmlid in (
            "mail_template_assignment",
            "mail_template_emergency",
            "mail_template_improvement_overdue",  # a template of the users
        ):
            self.assertIn(self.env.ref(f"itsm_incident.{xmlid}"), listed)
        self.assertNotIn(self.env.ref("auth_signup.set_password_email"), listed)
        manager = self.users["manager"]
        self.assertNotIn(
            "itsm_incident.menu_itsm_config_notices", self.visible_menus(manager)
        )
        template = self.env.ref("itsm_incident.mail_template_assignment")
        with self.assertRaises(AccessError):
            template.with_user(
                manager
            ).subject = "Leaked: {{ object.env.user.password }}"
