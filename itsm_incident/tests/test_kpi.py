from freezegun import freeze_time

from odoo.exceptions import AccessError

from .common import ItsmCase, close_the_loop, follow_up, office_calendar, utc


class KpiCase(ItsmCase):
    """A known data set, computed by hand.

    Priority 3 (moderate impact, medium urgency): respond within 1 working
    hour, resolve within 4, Monday to Friday 9:00-18:00 in Shanghai.

    Business (reporter's department):
      A  reported Fri 20 Nov 16:00, acknowledged 16:30 (0.5 h, met), closed
         Mon 23 Nov 10:00: 2 h on Friday + 1 h on Monday = 3 h (met). Rated 5.
      B  reported Mon 9:00, acknowledged 11:00 (2 h, missed), closed 15:00
         (5 h: 9-15 less no lunch break = 6 h, missed). Rated 3.
      C  reported Tue 24 Nov 9:00, same category and customer as A, which
         had been closed: a recurrence. Still open.
    IT (other reporter's department):
      D  reported Tue 9:00, acknowledged 9:06 (0.1 h), closed 10:00 (1 h).
         Two escalation rungs fired. Not rated.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.office = office_calendar(cls.env, "Office 9-18")
        cls.env.company.resource_calendar_id = cls.office
        cls.env.ref("itsm_incident.itsm_priority_3").write(
            {
                "response_target_hours": 1,
                # P3 is seeded as 1 month; these tests want 4 hours.
                "resolution_target_unit": "hours",
                "resolution_target_hours": 4,
                "response_calendar_id": cls.office.id,
                "resolution_calendar_id": cls.office.id,
            }
        )
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.category = cls.env["helpdesk.ticket.category"].create({"name": "Printing"})
        reporter = cls.users["reporter"].partner_id
        other = cls.users["other_reporter"].partner_id
        cls.a = cls.make(reporter, utc(2026, 11, 20, 16), utc(2026, 11, 20, 16, 30))
        cls.close(cls.a, utc(2026, 11, 23, 10))
        cls.b = cls.make(reporter, utc(2026, 11, 23, 9), utc(2026, 11, 23, 11))
        cls.close(cls.b, utc(2026, 11, 23, 15))
        cls.c = cls.make(reporter, utc(2026, 11, 24, 9))
        cls.d = cls.make(other, utc(2026, 11, 24, 9), utc(2026, 11, 24, 9, 6))
        cls.close(cls.d, utc(2026, 11, 24, 10))
        cls.rate(cls.a, 5)
        cls.rate(cls.b, 3)
        rules = cls.env["itsm.escalation.rule"].search(
            [("model_name", "=", "helpdesk.ticket")], limit=2
        )
        cls.env["itsm.escalation.log"].create(
            [
                {
                    "rule_id": rule.id,
                    "res_model": "helpdesk.ticket",
                    "res_id": cls.d.id,
                    "ticket_id": cls.d.id,
                    "fired_at": utc(2026, 11, 24, 9, 5),
                }
                for rule in rules
            ]
        )
        cls.tickets = cls.a | cls.b | cls.c | cls.d
        follow_up(cls.env)
        cls.env["itsm.kpi.summary"]._refresh()

    @classmethod
    def make(cls, partner, reported, acknowledged=None):
        with freeze_time(reported):
            ticket = cls.env["helpdesk.ticket"].create(
                {
                    "name": "Printer jammed",
                    "description": "x",
                    "partner_id": partner.id,
                    "category_id": cls.category.id,
                    "user_id": cls.users["resolver"].id,
                    "impact": "moderate",
                    "urgency": "medium",
                    # Screened (INC-2): the data set is about what follows.
                    "screening_state": "valid",
                }
            )
        # The database clock writes create_date; the report reads it.
        ticket.flush_recordset()
        cls.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
            (reported, ticket.id),
        )
        ticket.invalidate_recordset(["create_date"])
        if acknowledged:
            with freeze_time(acknowledged):
                ticket.with_user(cls.users["agent"]).action_acknowledge()
        return ticket

    @classmethod
    def close(cls, ticket, at):
        # Resolved and closed at once: the reporter confirmed right away.
        with freeze_time(at):
            close_the_loop(ticket).action_resolve()
            ticket.stage_id = cls.done
        ticket.flush_recordset()

    @classmethod
    def rate(cls, ticket, value):
        cls.env["rating.rating"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("helpdesk.ticket"),
                "res_id": ticket.id,
                # The reporter's: the KPIs count no one else's (H4).
                "partner_id": ticket.partner_id.id,
                "rating": value,
                "consumed": True,
            }
        )

    def kpi(
        self,
        user=None,
        groupby=("department_id",),
        model="itsm.kpi.report",
        domain=None,
    ):
        """{group: {measure: value}} of the pivot's read_group: of the tickets
        of the known data set, or of the departments with ``model``."""
        Kpi = self.env[model]
        if user:
            Kpi = Kpi.with_user(user)
        measures = [
            "__count",
            "response_hours:avg",
            "resolution_hours:avg",
            "on_time_rate:avg",
            "response_rate:avg",
            "sla_rate:avg",
            "satisfaction:avg",
            "recurrence_rate:avg",
            "escalation_level:max",
        ]
        names = [m.split(":")[0] for m in measures]
        return {
            group[0]: dict(zip(names, values, strict=True))
            for *group, values in (
                (*row[: len(groupby)], row[len(groupby) :])
                for row in Kpi._read_group(
                    domain
                    or (
                        [("ticket_id", "in", self.tickets.ids)]
                        if model == "itsm.kpi.report"
                        else [("department_id", "in", (self.business | self.it).ids)]
                    ),
                    list(groupby),
                    measures,
                )
            )
        }


class TestKpi(KpiCase):
    def test_facts_per_ticket_in_working_time(self):
        facts = self.env["itsm.kpi.report"].search(
            [("ticket_id", "in", self.tickets.ids)]
        )
        a = facts.filtered(lambda f: f.ticket_id == self.a)
        # Across the weekend: Friday 16-18 and Monday 9-10.
        self.assertAlmostEqual(a.resolution_hours, 3.0)
        self.assertAlmostEqual(a.response_hours, 0.5)
        self.assertTrue(a.resolution_met and a.response_met)
        self.assertEqual(a.on_time_rate, 100)
        self.assertEqual(a.satisfaction, 5)
        self.assertEqual(a.department_id, self.business)
        self.assertEqual(a.closed_date, utc(2026, 11, 23, 10))
        self.assertEqual(a.resolved_date, utc(2026, 11, 23, 10))
        self.assertEqual(a.itsm_priority, "3")
        c = facts.filtered(lambda f: f.ticket_id == self.c)
        self.assertTrue(c.is_recurrence)
        self.assertFalse(c.is_closed)
        self.assertFalse(c.resolution_hours)
        self.assertFalse(self.b.is_recurrence, "A was still open when B came")
        d = facts.filtered(lambda f: f.ticket_id == self.d)
        self.assertEqual(d.escalation_level, 2)
        self.assertAlmostEqual(d.response_hours, 0.1)

    def test_share_of_great_ratings_per_ticket_in_one_query(self):
        """helpdesk_mgmt_rating's positive rate, computed set-wise: a second
        rating of A (bad) halves its share; B (okay) has none; C, unrated,
        shows -1 as in helpdesk_mgmt_rating."""
        self.rate(self.a, 1)
        self.env.flush_all()
        queries = []
        for tickets in (self.a, self.a | self.b | self.c):
            # Cold records each time: their fields are read once for all.
            tickets.invalidate_recordset()
            before = self.env.cr.sql_log_count
            tickets._compute_percentage()
            queries.append(self.env.cr.sql_log_count - before)
        self.assertEqual(queries[0], queries[1], "as many queries for 3 as for 1")
        self.assertEqual(tickets.mapped("positive_rate_percentage"), [50, 0, -1])

    def test_measures_by_department(self):
        figures = self.kpi()
        business = figures[self.business]
        self.assertEqual(business["__count"], 3)
        self.assertAlmostEqual(business["response_hours"], (0.5 + 2) / 2)
        self.assertAlmostEqual(business["resolution_hours"], (3 + 6) / 2)
        self.assertAlmostEqual(business["on_time_rate"], 50)  # A met, B missed
        self.assertAlmostEqual(business["response_rate"], 50)
        self.assertAlmostEqual(business["sla_rate"], 50)
        self.assertAlmostEqual(business["satisfaction"], 4)
        self.assertAlmostEqual(business["recurrence_rate"], 100 / 3)
        self.assertEqual(business["escalation_level"], 0)
        it = figures[self.it]
        self.assertEqual(it["__count"], 1)
        self.assertAlmostEqual(it["resolution_hours"], 1)
        self.assertAlmostEqual(it["on_time_rate"], 100)
        self.assertFalse(it["satisfaction"], "no rating, no satisfaction")
        self.assertEqual(it["escalation_level"], 2)

    def test_the_sums_of_the_pivot_match_the_facts(self):
        """The KPI pivot reads monthly sums: the same figures, tickets
        counted (not rows), rates as shares of tickets."""
        departments = [("department_id", "in", (self.business | self.it).ids)]
        facts = self.kpi(domain=departments)  # with ItsmCase's two tickets
        sums = self.kpi(model="itsm.kpi.summary")
        self.assertEqual(set(sums), {self.business, self.it})
        for department, figures in facts.items():
            for measure, value in figures.items():
                with self.subTest(department=department.name, measure=measure):
                    self.assertAlmostEqual(sums[department][measure] or 0, value or 0)
        by_month = self.kpi(model="itsm.kpi.summary", groupby=("date:month",))
        self.assertEqual(sum(row["__count"] for row in by_month.values()), 6)
        # New tickets count once the sums are refreshed (the cron).
        before = sums[self.business]["__count"]
        self.make(self.users["reporter"].partner_id, utc(2026, 11, 25, 9))
        business = self.kpi(model="itsm.kpi.summary")[self.business]
        self.assertEqual(business["__count"], before)
        self.env["itsm.kpi.summary"]._cron_refresh()
        business = self.kpi(model="itsm.kpi.summary")[self.business]
        self.assertEqual(business["__count"], before + 1)

    def test_measures_by_person_and_month(self):
        self.c.user_id = self.users["agent"]
        by_handler = self.kpi(groupby=("user_id",))
        resolver = by_handler[self.users["resolver"]]
        self.assertEqual(resolver["__count"], 3)
        self.assertAlmostEqual(resolver["response_rate"], 200 / 3)  # A, D met
        self.assertEqual(by_handler[self.users["agent"]]["__count"], 1)
        by_month = self.kpi(groupby=("create_date:month",))
        self.assertEqual([row["__count"] for row in by_month.values()], [4])

    def test_my_department_filter(self):
        Kpi = self.env["itsm.kpi.report"].with_user(self.users["reporter"])
        self.assertEqual(
            Kpi.sudo(False)
            .with_user(self.users["manager"])
            .search(
                [("is_my_department", "=", True), ("ticket_id", "in", self.tickets.ids)]
            ),
            Kpi.browse(),
            "the manager has no department",
        )
        self.employees["reporter"].user_id = self.users["agent"]
        mine = (
            self.env["itsm.kpi.report"]
            .with_user(self.users["agent"])
            .search(
                [("is_my_department", "=", True), ("ticket_id", "in", self.tickets.ids)]
            )
        )
        self.assertEqual(mine.ticket_id, self.a | self.b | self.c)


class TestKpiAccess(KpiCase):
    def enable_department_heads(self, enabled=True):
        self.env["res.config.settings"].create(
            {"group_itsm_kpi_department": enabled}
        ).execute()

    def test_department_heads_see_nothing_unless_configured(self):
        with self.assertRaises(AccessError):
            self.kpi(self.users["department_head"])
        with self.assertRaises(AccessError):
            self.kpi(self.users["department_head"], model="itsm.kpi.summary")
        with self.assertRaises(AccessError):
            self.kpi(self.users["reporter"])

    def test_department_heads_see_their_departments_when_configured(self):
        self.assertNotIn(
            "itsm_incident.menu_itsm_kpi", self.visible_menus("department_head")
        )
        self.enable_department_heads()
        menus = self.visible_menus("department_head")
        self.assertIn("itsm_incident.menu_itsm_kpi", menus)
        self.assertNotIn("itsm_incident.menu_itsm_kpi_dashboard", menus)
        figures = self.kpi(self.users["department_head"])
        self.assertEqual(set(figures), {self.business})
        self.assertEqual(figures[self.business]["__count"], 3)
        sums = self.kpi(self.users["department_head"], model="itsm.kpi.summary")
        self.assertEqual(set(sums), {self.business})
        self.assertAlmostEqual(sums[self.business]["on_time_rate"], 50)  # A, B
        # The division's leader heads both departments.
        self.assertEqual(
            set(self.kpi(self.users["division_leader"])), {self.business, self.it}
        )
        # Reporters stay out, the desk sees everything.
        with self.assertRaises(AccessError):
            self.kpi(self.users["reporter"])
        self.assertEqual(set(self.kpi(self.users["agent"])), {self.business, self.it})
        self.enable_department_heads(False)
        with self.assertRaises(AccessError):
            self.kpi(self.users["department_head"])

    def test_facts_are_read_only(self):
        facts = self.env["itsm.kpi.report"].with_user(self.users["manager"])
        with self.assertRaises(AccessError):
            facts.create({"ticket_id": self.a.id})
        row = facts.search([("ticket_id", "=", self.a.id)])
        with self.assertRaises(AccessError):
            row.write({"satisfaction": 1})
