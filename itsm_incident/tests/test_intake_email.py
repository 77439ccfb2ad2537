from odoo.tools import file_open

from .common import ItsmCase


class TestEmailIntake(ItsmCase):
    """INC-1: a message to a team's alias becomes a ticket, replies thread
    into it. The messages are real ones (tests/data/*.eml) as Outlook and
    Foxmail send them: MIME-encoded Chinese headers, a UTF-8 base64
    multipart body, a GB18030 quoted-printable reply."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "itsm-test.example.com"}
        )
        cls.desk_team.write(
            {"alias_name": "support", "alias_domain_id": alias_domain.id}
        )
        cls.email_channel = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email")
        cls.sender_email = "zhangsan@huaxin-retail.example.com"

    def receive(self, eml):
        """The mail gateway receives the raw message, as fetchmail hands it
        over (administrative rights)."""
        with file_open(f"itsm_incident/tests/data/{eml}", "rb") as raw:
            return self.env["mail.thread"].sudo().message_process(False, raw.read())

    def new_tickets(self, before):
        return self.env["helpdesk.ticket"].search([("id", "not in", before.ids)])

    def test_message_to_alias_becomes_ticket(self):
        before = self.env["helpdesk.ticket"].search([])
        partners_before = self.env["res.partner"].search([])
        self.receive("incident_zh.eml")
        ticket = self.new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.name, "邮件服务器无法连接")
        self.assertIn("网页版邮箱也打不开", ticket.description)
        self.assertEqual(ticket.team_id, self.desk_team)
        self.assertEqual(ticket.channel_id, self.email_channel)
        self.assertEqual(ticket.declaration_type, "incident")
        self.assertEqual(ticket.screening_state, "to_screen")
        # An unknown sender becomes a contact, named as in the From header.
        sender = self.env["res.partner"].search([]) - partners_before
        self.assertEqual(len(sender), 1)
        self.assertEqual(sender.name, "张三")
        self.assertEqual(sender.email, self.sender_email)
        self.assertEqual(ticket.partner_id, sender)
        self.assertIn(self.sender_email, ticket.partner_email)
        self.assertIn(sender, ticket.message_partner_ids, "the reporter follows it")
        message = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(message.author_id, sender)
        self.assertEqual(message.subject, "邮件服务器无法连接")

    def test_known_sender_is_the_reporter(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Zhang San",
                "email": self.sender_email,
                "parent_id": self.portal_company.id,
            }
        )
        partners_before = self.env["res.partner"].search([])
        ticket = self.env["helpdesk.ticket"].browse(self.receive("incident_zh.eml"))
        self.assertEqual(ticket.partner_id, contact)
        self.assertFalse(self.env["res.partner"].search([]) - partners_before)
        # Their company's portal users follow it like any of their tickets.
        self.assertEqual(
            self.readable("portal", ticket), ticket, "visible to Customer A's portal"
        )

    def test_reply_threads_into_the_ticket(self):
        ticket = self.env["helpdesk.ticket"].browse(self.receive("incident_zh.eml"))
        before = self.env["helpdesk.ticket"].search([])
        messages_before = ticket.message_ids
        self.assertEqual(self.receive("incident_zh_reply.eml"), ticket.id)
        self.assertFalse(self.new_tickets(before), "a reply creates no ticket")
        reply = ticket.message_ids - messages_before
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.subject, "回复：邮件服务器无法连接")
        self.assertIn("重启电脑后问题依旧", reply.body)
        self.assertEqual(reply.author_id, ticket.partner_id)
        self.assertEqual(ticket.name, "邮件服务器无法连接", "the title is kept")
