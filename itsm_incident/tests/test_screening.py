from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..controllers.itsm_events import parse_generic
from .common import CALLER, ItsmCase


class TestScreening(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales = new_test_user(cls.env, login="test_sales", groups="base.group_user")
        cls.env.company.itsm_sales_user_id = cls.sales
        cls.customer = cls.env["res.partner"].create(
            {"name": "Customer C", "email": "it@customer-c.example.com"}
        )

    def declare(self, **vals):
        Ticket = self.env["helpdesk.ticket"].with_user(self.users["agent"])
        return Ticket.create(
            {"name": "Declaration", "description": "x", "team_id": self.desk_team.id}
            | vals
        )

    def test_valid_needs_customer_and_contact(self):
        ticket = self.declare()
        with self.assertRaisesRegex(UserError, "customer name"):
            ticket.action_screen_valid()
        self.assertEqual(ticket.screening_state, "to_screen", "nothing changed")
        ticket.write(
            {
                "partner_name": "Customer D",
                "contact_name": "Ms Wu",
                "contact_phone": "+86 21 5555 0101",
            }
        )
        ticket.action_screen_valid()
        self.assertEqual(ticket.screening_state, "valid")
        with self.assertRaisesRegex(ValidationError, "contact person"):
            ticket.contact_name = False
        with self.assertRaisesRegex(UserError, "already been screened"):
            ticket.action_screen_valid()

    def test_invalid_closes_with_the_reason_told_to_the_reporter(self):
        ticket = self.declare(partner_id=self.customer.id)
        wizard = Form(
            self.env["itsm.screening.wizard"]
            .with_user(self.users["agent"])
            .with_context(default_ticket_ids=ticket.ids)
        )
        wizard.outcome = "invalid"
        wizard.reason = "A duplicate of HT00042"
        wizard.save().action_apply()
        self.assertEqual(ticket.screening_state, "invalid")
        self.assertTrue(ticket.stage_id.closed)
        told = ticket.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertIn("A duplicate of HT00042", told.body)
        self.assertIn("was closed at screening", told.body)
        self.assertIn("closed at screening", told.subject, "the template's subject")

    def test_the_screening_notice_is_the_template_in_the_reporters_language(self):
        """X-1: an ITSM manager's edit of the template is what is sent; a
        Chinese reporter reads it in Chinese."""
        template = self.env.ref("itsm_incident.mail_template_screening_closed")
        template.body_html = (
            "<p>Edited: <t t-out='object.screening_note'/> (call 110)</p>"
        )
        ticket = self.declare(partner_id=self.customer.id)
        wizard = self.env["itsm.screening.wizard"].with_user(self.users["agent"])
        wizard.create(
            {"ticket_ids": ticket.ids, "outcome": "invalid", "reason": "Spam"}
        ).action_apply()
        told = ticket.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertIn("Edited: Spam (call 110)", told.body)
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        chinese = self.env["res.partner"].create(
            {"name": "王芳", "email": "wang@example.com", "lang": "zh_CN"}
        )
        template.with_context(
            lang="zh_CN"
        ).body_html = "<p>已修改：<t t-out='object.screening_note'/></p>"
        other = self.declare(partner_id=chinese.id)
        wizard.create(
            {"ticket_ids": other.ids, "outcome": "invalid", "reason": "重复申报"}
        ).action_apply()
        told = other.message_ids.filtered(lambda m: chinese in m.partner_ids)
        self.assertIn("已修改：重复申报", told.body)
        self.assertIn("甄别", told.subject, "the Chinese subject")

    def test_reason_is_required(self):
        ticket = self.declare()
        wizard = Form(
            self.env["itsm.screening.wizard"].with_context(
                default_ticket_ids=ticket.ids
            )
        )
        with self.assertRaises(AssertionError):
            wizard.save()  # the reason is a required field of the form
        self.assertEqual(ticket.screening_state, "to_screen")

    def test_out_of_scope_goes_to_sales(self):
        ticket = self.declare(partner_id=self.customer.id)
        wizard = self.env["itsm.screening.wizard"].create(
            {
                "ticket_ids": [Command.set(ticket.ids)],
                "outcome": "out_of_scope",
                "reason": "Wants a new website: not in the contract",
            }
        )
        wizard.action_apply()
        self.assertEqual(ticket.screening_state, "out_of_scope")
        activity = ticket.activity_ids.filtered(lambda a: a.user_id == self.sales)
        self.assertEqual(activity.activity_type_id.name, "Out-of-scope Request")

    def test_out_of_scope_without_salesperson_is_refused(self):
        self.env.company.itsm_sales_user_id = False
        ticket = self.declare()
        wizard = self.env["itsm.screening.wizard"].create(
            {
                "ticket_ids": [Command.set(ticket.ids)],
                "outcome": "out_of_scope",
                "reason": "Not ours",
            }
        )
        with self.assertRaisesRegex(UserError, "salesperson"):
            wizard.action_apply()
        self.assertEqual(ticket.screening_state, "to_screen")

    def test_service_request_goes_to_the_department_head(self):
        ticket = self.declare(
            declaration_type="service_request",
            partner_id=self.users["reporter"].partner_id.id,
            contact_phone="+86 10 5555 0102",
        )
        ticket.action_screen_valid()
        head = self.users["department_head"]
        self.assertIn(head.partner_id, ticket.message_partner_ids)
        self.assertEqual(
            ticket.activity_ids.filtered(lambda a: a.user_id == head).summary,
            "Service request to handle",
        )

    def test_complaints_and_security_incidents_go_to_their_teams(self):
        relations = self.env["helpdesk.ticket.team"].create({"name": "Relations"})
        security = self.env["helpdesk.ticket.team"].create({"name": "Security"})
        self.env.company.write(
            {
                "itsm_complaint_team_id": relations.id,
                "itsm_security_team_id": security.id,
            }
        )
        complaint = self.declare(
            declaration_type="complaint", partner_id=self.customer.id
        )
        complaint.action_screen_valid()
        self.assertEqual(complaint.team_id, relations)
        breach = self.env["helpdesk.ticket"].create(
            {
                "name": "Phishing mail",
                "description": "x",
                "declaration_type": "security_incident",
                "partner_id": self.customer.id,
            }
        )
        breach.action_screen_valid()
        self.assertEqual(breach.team_id, security)

    def test_urgent_starts_the_emergency_procedure(self):
        self.desk_team.user_id = self.users["manager"]
        ticket = self.declare(urgent=True, impact="moderate")
        self.assertEqual(ticket.urgency, "high")
        self.assertEqual(ticket.itsm_priority, "2")
        emergency = ticket.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("itsm_incident.mail_activity_type_emergency")
        )
        self.assertEqual(emergency.user_id, self.users["manager"])
        later = self.declare()
        later.urgent = True
        self.assertEqual(later.urgency, "high")
        self.assertTrue(later.activity_ids)


class TestSecurityIncidents(ItsmCase):
    def test_only_the_security_group_sees_security_incidents(self):
        officer = new_test_user(
            self.env, login="test_security", groups="itsm_incident.group_itsm_security"
        )
        breach = self.env["helpdesk.ticket"].create(
            {
                "name": "Data leak",
                "description": "x",
                "declaration_type": "security_incident",
                "team_id": self.desk_team.id,
                "partner_id": self.users["reporter"].partner_id.id,
            }
        )
        for role in ("agent", "manager", "supervisor", "risk_control", "reporter"):
            with self.subTest(role=role):
                self.assertFalse(self.readable(role, breach))
                with self.assertRaises(AccessError):
                    breach.with_user(self.users[role]).read(["name"])
        self.assertEqual(
            breach.with_user(officer).search([("id", "=", breach.id)]), breach
        )
        self.assertIn(
            self.ticket_reporter, self.readable("agent", self.ticket_reporter)
        )


class TestClassificationAndAssignment(ItsmCase):
    def test_seeded_three_level_tree(self):
        leaf = self.env.ref(
            "itsm_incident.category_service_equipment_online_production"
        )
        self.assertEqual(
            leaf.complete_name,
            "Service / Equipment / Real-time online production system",
        )
        service = self.env.ref("itsm_incident.category_service")
        self.assertEqual(
            len(
                self.env["helpdesk.ticket.category"].search(
                    [("id", "child_of", service.id)]
                )
            ),
            17,
        )

    def test_nature_gives_the_responsible_department(self):
        nature = self.env.ref("itsm_incident.nature_customer_complaint")
        nature.department_id = self.business
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Rude agent", "description": "x", "nature_id": nature.id}
        )
        self.assertEqual(ticket.responsible_department_id, self.business)

    def test_team_from_the_category(self):
        equipment = self.env.ref("itsm_incident.category_service_equipment")
        self.network_team.category_ids = equipment
        leaf = self.env.ref("itsm_incident.category_service_equipment_non_production")
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Test server down", "description": "x", "category_id": leaf.id}
        )
        self.assertEqual(ticket.team_id, self.network_team)

    def test_assignment_spreads_load_and_prefers_skills(self):
        team = self.env["helpdesk.ticket.team"].create(
            {
                "name": "Ops",
                "user_ids": [
                    Command.set([self.users["agent"].id, self.users["resolver"].id])
                ],
            }
        )
        tickets = self.env["helpdesk.ticket"].create(
            [
                {"name": f"Incident {i}", "description": "x", "team_id": team.id}
                for i in range(4)
            ]
        )
        counts = {
            u: len(tickets.filtered(lambda t, u=u: t.user_id == u))
            for u in team.user_ids
        }
        self.assertEqual(sorted(counts.values()), [2, 2], "load is spread")
        # A P1 weighs more than a P4: the next ticket goes to the other person.
        tickets[0].write({"impact": "severe", "urgency": "high"})
        busy = tickets[0].user_id
        nxt = self.env["helpdesk.ticket"].create(
            {"name": "Next", "description": "x", "team_id": team.id}
        )
        self.assertNotEqual(nxt.user_id, busy)
        # A skill for the category wins over a lighter load.
        business = self.env.ref("itsm_incident.category_service_business")
        busy.itsm_skill_category_ids = business
        leaf = self.env.ref("itsm_incident.category_service_business_backlog")
        skilled = self.env["helpdesk.ticket"].create(
            {
                "name": "Backlog",
                "description": "x",
                "team_id": team.id,
                "category_id": leaf.id,
            }
        )
        self.assertEqual(skilled.user_id, busy)

    def test_acknowledge_records_the_response_and_reassignments_count(self):
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Slow VPN",
                "description": "x",
                "team_id": self.desk_team.id,
                **CALLER,
            }
        )
        self.screen(ticket).with_user(self.users["resolver"]).action_acknowledge()
        self.assertEqual(ticket.acknowledged_by_id, self.users["resolver"])
        self.assertTrue(ticket.acknowledged_date)
        self.assertGreaterEqual(ticket.response_minutes, 0)
        with self.assertRaisesRegex(UserError, "already acknowledged"):
            ticket.action_acknowledge()
        self.assertFalse(ticket.partner_id, "no reporter, nobody to tell")
        first = ticket.user_id
        ticket.user_id = (
            self.users["agent"]
            if first != self.users["agent"]
            else self.users["resolver"]
        )
        self.assertEqual(ticket.reassignment_count, 1)


class TestTeamFollowsTheCategoryOnly(ItsmCase):
    def test_assigning_keeps_the_team_and_recategorising_moves_it(self):
        equipment = self.env.ref("itsm_incident.category_service_equipment")
        self.network_team.category_ids = equipment
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Switch port dead",
                "description": "x",
                "category_id": equipment.id,
                "team_id": self.desk_team.id,
            }
        )
        self.assertEqual(ticket.team_id, self.desk_team, "an explicit team is kept")
        ticket.user_id = self.users["agent"]
        self.assertEqual(ticket.team_id, self.desk_team, "assigning keeps the team")
        leaf = self.env.ref("itsm_incident.category_service_equipment_non_production")
        ticket.category_id = leaf
        self.assertEqual(ticket.team_id, self.network_team)
        form = Form(self.env["helpdesk.ticket"])
        form.category_id = leaf
        self.assertEqual(form.team_id, self.network_team)


class TestStageFollowsTheTeam(ItsmCase):
    def test_the_stage_follows_the_team_with_one_search_per_team(self):
        agent = self.users["agent"]
        field = self.env["helpdesk.ticket.team"].create(
            {"name": "Field service", "user_ids": [Command.set(agent.ids)]}
        )
        self.desk_team.user_ids |= agent
        Stage = self.env["helpdesk.ticket.stage"]
        triage = Stage.create(
            {"name": "Desk triage", "team_ids": [Command.set(self.desk_team.ids)]}
        )
        dispatched = Stage.create(
            {"name": "Dispatched", "sequence": 0, "team_ids": [Command.set(field.ids)]}
        )
        Ticket = self.env["helpdesk.ticket"]
        tickets = Ticket.create(
            [
                {
                    "name": f"Ticket {i}",
                    "description": "x",
                    "team_id": team.id,
                    # Screened (INC-2): moved between stages below.
                    "screening_state": "valid",
                    **CALLER,
                }
                for i in range(4)
                for team in (self.desk_team, field)
            ]
        )
        queries = []
        for batch in (tickets[:2], tickets[2:]):
            batch.user_id = self.users["resolver"]  # not a member of either
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            batch.user_id = agent
            self.env.flush_all()
            queries.append(self.env.cr.sql_log_count - before)
        self.assertEqual(queries[0], queries[1], "as many queries for 6 as for 2")
        self.assertEqual(tickets.user_id, agent)
        # A stage the new team does not use gives way to its first stage.
        moved = tickets[0]
        moved.stage_id = triage
        moved.team_id = field
        self.assertEqual(moved.stage_id, dispatched)
        kept = tickets[2]
        stage = kept.stage_id
        kept.team_id = field
        self.assertEqual(kept.stage_id, stage, "a stage of every team stays")


class TestAcknowledgementNotice(ItsmCase):
    def test_the_reporter_hears_the_ticket_is_acknowledged(self):
        ticket = self.screen(self.ticket_customer)
        ticket.with_user(self.users["resolver"]).action_acknowledge()
        told = ticket.message_ids.filtered(
            lambda m: "has been acknowledged" in (m.body or "")
        )
        self.assertEqual(len(told), 1)
        self.assertIn(self.portal_company, told.partner_ids)


# After the installation: assignees are only marked to be told once the
# registry is ready, never while modules are being installed.
@tagged("post_install", "-at_install")
class TestAssigneeNotices(ItsmCase):
    def test_one_notice_per_assignee_for_a_batch(self):
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "Storm", "user_ids": [Command.set([self.users["agent"].id])]}
        )
        Ticket = self.env["helpdesk.ticket"].with_context(tracking_disable=False)
        # The notices leave with a cron after each commit.
        send_notices = Ticket._cron_itsm_follow_up
        send_notices()  # those of the common fixtures
        single = Ticket.create({"name": "One", "description": "x", "team_id": team.id})
        send_notices()
        batch = Ticket.create(
            [
                {"name": f"Alert {i}", "description": "x", "team_id": team.id}
                for i in range(5)
            ]
        )
        send_notices()
        self.assertEqual(set(batch.user_id.ids), {self.users["agent"].id})
        notices = self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", (single | batch).ids),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.users["agent"].partner_id.ids),
            ]
        )
        self.assertEqual(len(notices), 2, "one for the single ticket, one digest")
        digest = notices.filtered(lambda m: "5 tickets" in (m.subject or ""))
        self.assertEqual(len(digest), 1)
        for ticket in batch:
            self.assertIn(ticket.display_name, digest.body)


class TestScreeningIsRequired(ItsmCase):
    """Screening is not optional (INC-2, S2 §5.4.1–5.4.2): an ITSM ticket
    to screen is not acknowledged, handled, resolved or closed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Customer C", "email": "it@customer-c.example.com"}
        )
        cls.env["hr.employee"].create(
            {
                "name": "resolver",
                "user_id": cls.users["resolver"].id,
                "department_id": cls.business.id,
            }
        )
        cls.in_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.resolved = cls.env.ref("itsm_incident.helpdesk_ticket_stage_resolved")
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.cancelled = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_cancelled")
        cls.rejected = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_rejected")

    def declare(self, **vals):
        """A P2 incident of the desk, assigned to the resolver, handled as
        far as its fields go: every action would work once screened."""
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.users["agent"])
            .create(
                {
                    "name": "Payroll export fails",
                    "description": "x",
                    "team_id": self.desk_team.id,
                    "partner_id": self.customer.id,
                    "user_id": self.users["resolver"].id,
                    "impact": "severe",
                    "urgency": "medium",
                    **vals,
                }
            )
        )
        ticket.sudo().write(
            {
                "fix_description": "Restarted the export job.",
                "verification_result": "The export ran.",
                "progress_note": "We restarted the export.",
                "handover_reason": "Needs the payroll vendor.",
                "resolution_cause": "A stuck job.",
                "resolution_measures": "Restarted it.",
                "resolution_result": "Exports work.",
                "resolution_prevention": "Watch the job.",
                "resolution_lessons": "Jobs need a watchdog.",
            }
        )
        return ticket

    def state(self, ticket):
        ticket.invalidate_recordset()
        return {
            "stage": ticket.stage_id,
            "user": ticket.user_id,
            "acknowledged_date": ticket.acknowledged_date,
            "verification_state": ticket.verification_state,
            "progress_date": ticket.progress_date,
            "handover_user_id": ticket.handover_user_id,
            "resolved_date": ticket.resolved_date,
            "screening_state": ticket.screening_state,
        }

    def test_an_unscreened_ticket_refuses_every_step(self):
        ticket = self.declare()
        self.assertEqual(ticket.screening_state, "to_screen")
        self.assertEqual(ticket.itsm_priority, "2")
        before = self.state(ticket)
        resolver = ticket.with_user(self.users["resolver"])
        steps = {
            "acknowledge": resolver.action_acknowledge,
            "verification passed": resolver.action_verify_passed,
            "verification failed": resolver.action_verify_failed,
            "progress update": resolver.action_send_progress_update,
            "hand-over": ticket.with_user(
                self.users["agent"]
            ).action_handover_to_manager,
            "resolve": resolver.action_resolve,
        }
        for stage in (self.in_progress, self.resolved, self.done, self.cancelled):
            steps[f"move to {stage.name}"] = lambda stage=stage: resolver.write(
                {"stage_id": stage.id}
            )
        steps["move to Done as the superuser"] = lambda: ticket.sudo().write(
            {"stage_id": self.done.id}
        )
        for name, step in steps.items():
            with self.subTest(step=name):
                with self.assertRaisesRegex(UserError, "Screen .* first") as caught:
                    step()
                self.assertIn(ticket.display_name, str(caught.exception))
                self.assertEqual(self.state(ticket), before, "nothing changed")

    def test_a_refusal_names_every_unscreened_ticket(self):
        first, second = self.declare(), self.declare(name="Mail bounces")
        screened = self.screen(self.declare(name="VPN drops"))
        tickets = (first | second | screened).with_user(self.users["resolver"])
        with self.assertRaisesRegex(UserError, "Screen .* first") as caught:
            tickets.action_acknowledge()
        message = str(caught.exception)
        self.assertIn(first.display_name, message)
        self.assertIn(second.display_name, message)
        self.assertNotIn(screened.display_name, message)
        self.assertFalse(screened.acknowledged_date, "nothing changed")
        # The stage already held is no move.
        first.write({"stage_id": first.stage_id.id, "name": "Payroll export"})
        self.assertEqual(first.name, "Payroll export")

    def test_after_valid_everything_works(self):
        ticket = self.screen(self.declare())
        self.assertEqual(ticket.screening_state, "valid")
        resolver = ticket.with_user(self.users["resolver"])
        resolver.action_acknowledge()
        self.assertEqual(ticket.acknowledged_by_id, self.users["resolver"])
        resolver.stage_id = self.in_progress
        resolver.action_send_progress_update()
        self.assertTrue(ticket.progress_date)
        resolver.action_verify_failed()
        self.assertEqual(ticket.verification_state, "failed")
        resolver.action_verify_passed()
        self.assertEqual(ticket.verification_state, "passed")
        resolver.action_resolve()
        self.assertEqual(ticket.stage_id, self.resolved)
        self.assertEqual(ticket.resolved_by_id, self.users["resolver"])

    def test_a_screened_ticket_is_handed_over(self):
        ticket = self.screen(self.declare())
        ticket.with_user(self.users["agent"]).action_handover_to_manager()
        self.assertEqual(ticket.handover_user_id, self.users["department_head"])

    def test_invalid_and_out_of_scope_still_close_it(self):
        self.env.company.itsm_sales_user_id = self.users["manager"]
        for outcome, stage in (
            ("invalid", self.rejected),
            ("out_of_scope", self.cancelled),
        ):
            with self.subTest(outcome=outcome):
                tickets = self.declare() | self.declare(name="Second")
                self.env["itsm.screening.wizard"].with_user(self.users["agent"]).create(
                    {
                        "ticket_ids": [Command.set(tickets.ids)],
                        "outcome": outcome,
                        "reason": "Not a fault of ours",
                    }
                ).action_apply()
                for ticket in tickets:
                    self.assertEqual(ticket.screening_state, outcome)
                    self.assertEqual(ticket.stage_id, stage)
        # Screened first, moved after: the wizard's order of writes passes too
        # (the outcome is the system's to write: sudo, as the wizard does).
        ticket = self.declare()
        ticket.sudo().write({"screening_state": "invalid", "screening_note": "Spam"})
        ticket.write({"stage_id": self.rejected.id})
        self.assertEqual(ticket.stage_id, self.rejected)

    def test_a_plain_team_is_not_affected(self):
        plain = self.env["helpdesk.ticket.team"].create(
            {"name": "Facilities", "is_itsm": False}
        )
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Broken chair", "description": "x", "team_id": plain.id}
        )
        self.assertFalse(ticket.is_itsm)
        self.assertEqual(ticket.screening_state, "to_screen", "the field's default")
        ticket.stage_id = self.in_progress
        ticket.stage_id = self.done
        self.assertEqual(ticket.stage_id, self.done)
        # Moved to an ITSM team in the same write: the rule applies.
        other = self.env["helpdesk.ticket"].create(
            {"name": "Broken lamp", "description": "x", "team_id": plain.id}
        )
        with self.assertRaisesRegex(UserError, "Screen .* first"):
            other.write({"team_id": self.desk_team.id, "stage_id": self.done.id})
        self.assertEqual(other.team_id, plain)

    def test_monitoring_alerts_are_valid_from_creation(self):
        source = self.env["itsm.event.source"].create(
            {"name": "Zabbix", "team_id": self.desk_team.id}
        )
        source._itsm_receive_events(
            parse_generic(
                {
                    "fingerprint": "db1-disk",
                    "status": "firing",
                    "severity": "high",
                    "summary": "Disk full on db1",
                }
            )
        )
        ticket = self.env["helpdesk.ticket"].search(
            [("event_source_id", "=", source.id)]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.screening_state, "valid")
        self.assertFalse(ticket.partner_id, "no reporter: none needed")
        ticket.with_user(self.users["resolver"]).action_acknowledge()
        self.assertTrue(ticket.acknowledged_date)

    def test_a_call_without_contact_details_waits_for_screening(self):
        wizard = self.env["itsm.phone.intake.wizard"].with_user(self.users["agent"])
        called = self.env["helpdesk.ticket"].browse(
            wizard.create(
                {
                    "partner_id": self.customer.id,
                    "name": "Scanner broken",
                    "description": "x",
                }
            ).action_create_ticket()["res_id"]
        )
        self.assertEqual(called.screening_state, "valid", "screened on the phone")
        unknown = self.env["helpdesk.ticket"].browse(
            wizard.create(
                {
                    "contact_name": "Mr Zhao",
                    "name": "Scanner broken",
                    "description": "x",
                }
            ).action_create_ticket()["res_id"]
        )
        self.assertEqual(unknown.screening_state, "to_screen", "no phone or e-mail")
