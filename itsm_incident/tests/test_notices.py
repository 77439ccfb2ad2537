from datetime import timedelta

from freezegun import freeze_time

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
