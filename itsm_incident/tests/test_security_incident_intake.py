from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, http
from odoo.exceptions import ValidationError
from odoo.tests import Form, HttpCase, new_test_user
from odoo.tools import file_open

from .common import ItsmCase, follow_up

SECURITY_GROUP = "itsm_incident.group_itsm_security"


class TestSecurityIncidentIntake(HttpCase, ItsmCase):
    """Security review H2: a security incident, however it comes in (the
    portal, the phone desk, an e-mail, an alert the desk makes one), goes to
    nobody outside the security group: no assignee, follower, activity,
    notification, e-mail (the ladder's and its digests included) or text
    message, with the shipped configuration (automatic assignment, the
    seeded ladder). The security team is misconfigured on purpose: its
    leader and one of its members are not in the group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer = new_test_user(
            cls.env,
            login="test_officer",
            groups=f"{SECURITY_GROUP},itsm_incident.group_itsm_resolver",
            email="officer@example.com",
        )
        cls.security_team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Information security",
                "user_id": cls.users["agent"].id,
                "user_ids": [Command.set((cls.users["agent"] | cls.officer).ids)],
            }
        )
        cls.desk_team.user_id = cls.users["agent"]
        cls.env.company.write(
            {
                "itsm_default_team_id": cls.desk_team.id,
                "itsm_security_team_id": cls.security_team.id,
            }
        )
        for user in cls.env["res.users"].search([]):
            user.partner_id.mobile = user.partner_id.mobile or "+86 138 0000 0000"
            user.email = user.email or f"{user.login}@example.com"
        cls.env["ir.config_parameter"].set_param(
            "itsm_incident.escalation_digest_from", 1
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def sweep_later(self, ticket, days=40):
        """The security team classifies it (its clocks start), the follow-up
        cron runs, then the deadline sweep long after: every seeded rung
        that can fire on the ticket has fired."""
        ticket.with_user(self.officer).write({"impact": "severe", "urgency": "high"})
        follow_up(self.env)
        with freeze_time(ticket.sudo().create_date + timedelta(days=days)):
            self.env["itsm.deadline"]._cron_sweep()

    def marks(self):
        """The last notification, mail and text message so far."""
        return {
            model: self.env[model].search([], order="id desc", limit=1).id
            for model in ("mail.notification", "mail.mail", "sms.sms")
        }

    def assert_confined(self, ticket, since=None):
        """Nobody outside the security group (internal users, and portal
        users other than the reporter) is the assignee, a follower, given an
        activity, notified, mailed or texted about the ticket (``since``
        ``marks()``: since it became a security incident)."""
        since = since or dict.fromkeys(("mail.notification", "mail.mail", "sms.sms"), 0)
        ticket = ticket.sudo()
        self.assertEqual(ticket.declaration_type, "security_incident")
        outsiders = self.env["res.users"].search(
            [("id", "not in", self.env.ref(SECURITY_GROUP).users.ids)]
        )
        outsiders -= ticket.partner_id.user_ids
        partners = outsiders.partner_id
        self.assertEqual(ticket.user_id, self.officer)
        self.assertFalse(ticket.message_partner_ids & partners, "followers")
        self.assertFalse(ticket.activity_ids.user_id & outsiders, "activities")
        notified = self.env["mail.notification"].search(
            [
                ("mail_message_id.model", "=", "helpdesk.ticket"),
                ("mail_message_id.res_id", "=", ticket.id),
                ("res_partner_id", "in", partners.ids),
                ("id", ">", since["mail.notification"]),
            ]
        )
        self.assertFalse(notified, "notifications")
        for mail in self.env["mail.mail"].search(
            [
                ("id", ">", since["mail.mail"]),
                "|",
                ("recipient_ids", "in", partners.ids),
                ("email_cc", "!=", False),
            ]
        ):
            text = f"{mail.subject} {mail.body_html}"
            if mail.email_cc and not (mail.recipient_ids & partners):
                told = [u for u in outsiders if u.email in mail.email_cc]
                if not told:
                    continue
            with self.subTest(mail=mail.subject):
                self.assertNotIn(ticket.number, text)
                self.assertNotIn(ticket.name, text)
        texts = self.env["sms.sms"].search(
            [("partner_id", "in", partners.ids), ("id", ">", since["sms.sms"])]
        )
        self.assertFalse(
            [sms.body for sms in texts if ticket.number in (sms.body or "")], "texts"
        )
        # The ladder did run: the security group heard of it.
        self.assertTrue(
            self.env["itsm.escalation.log"].search([("ticket_id", "=", ticket.id)])
        )

    # ------------------------------------------------------------------
    # The ways in
    # ------------------------------------------------------------------

    def test_a_portal_declaration(self):
        self.env.company.helpdesk_mgmt_portal_select_category = True
        category = self.env.ref(
            "itsm_incident.category_service_equipment_online_production"
        )
        before = self.env["helpdesk.ticket"].search([])
        self.authenticate("test_portal", "test_portal")
        answer = self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "declaration_type": "security_incident",
                "category": str(category.id),
                "subject": "Phishing mail with our logo",
                "description": "A customer forwarded a fake invoice.",
                "urgency": "high",
            },
            allow_redirects=False,
        )
        self.assertIn(answer.status_code, (302, 303))
        ticket = self.env["helpdesk.ticket"].search([("id", "not in", before.ids)])
        self.assertEqual(ticket.team_id, self.security_team)
        self.sweep_later(ticket)
        self.assert_confined(ticket)

    def test_an_urgent_call_to_the_phone_desk(self):
        """The agent logs it (and may not read it afterwards): they do not
        follow it, and the emergency procedure goes to the security group,
        not to the team leader outside it."""
        caller = self.env["res.partner"].create(
            {"name": "Liu Fang", "phone": "+86 21 5555 0123"}
        )
        form = Form(self.env["itsm.phone.intake.wizard"].with_user(self.users["agent"]))
        form.partner_id = caller
        form.declaration_type = "security_incident"
        form.name = "Laptop with customer data stolen"
        form.urgent = True
        form.save().action_create_ticket()
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Laptop with customer data stolen")]
        )
        emergency = ticket.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("itsm_incident.mail_activity_type_emergency")
        )
        self.assertEqual(emergency.user_id, self.officer)
        self.sweep_later(ticket)
        self.assert_confined(ticket)

    def test_an_email_to_the_security_alias(self):
        alias_domain = self.env["mail.alias.domain"].create(
            {"name": "itsm-test.example.com"}
        )
        self.desk_team.write(
            {"alias_name": "support", "alias_domain_id": alias_domain.id}
        )
        self.desk_team.alias_id.alias_defaults = repr(
            {"team_id": self.desk_team.id, "declaration_type": "security_incident"}
        )
        before = self.env["helpdesk.ticket"].search([])
        with file_open("itsm_incident/tests/data/incident_zh.eml", "rb") as raw:
            self.env["mail.thread"].sudo().message_process(False, raw.read())
        ticket = self.env["helpdesk.ticket"].search([("id", "not in", before.ids)])
        self.assertEqual(ticket.team_id, self.security_team)
        self.sweep_later(ticket)
        self.assert_confined(ticket)

    def test_an_incident_the_desk_makes_a_security_incident(self):
        """An alert or a declaration screened as a security incident after
        it was assigned: its assignee, followers and activities outside the
        group go."""
        agent = self.users["agent"]
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Odd outbound traffic from the file server",
                "description": "x",
                "team_id": self.desk_team.id,
                "user_id": agent.id,
                "partner_id": self.users["reporter"].partner_id.id,
            }
        )
        ticket.message_subscribe(partner_ids=self.users["resolver"].partner_id.ids)
        ticket.activity_schedule(user_id=agent.id, summary="Look at the logs")
        follow_up(self.env)
        since = self.marks()
        ticket.with_user(agent).declaration_type = "security_incident"
        self.assertEqual(ticket.team_id, self.security_team)
        self.sweep_later(ticket)
        self.assert_confined(ticket, since)

    # ------------------------------------------------------------------
    # By hand
    # ------------------------------------------------------------------

    def test_nobody_outside_the_group_is_given_one_by_hand(self):
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Malware on a till",
                "description": "x",
                "declaration_type": "security_incident",
                "partner_id": self.users["reporter"].partner_id.id,
            }
        )
        self.assertEqual(ticket.user_id, self.officer)
        agent = self.users["agent"]
        with self.assertRaises(ValidationError) as refused:
            ticket.with_user(self.officer).user_id = agent
        self.assertIn("information-security group", str(refused.exception))
        self.assertEqual(ticket.user_id, self.officer)
        activities = ticket.activity_ids
        with self.assertRaises(ValidationError):
            ticket.with_user(self.officer).activity_schedule(
                user_id=agent.id, summary="Help"
            )
        self.assertEqual(ticket.activity_ids, activities)
        ticket.with_user(self.officer).message_subscribe(
            partner_ids=(agent | self.users["reporter"]).partner_id.ids
        )
        self.assertNotIn(agent.partner_id, ticket.message_partner_ids)
        self.assertIn(self.users["reporter"].partner_id, ticket.message_partner_ids)
