from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError

from .common import ItsmCase, close_the_loop, follow_up, screen

LADDER = {
    "itsm_incident.escalation_rule_supervisor_5",
    "itsm_incident.escalation_rule_department_manager_15",
    "itsm_incident.escalation_rule_division_leader_30",
    "itsm_incident.escalation_rule_all_departments_30",
}


class TestEscalationLadder(ItsmCase):
    """S4's fault ladder (INC-9): each rung fires once, to the people the org
    chart names at that moment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Employee = cls.env["hr.employee"]
        cls.employees["manager"] = Employee.create(
            {"name": "IT manager", "user_id": cls.users["manager"].id}
        )
        cls.it.manager_id = cls.employees["manager"]
        cls.employees["agent"] = Employee.create(
            {
                "name": "Desk lead",
                "user_id": cls.users["agent"].id,
                "department_id": cls.it.id,
                "parent_id": cls.employees["manager"].id,
            }
        )
        cls.employees["resolver"] = Employee.create(
            {
                "name": "Engineer",
                "user_id": cls.users["resolver"].id,
                "department_id": cls.it.id,
                "parent_id": cls.employees["agent"].id,
            }
        )
        cls.fault = cls.env["helpdesk.ticket"].create(
            {
                "name": "Core switch down",
                "description": "x",
                "declaration_type": "incident",
                "is_fault": True,
                "team_id": cls.desk_team.id,
                "user_id": cls.users["resolver"].id,
                "partner_id": cls.portal_company.id,
                "contact_phone": "+86 21 5555 0100",
            }
        )
        # Screened as valid (INC-2): the ladder is about what follows.
        screen(cls.fault, cls.users["agent"])
        cls.created = cls.fault.create_date
        cls.users["manager"].email = "it.manager@example.com"
        cls.users["division_leader"].partner_id.mobile = "+86 138 0000 0001"
        cls.Rule = cls.env["itsm.escalation.rule"]

    def sweep(self, minutes):
        with freeze_time(self.created + timedelta(minutes=minutes)):
            self.env["itsm.deadline"]._cron_sweep()

    def fired(self, ticket=None):
        logs = self.env["itsm.escalation.log"].search(
            [("ticket_id", "=", (ticket or self.fault).id)]
        )
        return {log.rule_id.get_external_id()[log.rule_id.id] for log in logs}

    def mails_to(self, partner, subject="Escalation"):
        """The notices of the ladder sent to ``partner`` (not the helpdesk's
        own notifications)."""
        return self.env["mail.mail"].search(
            [
                ("res_id", "=", self.fault.id),
                ("model", "=", "helpdesk.ticket"),
                ("recipient_ids", "in", partner.ids),
                ("subject", "ilike", subject),
            ]
        )

    def test_the_ladder_rung_by_rung_once_each(self):
        supervisor = self.users["agent"]
        manager = self.users["manager"]
        leader = self.users["division_leader"]
        self.sweep(4)
        self.assertEqual(self.fired(), set())
        self.sweep(6)
        self.assertEqual(self.fired(), {"itsm_incident.escalation_rule_supervisor_5"})
        self.assertEqual(len(self.mails_to(supervisor.partner_id)), 1)
        self.assertIn(supervisor, self.fault.activity_ids.user_id)
        self.sweep(7)
        self.assertEqual(len(self.mails_to(supervisor.partner_id)), 1, "once, ever")
        self.sweep(16)
        self.assertEqual(len(self.mails_to(manager.partner_id)), 1)
        self.sweep(31)
        # The division leader's own rung, and the notice to every department
        # manager (with IT management in copy) that the fault is not removed.
        to_leader = self.mails_to(leader.partner_id, "[")
        self.assertEqual(len(to_leader), 2)
        self.assertIn(manager.email, to_leader.filtered("email_cc").email_cc)
        notice = self.mails_to(leader.partner_id, "Fault notice")
        self.assertIn("not removed yet", notice.body_html)
        texts = self.env["sms.sms"].search(
            [
                ("partner_id", "=", leader.partner_id.id),
                ("body", "ilike", self.fault.number),
            ]
        )
        self.assertEqual(texts.number, "+86 138 0000 0001")
        self.assertIn("Fault not removed yet", texts.body)
        self.assertEqual(
            self.fired(),
            {
                "itsm_incident.escalation_rule_supervisor_5",
                "itsm_incident.escalation_rule_department_manager_15",
                "itsm_incident.escalation_rule_division_leader_30",
                "itsm_incident.escalation_rule_all_departments_30",
            },
        )
        notices = self.fault.message_ids.filtered(lambda m: "Escalation" in m.body)
        logged = "".join(notices.mapped("body"))
        for xmlid in self.fired():
            rule = self.env.ref(xmlid)
            self.assertEqual(
                logged.count(f"Escalation “{rule.name}”"),
                1,
                "each rung is logged on the ticket, once",
            )
        # One note per sweep: the two rungs of the 31st minute share one.
        self.assertEqual(len(notices), 3)

    def test_acknowledging_does_not_silence_a_fault_not_removed(self):
        """S4's rungs mean "not removed" (不能处理): a fault acknowledged at
        2 minutes and still down climbs the ladder. (It used to stop it.)"""
        with freeze_time(self.created + timedelta(minutes=2)):
            self.fault.with_user(self.users["resolver"]).action_acknowledge()
        self.sweep(16)
        self.assertEqual(
            self.fired(),
            {
                "itsm_incident.escalation_rule_supervisor_5",
                "itsm_incident.escalation_rule_department_manager_15",
            },
        )
        self.sweep(31)
        self.assertEqual(self.fired(), LADDER)

    def test_a_fault_resolved_at_10_minutes_climbs_no_further(self):
        self.sweep(6)
        with freeze_time(self.created + timedelta(minutes=10)):
            close_the_loop(self.fault).with_user(
                self.users["resolver"]
            ).stage_id = self.env.ref("itsm_incident.helpdesk_ticket_stage_resolved")
        self.sweep(60)
        # No rung after the resolution; the resolution is the recovery,
        # whose notice goes to the customer (S4).
        self.assertEqual(
            self.fired(),
            {
                "itsm_incident.escalation_rule_supervisor_5",
                "itsm_incident.escalation_rule_recovered",
            },
        )
        self.assertFalse(self.mails_to(self.users["division_leader"].partner_id, "["))

    def test_waiting_on_the_customer_is_not_unhandled(self):
        with freeze_time(self.created + timedelta(minutes=1)):
            self.fault.stage_id = self.env.ref(
                "helpdesk_mgmt.helpdesk_ticket_stage_awaiting"
            )
        self.sweep(31)
        self.assertEqual(self.fired(), set())

    def test_the_ladder_pages_for_faults_only(self):
        Ticket = self.env["helpdesk.ticket"]
        values = {"description": "x", "team_id": self.desk_team.id}
        p1 = Ticket.create(
            dict(values, name="Billing down", impact="severe", urgency="high")
        )
        p3 = Ticket.create(
            dict(values, name="Printer jams", impact="moderate", urgency="medium")
        )
        request = Ticket.create(
            dict(
                values,
                name="New laptop",
                impact="severe",
                urgency="high",
                declaration_type="service_request",
            )
        )
        self.assertEqual((p1.is_fault, p3.is_fault, request.is_fault), (1, 0, 0))
        with freeze_time(p3.create_date + timedelta(minutes=31)):
            self.env["itsm.deadline"]._cron_sweep()
        self.assertEqual(self.fired(p3), set(), "a printer jam pages nobody")
        self.assertEqual(self.fired(request), set())
        self.assertIn(
            "itsm_incident.escalation_rule_all_departments_30", self.fired(p1)
        )

    def test_each_recipient_reads_the_rung_in_their_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        leader = self.users["division_leader"]
        leader.lang = "zh_CN"
        self.sweep(31)
        rule = self.env.ref("itsm_incident.escalation_rule_division_leader_30")
        to_leader = self.mails_to(leader.partner_id, "升级")
        self.assertEqual(len(to_leader), 1)
        self.assertIn(rule.with_context(lang="zh_CN").name, to_leader.body_html)
        manager = self.users["manager"]
        to_manager = self.mails_to(manager.partner_id)
        self.assertEqual(len(to_manager), 1)
        self.assertIn(
            "Fault not handled within 15 minutes", to_manager.body_html, "English"
        )

    def test_a_closed_ticket_escalates_no_more(self):
        """Closed: no rung climbs; a fault closed by hand has recovered, and
        its customers hear it (S4; this used to send nothing)."""
        close_the_loop(self.fault).stage_id = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_done"
        )
        self.sweep(60)
        self.assertEqual(self.fired(), {"itsm_incident.escalation_rule_recovered"})

    def test_the_recovery_notice_goes_out_at_the_moment_of_recovery(self):
        """A fault reported by phone and resolved by hand at 10 minutes: the
        sweep is woken at that moment (an exact-time trigger, not the
        5-minute safety sweep) and the notice goes out then, once."""
        cron = self.env.ref("itsm_incident.ir_cron_itsm_deadline_sweep")
        self.env.cr.precommit.run()
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", cron.id)])
        resolved_at = (self.created + timedelta(minutes=10)).replace(microsecond=0)
        with freeze_time(resolved_at):
            close_the_loop(self.fault).with_user(
                self.users["resolver"]
            ).stage_id = self.env.ref("itsm_incident.helpdesk_ticket_stage_resolved")
        self.assertEqual(self.fault.fault_recovered_date, resolved_at)
        self.env.cr.precommit.run()
        triggers = Trigger.search([("cron_id", "=", cron.id)]) - before
        self.assertIn(resolved_at, triggers.mapped("call_at"))
        self.sweep(10)
        self.assertIn("itsm_incident.escalation_rule_recovered", self.fired())
        self.assertEqual(
            len(self.mails_to(self.portal_company, "Service recovered")), 1
        )
        self.sweep(12)
        self.assertEqual(
            len(self.mails_to(self.portal_company, "Service recovered")), 1
        )

    def test_no_recovery_notice_for_what_is_not_a_fault(self):
        self.fault.is_fault = False
        with freeze_time(self.created + timedelta(minutes=10)):
            close_the_loop(self.fault).stage_id = self.env.ref(
                "itsm_incident.helpdesk_ticket_stage_resolved"
            )
        self.assertFalse(self.fault.fault_recovered_date)
        self.sweep(60)
        self.assertNotIn("itsm_incident.escalation_rule_recovered", self.fired())

    def test_the_fault_explanation_notice(self):
        """S4's 故障说明通告: prepared from the resolution record for the
        affected customers, for the handler to read over and send."""
        with freeze_time(self.created + timedelta(minutes=10)):
            close_the_loop(self.fault).stage_id = self.env.ref(
                "itsm_incident.helpdesk_ticket_stage_resolved"
            )
        action = self.fault.with_user(
            self.users["resolver"]
        ).action_itsm_fault_explanation()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.users["resolver"])
            .with_context(**action["context"])
            .create({})
        )
        self.assertIn("Fault explanation", composer.subject)
        self.assertIn("A faulty part.", composer.body)
        self.assertIn("Replaced it.", composer.body)
        self.assertIn(self.portal_company, composer.partner_ids)

    def test_recovery_notice_to_the_customer(self):
        self.fault.write(
            {"event_recovered": True, "event_recovered_date": self.created}
        )
        self.fault.message_subscribe(partner_ids=self.users["reporter"].partner_id.ids)
        self.sweep(1)
        self.assertIn("itsm_incident.escalation_rule_recovered", self.fired())
        mail = self.mails_to(self.portal_company, "Service recovered")
        self.assertIn("Service recovered", mail.subject)
        self.assertIn(self.users["reporter"].partner_id, mail.recipient_ids)

    def test_the_org_chart_is_read_when_the_rung_fires(self):
        new_supervisor = self.users["manager"]
        self.employees["resolver"].parent_id = self.employees["manager"]
        self.sweep(6)
        self.assertEqual(len(self.mails_to(new_supervisor.partner_id)), 1)
        self.assertFalse(self.mails_to(self.users["agent"].partner_id))

    def test_raise_priority_and_reassign_actions(self):
        self.fault.write({"impact": "moderate", "urgency": "medium"})  # P3
        self.Rule.create(
            {
                "name": "Raise after 10 minutes",
                "trigger": "unresolved",
                "threshold_minutes": 10,
                "recipient_type": "users",
                "user_ids": [self.users["manager"].id],
                "raise_priority": True,
                "reassign_user_id": self.users["agent"].id,
            }
        )
        self.sweep(11)
        self.assertEqual(self.fault.itsm_priority, "2")
        self.assertEqual(self.fault.user_id, self.users["agent"])

    def test_bad_rule_configuration_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "choose the group"):
            self.Rule.create(
                {
                    "name": "To a group",
                    "threshold_minutes": 5,
                    "recipient_type": "group",
                }
            )
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.Rule.create(
                {
                    "name": "Back in time",
                    "threshold_minutes": -5,
                    "recipient_type": "supervisor",
                }
            )

    def test_the_notice_renders_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        self.users["agent"].lang = "zh_CN"
        self.users["resolver"].lang = "zh_CN"
        self.sweep(6)
        mail = self.mails_to(self.users["agent"].partner_id, "升级")
        self.assertEqual(len(mail), 1)
        self.assertIn("优先级", mail.body_html)


class TestRecurrence(ItsmCase):
    def report(self, category, partner):
        """An incident, counted as right after its commit."""
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Tills offline again",
                "description": "x",
                "category_id": category.id,
                "partner_id": partner.id,
                "team_id": self.desk_team.id,
            }
        )
        follow_up(self.env)
        return ticket

    def test_recurrence_is_counted_per_category_and_customer(self):
        tills = self.env.ref(
            "itsm_incident.category_service_equipment_online_production"
        )
        other = self.env.ref("itsm_incident.category_service_equipment_non_production")
        first = self.report(tills, self.portal_company)
        second = self.report(tills, self.portal_company)
        unrelated = self.report(other, self.portal_company)
        elsewhere = self.report(tills, self.other_company)
        third = self.report(tills, self.portal_company)
        self.assertEqual(
            [first.recurrence_count, second.recurrence_count, third.recurrence_count],
            [1, 2, 3],
        )
        self.assertEqual(
            (unrelated.recurrence_count, elsewhere.recurrence_count), (1, 1)
        )

    def test_one_transaction_counts_in_order_and_a_recount_changes_nothing(self):
        tills = self.env.ref(
            "itsm_incident.category_service_equipment_online_production"
        )
        batch = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Till {i} offline",
                    "description": "x",
                    "category_id": tills.id,
                    "partner_id": self.portal_company.id,
                }
                for i in range(3)
            ]
        )
        self.assertEqual(batch.mapped("recurrence_count"), [0, 0, 0], "not yet")
        follow_up(self.env)
        self.assertEqual(batch.mapped("recurrence_count"), [1, 2, 3])
        later = self.report(tills, self.portal_company)
        self.assertEqual(later.recurrence_count, 4)
        # A ticket followed up again (it became severe) keeps its count.
        batch[0].impact = "severe"
        follow_up(self.env)
        self.assertEqual((batch | later).mapped("recurrence_count"), [1, 2, 3, 4])

    def test_window_is_a_setting(self):
        tills = self.env.ref(
            "itsm_incident.category_service_equipment_online_production"
        )
        first = self.report(tills, self.portal_company)
        # Reported ten days ago (create_date is not writable through the ORM).
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = create_date - interval '10 days'"
            " WHERE id = %s",
            [first.id],
        )
        first.invalidate_recordset(["create_date"])
        self.env["ir.config_parameter"].set_param(
            "itsm_incident.recurrence_window_days", "7"
        )
        self.assertEqual(self.report(tills, self.portal_company).recurrence_count, 1)

    def test_third_recurrence_is_reported_to_the_supervisor(self):
        tills = self.env.ref(
            "itsm_incident.category_service_equipment_online_production"
        )
        tickets = [self.report(tills, self.portal_company) for _i in range(3)]
        rule = self.env.ref("itsm_incident.escalation_rule_recurring_fault")
        with freeze_time(tickets[-1].create_date + timedelta(minutes=1)):
            self.env["itsm.escalation.rule"]._run_due()
        fired = self.env["itsm.escalation.log"].search([("rule_id", "=", rule.id)])
        self.assertEqual(fired.ticket_id, tickets[-1])
