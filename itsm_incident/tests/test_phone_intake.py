from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .common import ItsmCase


class TestPhoneIntake(ItsmCase):
    """INC-1 hotline: the desk logs a call as a ticket of the phone channel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.caller = cls.env["res.partner"].create(
            {
                "name": "Liu Fang",
                "parent_id": cls.portal_company.id,
                "phone": "+86 21 5555 0123",
                "email": "liu.fang@customer-a.example.com",
            }
        )
        cls.phone_channel = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")
        cls.category = cls.env.ref(
            "itsm_incident.category_service_equipment_online_production"
        )

    def wizard_form(self, role="agent"):
        return Form(self.env["itsm.phone.intake.wizard"].with_user(self.users[role]))

    def new_tickets(self, before):
        return self.env["helpdesk.ticket"].search([("id", "not in", before.ids)])

    def test_agent_logs_a_call(self):
        before = self.env["helpdesk.ticket"].search([])
        form = self.wizard_form()
        form.partner_id = self.caller
        self.assertEqual(form.contact_name, "Liu Fang", "taken from the caller")
        self.assertEqual(form.contact_phone, "+86 21 5555 0123")
        form.contact_phone = "+86 138 0000 0000"
        form.name = "Tills offline in store 12"
        form.description = "All four tills show 'no connection'.\nSince 9:00."
        form.category_id = self.category
        form.impact = "severe"
        form.urgency = "high"
        action = form.save().action_create_ticket()

        ticket = self.new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(
            (action["res_model"], action["res_id"], action["views"]),
            ("helpdesk.ticket", ticket.id, [(False, "form")]),
            "the new ticket opens",
        )
        self.assertEqual(ticket.channel_id, self.phone_channel)
        self.assertEqual(ticket.partner_id, self.caller)
        self.assertEqual(ticket.contact_name, "Liu Fang")
        self.assertEqual(ticket.contact_phone, "+86 138 0000 0000")
        self.assertEqual(ticket.declaration_type, "incident")
        self.assertEqual(
            ticket.screening_state, "valid", "screened by the agent on the phone"
        )
        self.assertEqual(ticket.category_id, self.category)
        self.assertEqual(ticket.itsm_priority, "1")
        self.assertEqual(ticket.create_uid, self.users["agent"])
        self.assertIn("<br>Since 9:00.", ticket.description)
        # The reporter's company sees it on the portal like any other ticket.
        self.assertEqual(self.readable("portal", ticket), ticket)

    def test_caller_without_contact_record(self):
        form = self.wizard_form()
        form.contact_name = "Wang Wei"
        form.contact_phone = "139 1234 5678"
        form.declaration_type = "complaint"
        form.name = "Nobody called back"
        action = form.save().action_create_ticket()
        ticket = self.env["helpdesk.ticket"].browse(action["res_id"])
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.partner_name, "Wang Wei")
        self.assertEqual(ticket.declaration_type, "complaint")
        self.assertFalse(ticket._itsm_missing_contact())
        self.assertEqual(ticket.screening_state, "valid", "screened on the phone")

    def test_urgent_call_is_high_urgency(self):
        form = self.wizard_form()
        form.partner_id = self.caller
        form.name = "Core switch down"
        form.impact = "severe"
        form.urgent = True
        self.assertEqual(form.urgency, "high")
        ticket = self.env["helpdesk.ticket"].browse(
            form.save().action_create_ticket()["res_id"]
        )
        self.assertTrue(ticket.urgent)
        self.assertEqual(ticket.itsm_priority, "1")

    def test_a_call_needs_a_caller(self):
        before = self.env["helpdesk.ticket"].search([])
        form = self.wizard_form()
        form.name = "Anonymous call"
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "Who is calling"):
            wizard.action_create_ticket()
        self.assertFalse(self.new_tickets(before))

    def test_security_incident_goes_to_the_security_group(self):
        """The desk records it but may not read it afterwards (X-7)."""
        form = self.wizard_form()
        form.partner_id = self.caller
        form.declaration_type = "security_incident"
        form.name = "Fake invoices sent with our logo"
        action = form.save().action_create_ticket()
        ticket = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search([("name", "=", "Fake invoices sent with our logo")])
        )
        self.assertEqual(ticket.declaration_type, "security_incident")
        self.assertEqual(ticket.channel_id, self.phone_channel)
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn(ticket.number, action["params"]["title"])
        self.assertFalse(self.readable("agent", ticket))
        security_user = self.users["manager"]
        security_user.groups_id |= self.env.ref("itsm_incident.group_itsm_security")
        self.assertEqual(
            ticket.with_user(security_user).search([("id", "=", ticket.id)]), ticket
        )

    def test_only_the_desk_logs_calls(self):
        self.assertIn(
            "itsm_incident.menu_itsm_phone_intake", self.visible_menus("agent")
        )
        self.assertNotIn(
            "itsm_incident.menu_itsm_phone_intake", self.visible_menus("resolver")
        )
        self.assertNotIn(
            "itsm_incident.menu_itsm_phone_intake", self.visible_menus("reporter")
        )
        with self.assertRaises(AccessError):
            self.env["itsm.phone.intake.wizard"].with_user(
                self.users["reporter"]
            ).create({"name": "Not allowed", "contact_name": "Someone"})
