from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user

from .common import ItsmCase

SECURITY_GROUP = "itsm_incident.group_itsm_security"
MANAGER_GROUP = "itsm_incident.group_itsm_manager"


class TestEscalationScope(ItsmCase):
    """Security review H1: an escalation rule belongs to a company and the
    sweep tells nobody of a record they may not read (another company's, a
    security incident). Reproduced as the review did: an ITSM manager's rule
    without conditions, mailing themselves every ticket not removed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["itsm.escalation.rule"]
        # Only the rungs under test.
        cls.Rule.search([]).active = False
        cls.env["ir.config_parameter"].set_param(
            "itsm_incident.escalation_digest_from", 0
        )
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Branch B"})
        cls.users["manager"].email = "manager.a@example.com"
        cls.manager_b = new_test_user(
            cls.env,
            login="test_manager_b",
            groups=MANAGER_GROUP,
            email="manager.b@example.com",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.officer = new_test_user(
            cls.env,
            login="test_officer",
            groups=f"{SECURITY_GROUP},itsm_incident.group_itsm_agent",
            email="officer@example.com",
        )
        Ticket = cls.env["helpdesk.ticket"]
        team_b = cls.env["helpdesk.ticket.team"].create(
            {"name": "Branch desk", "company_id": cls.company_b.id}
        )
        cls.ticket_b = Ticket.create(
            {
                "name": "Branch B payroll export failed",
                "description": "x",
                "team_id": team_b.id,
                "company_id": cls.company_b.id,
            }
        )
        cls.breach = Ticket.create(
            {
                "name": "Ransomware on the file server",
                "description": "x",
                "declaration_type": "security_incident",
                "team_id": cls.desk_team.id,
            }
        )
        cls.company_a_tickets = Ticket.search(
            [
                ("company_id", "=", cls.company_a.id),
                ("declaration_type", "!=", "security_incident"),
                ("is_itsm", "=", True),
                ("stage_id.closed", "=", False),
            ]
        )
        cls.template = cls.env.ref("itsm_incident.mail_template_escalation")

    def sweep(self):
        latest = max(self.env["helpdesk.ticket"].search([]).mapped("create_date"))
        with freeze_time(latest + timedelta(hours=1)):
            self.env["itsm.deadline"]._cron_sweep()

    def told(self, user):
        """The tickets whose notices went to ``user``."""
        mails = self.ladder_mails([("recipient_ids", "in", user.partner_id.ids)])
        return self.env["helpdesk.ticket"].browse(set(mails.mapped("res_id")))

    def ladder_mails(self, domain=()):
        """The rules' notices (not the helpdesk's own notifications)."""
        return self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("subject", "ilike", "] Escalation:"),
                *domain,
            ]
        )

    def rule_vals(self, **vals):
        return {
            "name": "Everything not removed",
            "trigger": "unresolved",
            "threshold_minutes": 0,
            "recipient_type": "users",
            "user_ids": [Command.set(self.users["manager"].ids)],
            "mail_template_id": self.template.id,
            **vals,
        }

    def test_a_managers_rule_without_conditions_reaches_its_company_only(self):
        rule = self.Rule.with_user(self.users["manager"]).create(self.rule_vals())
        self.assertEqual(rule.company_id, self.company_a, "the creator's company")
        self.sweep()
        logs = self.env["itsm.escalation.log"].search([("rule_id", "=", rule.id)])
        self.assertEqual(logs.ticket_id, self.company_a_tickets)
        self.assertEqual(self.told(self.users["manager"]), self.company_a_tickets)
        self.assertFalse(
            self.breach.message_ids.filtered(lambda m: "Escalation" in (m.body or "")),
            "not even a note on the security incident",
        )

    def test_a_manager_keeps_to_their_companies_rules(self):
        manager = self.users["manager"]
        Rule = self.Rule.with_user(manager)
        with self.assertRaises(AccessError):
            Rule.create(self.rule_vals(company_id=False))
        shared = self.env.ref("itsm_incident.escalation_rule_sla_warning_handler")
        threshold = shared.threshold_minutes
        self.assertEqual(
            Rule.with_context(active_test=False).search([("id", "=", shared.id)]),
            shared,
            "they read it",
        )
        with self.assertRaises(AccessError):
            shared.with_user(manager).write({"threshold_minutes": threshold + 1})
        self.assertEqual(shared.threshold_minutes, threshold)
        mine = Rule.create(self.rule_vals())
        self.assertFalse(
            self.Rule.with_user(self.manager_b).search([("id", "=", mine.id)])
        )
        with self.assertRaises(AccessError):
            mine.with_user(self.manager_b).write({"threshold_minutes": 5})

    def test_only_the_security_group_names_security_incidents(self):
        before = self.Rule.search_count([])
        with self.assertRaises(ValidationError) as refused:
            self.Rule.with_user(self.users["manager"]).create(
                self.rule_vals(declaration_type="security_incident")
            )
        self.assertIn("information-security group", str(refused.exception))
        self.assertEqual(self.Rule.search_count([]), before)
        security_manager = new_test_user(
            self.env,
            login="test_security_manager",
            groups=f"{SECURITY_GROUP},{MANAGER_GROUP}",
        )
        rule = self.Rule.with_user(security_manager).create(
            self.rule_vals(
                declaration_type="security_incident",
                user_ids=[Command.set((self.officer | self.users["manager"]).ids)],
            )
        )
        self.sweep()
        self.assertEqual(self.told(self.officer), self.breach)
        self.assertFalse(self.told(self.users["manager"]), "may not read it")
        note = self.breach.message_ids.filtered(lambda m: rule.name in (m.body or ""))
        self.assertIn(self.officer.name, note.body)
        self.assertNotIn(self.users["manager"].name, note.body)

    def test_a_template_of_another_model_is_refused(self):
        other = self.env["mail.template"].search(
            [("model", "!=", "helpdesk.ticket")], limit=1
        )
        before = self.Rule.search_count([])
        with self.assertRaises(ValidationError) as refused:
            self.Rule.with_user(self.users["manager"]).create(
                self.rule_vals(mail_template_id=other.id)
            )
        self.assertIn("is not one of", str(refused.exception))
        self.assertEqual(self.Rule.search_count([]), before)

    def test_a_shared_rule_tells_each_only_what_they_may_read(self):
        """The administrator's shared rule watches every company: each
        recipient, and each member of the group in copy, hears only of the
        tickets they may read."""
        management = self.env["res.groups"].create(
            {
                "name": "IT management",
                "users": [Command.set((self.users["manager"] | self.manager_b).ids)],
            }
        )
        recipients = self.users["manager"] | self.manager_b | self.officer
        self.Rule.create(
            self.rule_vals(
                company_id=False,
                user_ids=[Command.set(recipients.ids)],
                cc_group_id=management.id,
            )
        )
        self.sweep()
        self.assertEqual(self.told(self.users["manager"]), self.company_a_tickets)
        self.assertEqual(self.told(self.manager_b), self.ticket_b)
        self.assertEqual(self.told(self.officer), self.company_a_tickets | self.breach)
        for mail in self.ladder_mails():
            with self.subTest(ticket=mail.res_id):
                cc = mail.email_cc or ""
                if mail.res_id == self.ticket_b.id:
                    self.assertEqual(cc, "manager.b@example.com")
                elif mail.res_id == self.breach.id:
                    self.assertEqual(cc, "")
                else:
                    self.assertEqual(cc, "manager.a@example.com")

    def test_a_digest_lists_only_what_its_reader_may_read(self):
        self.env["ir.config_parameter"].set_param(
            "itsm_incident.escalation_digest_from", 1
        )
        self.Rule.create(
            self.rule_vals(
                company_id=False,
                user_ids=[Command.set((self.users["manager"] | self.officer).ids)],
            )
        )
        self.sweep()
        digest = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.users["manager"].partner_id.ids)]
        )
        self.assertEqual(len(digest), 1)
        self.assertIn(self.company_a_tickets[0].number, digest.body_html)
        self.assertNotIn(self.breach.number, digest.body_html)
        self.assertNotIn(self.ticket_b.number, digest.body_html)

    def test_reassignment_only_where_the_assignee_may_read(self):
        agent = self.users["agent"]
        self.Rule.create(
            self.rule_vals(
                company_id=False,
                user_ids=[Command.set(self.officer.ids)],
                mail_template_id=False,
                reassign_user_id=agent.id,
            )
        )
        self.sweep()
        self.assertEqual(set(self.company_a_tickets.mapped("user_id")), {agent})
        self.assertNotEqual(self.breach.user_id, agent)
        self.assertNotEqual(self.ticket_b.user_id, agent)

    def test_the_log_shows_each_company_its_own(self):
        rule = self.Rule.create(self.rule_vals(company_id=False))
        self.sweep()
        Log = self.env["itsm.escalation.log"]
        employee_b = new_test_user(
            self.env,
            login="test_employee_b",
            groups="base.group_user",
            company_id=self.company_b.id,
            company_ids=[Command.set(self.company_b.ids)],
        )
        seen = Log.with_user(employee_b).search([("rule_id", "=", rule.id)])
        self.assertEqual(seen.ticket_id, self.ticket_b)
