from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError

from .common import CALLER, ItsmCase, close_the_loop, office_calendar, utc


class TestTicketSla(ItsmCase):
    """Response and resolution clocks of a ticket (INC-8) in working time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.office = office_calendar(cls.env, "Office 9-18")
        cls.env.company.resource_calendar_id = cls.office
        cls.awaiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.in_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")

    def new_ticket(self, impact="minor", urgency="low"):
        """A phone declaration, screened as valid by the desk."""
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Printer offline",
                "description": "x",
                "team_id": self.desk_team.id,
                "impact": impact,
                "urgency": urgency,
                **CALLER,
            }
        )
        return self.screen(ticket)

    @freeze_time(utc(2026, 11, 20, 17, 30))  # Friday evening
    def test_deadlines_from_the_priority_in_working_time(self):
        ticket = self.new_ticket()  # P4: immediate, 1 hour
        self.assertEqual(ticket.response_deadline, utc(2026, 11, 23, 9, 30))
        self.assertEqual(ticket.resolution_deadline, utc(2026, 11, 23, 9, 30))
        self.assertIn("Level 4", ticket.sla_explanation)
        self.assertIn("Office 9-18", ticket.sla_explanation)
        self.assertEqual(ticket.sla_status, "on_track")

    def test_s2_hours_are_hours_of_the_clock(self):
        """S2: P1 < 24 hours and P2 < 72 hours are hours of the clock, not
        working hours (three working days would mean Thursday)."""
        with freeze_time(utc(2026, 11, 20, 18, 30)):  # Friday evening
            p1 = self.new_ticket(impact="severe", urgency="high")
            p2 = self.new_ticket(impact="moderate", urgency="high")
        self.assertEqual(p1.itsm_priority, "1")
        self.assertEqual(p1.resolution_deadline, utc(2026, 11, 21, 18, 30))
        self.assertEqual(p2.itsm_priority, "2")
        self.assertEqual(p2.resolution_deadline, utc(2026, 11, 23, 18, 30))
        self.assertIn("24 × 7", p1.sla_explanation)
        # An admin edits each level's targets and calendars.
        levels = self.env["itsm.priority"].get_views([(False, "list")])
        arch = levels["views"]["list"]["arch"]
        for fname in (
            "response_target_hours",
            "response_calendar_id",
            "resolution_target_hours",
            "resolution_calendar_id",
        ):
            self.assertIn(f'name="{fname}"', arch)

    def test_a_ticket_without_priority_has_no_clock_until_classified(self):
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            ticket = self.new_ticket(impact=False, urgency=False)
            self.assertFalse(ticket.resolution_deadline)
            self.assertFalse(ticket.sla_status)
        with freeze_time(utc(2026, 11, 23, 10, 0)):
            ticket.write({"impact": "minor", "urgency": "low"})
        self.assertEqual(ticket.resolution_deadline, utc(2026, 11, 23, 11, 0))

    def test_waiting_on_the_customer_pauses_and_resumes(self):
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            ticket = self.new_ticket()
        with freeze_time(utc(2026, 11, 23, 9, 20)):
            ticket.stage_id = self.awaiting
            self.assertEqual(ticket.sla_status, "paused")
        with freeze_time(utc(2026, 11, 24, 14, 0)):  # the next day
            ticket.stage_id = self.in_progress
        # 20 minutes used, 40 left from Tuesday 14:00
        self.assertEqual(ticket.resolution_deadline, utc(2026, 11, 24, 14, 40))
        self.assertIn(
            "20 working minutes were used before a pause", ticket.sla_explanation
        )
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        self.assertIn("四级", ticket.with_context(lang="zh_CN").sla_explanation)

    def test_priority_change_retargets_with_the_time_used(self):
        self.env.ref("itsm_incident.itsm_priority_2").write(
            {"resolution_target_hours": 4, "resolution_calendar_id": self.office.id}
        )
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            ticket = self.new_ticket()
        with freeze_time(utc(2026, 11, 23, 9, 30)):
            ticket.write({"impact": "moderate", "urgency": "high"})  # P2
        self.assertEqual(ticket.itsm_priority, "2")
        self.assertEqual(ticket.resolution_deadline, utc(2026, 11, 23, 13, 0))
        self.assertIn("Level 2", ticket.sla_explanation)

    def test_acknowledging_meets_the_response_target(self):
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            ticket = self.new_ticket()
        with freeze_time(utc(2026, 11, 23, 9, 45)):
            ticket.with_user(self.users["resolver"]).action_acknowledge()
        self.assertTrue(ticket.response_met)
        late = None
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            late = self.new_ticket()
        with freeze_time(utc(2026, 11, 23, 10, 30)):
            late.action_acknowledge()
        self.assertFalse(late.response_met)
        self.assertEqual(late.sla_breached_at, utc(2026, 11, 23, 10, 30))

    def test_closing_records_met_and_reopening_runs_the_clock_again(self):
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            ticket = self.new_ticket()
        with freeze_time(utc(2026, 11, 23, 9, 30)):
            close_the_loop(ticket).stage_id = self.done
        self.assertTrue(ticket.resolution_met)
        self.assertEqual(ticket.sla_status, "met")
        with freeze_time(utc(2026, 11, 23, 11, 0)):
            ticket.stage_id = self.in_progress  # reopened: 30 minutes left
        self.assertEqual(ticket.resolution_deadline, utc(2026, 11, 23, 11, 30))
        self.assertFalse(ticket.resolution_met)

    def test_breach_is_seen_live_searched_and_recorded_by_the_sweep(self):
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            ticket = self.new_ticket()
            on_time = self.new_ticket()
        on_time.action_acknowledge()
        with freeze_time(utc(2026, 11, 23, 9, 50)):
            Ticket = self.env["helpdesk.ticket"]
            warned = Ticket.search([("sla_status", "=", "warning")])
            self.assertIn(ticket, warned)
        with freeze_time(utc(2026, 11, 23, 10, 1)):
            ticket.invalidate_recordset(["sla_status"])
            self.assertEqual(ticket.sla_status, "breached")
            breached = self.env["helpdesk.ticket"].search(
                [("sla_status", "=", "breached")]
            )
            self.assertIn(ticket, breached)
            self.env["itsm.deadline"]._cron_sweep()
        self.assertEqual(ticket.sla_breached_at, utc(2026, 11, 23, 10, 0))

    def test_warning_share_is_a_setting_and_must_be_sensible(self):
        settings = self.env["res.config.settings"].create(
            {"itsm_sla_warning_share": 0.5}
        )
        settings.execute()
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            ticket = self.new_ticket()
        deadline = ticket._itsm_deadlines("resolution")
        self.assertEqual(deadline.warn_at, utc(2026, 11, 23, 9, 30))
        with self.assertRaisesRegex(ValidationError, "before the deadline"):
            self.env["res.config.settings"].create(
                {"itsm_sla_warning_share": 1.5}
            ).execute()

    def test_warning_and_breach_notices_to_handler_and_manager(self):
        manager = self.users["manager"]
        manager_employee = self.env["hr.employee"].create(
            {"name": "IT manager", "user_id": manager.id}
        )
        self.it.manager_id = manager_employee
        self.env["hr.employee"].create(
            {
                "name": "Engineer",
                "user_id": self.users["resolver"].id,
                "department_id": self.it.id,
            }
        )
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            ticket = self.new_ticket()
            ticket.user_id = self.users["resolver"]
        ticket.action_acknowledge()  # leaves only the resolution clock running

        def notices(partner, subject):
            return self.env["mail.mail"].search(
                [
                    ("res_id", "=", ticket.id),
                    ("model", "=", "helpdesk.ticket"),
                    ("recipient_ids", "in", partner.ids),
                    ("subject", "ilike", subject),
                ]
            )

        with freeze_time(utc(2026, 11, 23, 9, 40)):  # 75 % of one hour: 09:45
            self.env["itsm.deadline"]._cron_sweep()
        self.assertFalse(notices(self.users["resolver"].partner_id, "SLA warning"))
        with freeze_time(utc(2026, 11, 23, 9, 46)):
            self.env["itsm.deadline"]._cron_sweep()
            self.env["itsm.deadline"]._cron_sweep()
        self.assertEqual(
            len(notices(self.users["resolver"].partner_id, "SLA warning")), 1
        )
        self.assertEqual(len(notices(manager.partner_id, "SLA warning")), 1)
        with freeze_time(utc(2026, 11, 23, 10, 1)):
            self.env["itsm.deadline"]._cron_sweep()
        self.assertEqual(len(notices(manager.partner_id, "SLA breached")), 1)
        self.assertIn(manager, ticket.activity_ids.user_id)

    def test_a_customer_service_level_replaces_the_priority_targets(self):
        gold = self.env["itsm.service.level"].create(
            {
                "name": "Gold",
                "line_ids": [
                    Command.create(
                        {
                            "priority_id": self.env.ref(
                                "itsm_incident.itsm_priority_4"
                            ).id,
                            "response_hours": 0.25,
                            "resolution_hours": 0.5,
                        }
                    )
                ],
            }
        )
        self.portal_company.itsm_service_level_id = gold
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            ticket = self.env["helpdesk.ticket"].create(
                {
                    "name": "Tills offline",
                    "description": "x",
                    "partner_id": self.users["portal"].partner_id.id,
                    "impact": "minor",
                    "urgency": "low",
                }
            )
            other = self.new_ticket()
        self.assertEqual(ticket.response_deadline, utc(2026, 11, 23, 9, 15))
        self.assertEqual(ticket.resolution_deadline, utc(2026, 11, 23, 9, 30))
        self.assertIn("Gold", ticket.sla_explanation)
        self.assertEqual(other.resolution_deadline, utc(2026, 11, 23, 10, 0))

    def test_service_level_targets_must_make_sense(self):
        level = self.env["itsm.service.level"].create({"name": "Silver"})
        with self.assertRaisesRegex(ValidationError, "response cannot come after"):
            level.line_ids = [
                Command.create(
                    {
                        "priority_id": self.env.ref("itsm_incident.itsm_priority_2").id,
                        "response_hours": 8,
                        "resolution_hours": 4,
                    }
                )
            ]

    def test_p3_is_a_calendar_month(self):
        """S2: P3 < 1 month is a calendar month, to the same day and time of
        the next month, the month's last day when it is shorter."""
        p3 = self.env.ref("itsm_incident.itsm_priority_3")
        self.assertEqual(p3.resolution_target_unit, "months")
        self.assertEqual(p3.resolution_target_display, "1 month")
        for created, due in (
            (utc(2027, 1, 31, 10, 0), utc(2027, 2, 28, 10, 0)),
            (utc(2028, 1, 31, 10, 0), utc(2028, 2, 29, 10, 0)),  # leap year
            (utc(2027, 3, 15, 10, 0), utc(2027, 4, 15, 10, 0)),
        ):
            with self.subTest(created=created), freeze_time(created):
                ticket = self.new_ticket(impact="moderate", urgency="medium")
                self.assertEqual(ticket.itsm_priority, "3")
                self.assertEqual(ticket.resolution_deadline, due)
                clock = ticket._itsm_deadline_clocks(["resolution"])
                self.assertEqual(clock.target_minutes, (due - created).days * 24 * 60)
        self.assertIn("resolution within 1 month", ticket.sla_explanation)
        self.assertIn("“24 × 7”", ticket.sla_explanation)
        self.assertEqual(ticket.resolution_target_display, "1 month")
        # An admin may make it two months, or hours again.
        levels = self.env["itsm.priority"].get_views([(False, "list")])
        arch = levels["views"]["list"]["arch"]
        for fname in ("resolution_target_unit", "resolution_target_months"):
            self.assertIn(f'name="{fname}"', arch)
        p3.resolution_target_months = 2
        self.assertEqual(p3.resolution_target_display, "2 months")

    def test_a_retargeted_month_counts_from_the_start(self):
        with freeze_time(utc(2027, 1, 31, 10, 0)):
            ticket = self.new_ticket(impact="moderate", urgency="high")  # P2
        self.assertEqual(ticket.resolution_deadline, utc(2027, 2, 3, 10, 0))
        with freeze_time(utc(2027, 2, 1, 10, 0)):
            ticket.write({"urgency": "medium"})  # P3
        self.assertEqual(ticket.resolution_deadline, utc(2027, 2, 28, 10, 0))

    def sla_warning_setup(self):
        """A P3 ticket of customer Ms Lin (in Chinese), nobody handling it,
        whose resolution clock (1 February to 1 March) reaches its warning:
        75 % of 28 days."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        customer = self.env["res.partner"].create(
            {
                "name": "Ms Lin",
                "email": "lin@example.com",
                "lang": "zh_CN",
                "tz": "Asia/Shanghai",
            }
        )
        self.desk_team.user_id = self.users["agent"]
        with freeze_time(utc(2027, 2, 1, 10, 0)):
            ticket = self.new_ticket(impact="moderate", urgency="medium")
            ticket.action_acknowledge()  # leaves the resolution clock running
            # Nobody handles it (acknowledging made the desk's user handler).
            ticket.write({"partner_id": customer.id, "user_id": False})
        with freeze_time(utc(2027, 2, 22, 10, 1)):  # 21 of 28 days
            self.env["itsm.deadline"]._cron_sweep()
        return ticket, customer

    def notices(self, ticket, partner):
        return self.env["mail.mail"].search(
            [
                ("res_id", "=", ticket.id),
                ("model", "=", "helpdesk.ticket"),
                ("recipient_ids", "in", partner.ids),
            ]
        )

    def test_the_customer_is_warned_in_their_language(self):
        """S2 §5.4.6: the customer is warned too, in their words: when their
        request is due, not the desk's internals."""
        ticket, customer = self.sla_warning_setup()
        self.assertEqual(ticket.user_id, self.env["res.users"])
        to_customer = self.notices(ticket, customer)
        self.assertEqual(len(to_customer), 1)
        self.assertIn(ticket.number, to_customer.subject)
        self.assertIn("我们正在处理", to_customer.subject)
        self.assertIn("预计解决时间", to_customer.body_html)
        # Due 1 March 10:00 in the customer's time zone, in Chinese.
        self.assertIn("2027年03月01日 10时00分", to_customer.body_html)
        for internal in ("Handler", "处理人", "SLA"):
            self.assertNotIn(internal, to_customer.body_html)
        rule = self.env.ref("itsm_incident.escalation_rule_sla_warning_customer")
        self.assertEqual(rule.recipient_type, "customer")
        self.assertEqual(rule.deadline_kind, "resolution")

    def test_an_unassigned_ticket_warns_the_team_leader(self):
        """Nobody handles the ticket yet: its department manager is the team
        leader, who hears the warning (it used to reach nobody)."""
        ticket, _customer = self.sla_warning_setup()
        leader = self.users["agent"].partner_id
        warnings = self.notices(ticket, leader).filtered(
            lambda mail: "SLA" in mail.subject
        )
        self.assertEqual(len(warnings), 1)
        log = self.env["itsm.escalation.log"].search(
            [
                ("res_id", "=", ticket.id),
                (
                    "rule_id",
                    "=",
                    self.env.ref(
                        "itsm_incident.escalation_rule_sla_warning_manager"
                    ).id,
                ),
            ]
        )
        self.assertEqual(len(log), 1)
        # A handler with a department manager: the manager, not the leader.
        Rule = self.env["itsm.escalation.rule"]
        rule = self.env.ref("itsm_incident.escalation_rule_sla_warning_manager")
        self.assertEqual(rule._recipients(ticket)[ticket.id], leader)
        ticket.user_id = self.users["reporter"]  # in Business, under its head
        self.assertEqual(
            rule._recipients(ticket)[ticket.id],
            self.users["department_head"].partner_id,
        )
        supervisor = Rule.new({"recipient_type": "supervisor"})
        ticket.user_id = False
        self.assertEqual(supervisor._recipients(ticket)[ticket.id], leader)
