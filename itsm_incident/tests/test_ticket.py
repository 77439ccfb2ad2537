from odoo.tests import Form

from .common import ItsmCase


class TestTicket(ItsmCase):
    def test_department_follows_the_reporter(self):
        self.assertEqual(self.ticket_reporter.department_id, self.business)
        self.assertEqual(self.ticket_other.department_id, self.it)
        self.assertFalse(self.ticket_customer.department_id, "customers have none")

    def test_departments_of_many_tickets_cost_one_query(self):
        tickets = self.ticket_reporter | self.ticket_other | self.ticket_customer
        self.env.flush_all()
        queries = []
        for batch in (tickets[:1], tickets):
            before = self.env.cr.sql_log_count
            batch._compute_department_id()
            queries.append(self.env.cr.sql_log_count - before)
        self.assertEqual(queries[0], queries[1], "as many queries for 3 as for 1")
        self.assertEqual(tickets.department_id, self.business | self.it)

    def test_a_reporter_without_hr_rights_gets_their_department(self):
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.users["reporter"])
            .create(
                {
                    "name": "Mouse broken",
                    "description": "x",
                    "partner_id": self.users["reporter"].partner_id.id,
                }
            )
        )
        self.assertEqual(ticket.sudo().department_id, self.business)

    def test_department_changes_with_the_reporter(self):
        self.ticket_reporter.partner_id = self.users["other_reporter"].partner_id
        self.assertEqual(self.ticket_reporter.department_id, self.it)

    def test_new_ticket_goes_to_the_service_desk_team(self):
        self.env.company.itsm_default_team_id = self.network_team
        form = Form(
            self.env["helpdesk.ticket"].with_user(self.users["reporter"]),
        )
        form.name = "VPN refuses my password"
        form.description = "Since the password change."
        ticket = form.save()
        self.assertEqual(ticket.team_id, self.network_team)

    def test_settings_choose_the_service_desk_team(self):
        settings = self.env["res.config.settings"].create(
            {"itsm_default_team_id": self.desk_team.id}
        )
        settings.execute()
        self.assertEqual(self.env.company.itsm_default_team_id, self.desk_team)
