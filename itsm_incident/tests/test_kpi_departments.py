from datetime import date

from freezegun import freeze_time

from .common import utc
from .test_kpi import KpiCase

DAY = 24 * 60


class TestKpiDepartments(KpiCase):
    """KPIs judge the responsible and the handling department (S1 §3.2.3,
    §5); cancelled and rejected tickets stay out of the on-time measures; the
    fault rate of a service by month (S3 §4.1).

    On top of KpiCase's data set (priority 3: respond within 1 working hour,
    resolve within 4, Monday to Friday 9:00-18:00 in Shanghai), the resolver
    works in IT, the agent in Business:

    ====  ===========  ========  =================================  ========
    name  responsible  handler   reported, acknowledged, closed     targets
    ====  ===========  ========  =================================  ========
    X     Business     resolver  Mon 23 Nov 9:00, 9:30, 12:00       met
    Y     Business     agent     Mon 9:00, 11:00, 15:00             missed
    Z     IT           resolver  Tue 24 Nov 9:00, 9:06, 10:00       met
    W     Business     resolver  Tue 9:00, 9:30, cancelled 10:00    (met)
    R     Business     resolver  Tue 9:00, 9:30, rejected 10:00     (met)
    V     Business     resolver  Tue 9:00, screened out of scope    —
    ====  ===========  ========  =================================  ========
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Employee = cls.env["hr.employee"]
        cls.employees["resolver"] = Employee.create(
            {
                "name": "resolver",
                "user_id": cls.users["resolver"].id,
                "department_id": cls.it.id,
            }
        )
        cls.employees["agent"] = Employee.create(
            {
                "name": "agent",
                "user_id": cls.users["agent"].id,
                "department_id": cls.business.id,
            }
        )
        reporter = cls.users["reporter"].partner_id
        cls.x = cls.make(reporter, utc(2026, 11, 23, 9), utc(2026, 11, 23, 9, 30))
        cls.close(cls.x, utc(2026, 11, 23, 12))
        cls.y = cls.make(reporter, utc(2026, 11, 23, 9), utc(2026, 11, 23, 11))
        cls.y.user_id = cls.users["agent"]
        cls.close(cls.y, utc(2026, 11, 23, 15))
        cls.z = cls.make(reporter, utc(2026, 11, 24, 9), utc(2026, 11, 24, 9, 6))
        cls.close(cls.z, utc(2026, 11, 24, 10))
        cls.w = cls.make(reporter, utc(2026, 11, 24, 9), utc(2026, 11, 24, 9, 30))
        cls.move(cls.w, "helpdesk_mgmt.helpdesk_ticket_stage_cancelled")
        cls.r = cls.make(reporter, utc(2026, 11, 24, 9), utc(2026, 11, 24, 9, 30))
        cls.move(cls.r, "helpdesk_mgmt.helpdesk_ticket_stage_rejected")
        cls.v = cls.make(reporter, utc(2026, 11, 24, 9))
        cls.v.screening_state = "out_of_scope"
        cls.mine = cls.x | cls.y | cls.z | cls.w | cls.r | cls.v
        (cls.mine - cls.z).responsible_department_id = cls.business
        cls.z.responsible_department_id = cls.it
        cls.env.flush_all()
        cls.env["itsm.kpi.summary"]._refresh()

    @classmethod
    def move(cls, ticket, stage):
        with freeze_time(utc(2026, 11, 24, 10)):
            # Cancelled and rejected need a reason (issue 12, point 7).
            ticket.write(
                {"itsm_close_reason": "Withdrawn", "stage_id": cls.env.ref(stage).id}
            )
        ticket.flush_recordset()

    def figures(self, groupby, model="itsm.kpi.report"):
        domain = [(groupby, "in", (self.business | self.it).ids)]
        if model == "itsm.kpi.report":
            domain.append(("ticket_id", "in", self.mine.ids))
        figures = self.kpi(groupby=(groupby,), model=model, domain=domain)
        if model == "itsm.kpi.summary":
            excluded = dict(
                self.env[model]._read_group(domain, [groupby], ["excluded_count:sum"])
            )
            for department, values in figures.items():
                values["excluded"] = excluded[department]
        return figures

    def test_handling_department_is_the_handlers_at_the_time(self):
        self.assertEqual(self.x.handling_department_id, self.it)
        self.assertEqual(self.y.handling_department_id, self.business)
        self.employees["resolver"].department_id = self.business
        self.assertEqual(self.x.handling_department_id, self.it, "kept")
        self.z.user_id = self.users["agent"]
        self.assertEqual(self.z.handling_department_id, self.business)
        self.z.user_id = False
        self.assertFalse(self.z.handling_department_id)

    def test_cancelled_and_rejected_are_left_out(self):
        facts = self.env["itsm.kpi.report"].search([("ticket_id", "in", self.mine.ids)])
        excluded = facts.filtered("is_excluded").ticket_id
        self.assertEqual(excluded, self.w | self.r | self.v)
        for fact in facts.filtered("is_excluded"):
            with self.subTest(ticket=fact.ticket_id.display_name):
                self.assertFalse(fact.on_time_rate)
                self.assertFalse(fact.sla_rate)
                self.assertFalse(fact.response_rate)
                self.assertFalse(fact.resolution_hours)
        # Their clocks stopped in time: without the rule they counted as met.
        self.assertTrue(self.w.resolution_met and self.w.resolution_done_date)

    def test_facts_and_sums_by_responsible_department(self):
        for model in ("itsm.kpi.report", "itsm.kpi.summary"):
            figures = self.figures("responsible_department_id", model)
            with self.subTest(model=model):
                business = figures[self.business]
                self.assertEqual(business["__count"], 5)
                # X met, Y missed; W, R and V are left out.
                self.assertAlmostEqual(business["on_time_rate"], 50)
                self.assertAlmostEqual(business["sla_rate"], 50)
                self.assertAlmostEqual(business["response_rate"], 50)
                self.assertAlmostEqual(business["resolution_hours"], (3 + 6) / 2)
                self.assertAlmostEqual(business["response_hours"], (0.5 + 2) / 2)
                it = figures[self.it]
                self.assertEqual(it["__count"], 1)
                self.assertAlmostEqual(it["on_time_rate"], 100)
                if model == "itsm.kpi.summary":
                    self.assertEqual(business["excluded"], 3)
                    self.assertEqual(it["excluded"], 0)

    def test_facts_and_sums_by_handling_department(self):
        for model in ("itsm.kpi.report", "itsm.kpi.summary"):
            figures = self.figures("handling_department_id", model)
            with self.subTest(model=model):
                it = figures[self.it]
                self.assertEqual(it["__count"], 5)  # X, Z, W, R, V
                self.assertAlmostEqual(it["on_time_rate"], 100)  # X, Z
                self.assertAlmostEqual(it["sla_rate"], 100)
                business = figures[self.business]
                self.assertEqual(business["__count"], 1)  # Y
                self.assertAlmostEqual(business["on_time_rate"], 0)

    def test_my_department_is_also_the_responsible_and_handling_one(self):
        """The resolver works in IT; every ticket was reported for Business:
        IT is responsible for Z and handles X, Z, W, R and V."""
        # sudo: the filter reads the user's departments, not their rights.
        Kpi = self.env["itsm.kpi.report"].with_user(self.users["resolver"]).sudo()
        mine = Kpi.search(
            [("is_my_department", "=", True), ("ticket_id", "in", self.mine.ids)]
        )
        self.assertEqual(mine.ticket_id, self.mine - self.y)
        self.assertTrue(all(mine.mapped("is_my_department")))
        others = Kpi.search(
            [("is_my_department", "=", False), ("ticket_id", "in", self.mine.ids)]
        )
        self.assertEqual(others.ticket_id, self.y)

    def test_monthly_report_and_dashboard_by_department(self):
        report = self.env["itsm.kpi.monthly.report"].create(
            {
                "company_id": self.env.company.id,
                "date_from": date(2026, 11, 1),
                "date_to": date(2026, 11, 30),
            }
        )
        figures = report._itsm_figures()
        responsible = {row["label"]: row for row in figures["responsible_departments"]}
        business = responsible[self.business.display_name]
        self.assertEqual(business["count"], 5)
        self.assertEqual(business["excluded_count"], 3)
        self.assertAlmostEqual(business["on_time_rate"], 50)
        handling = {row["label"]: row for row in figures["handling_departments"]}
        self.assertEqual(handling[self.it.display_name]["count"], 5)
        self.assertTrue(figures["departments"], "the reporter's department stays")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("itsm_incident.action_report_kpi_monthly", report.ids)[0]
            .decode()
        )
        self.assertIn("Responsible department", html)
        self.assertIn("Handling department", html)
        with freeze_time("2026-11-25 12:00:00"):
            data = self.env["itsm.kpi.dashboard"].get_dashboard_data()
        tables = {table["key"]: table for table in data["department_tables"]}
        rows = {row["name"]: row for row in tables["responsible_department_id"]["rows"]}
        self.assertEqual(rows[self.business.display_name]["excluded_count"], 3)
        self.assertAlmostEqual(rows[self.business.display_name]["on_time_rate"], 50)
        self.assertIn("handling_department_id", tables)

    def test_supervision_checks_carry_the_departments(self):
        spot_check = self.env["itsm.supervision.round"].create(
            {
                "name": "November",
                "date_from": date(2026, 11, 1),
                "date_to": date(2026, 11, 30),
                "department_ids": [(6, 0, self.it.ids)],
                "sample_size": 10,
            }
        )
        spot_check.action_draw_sample()
        # Z: IT is responsible (its reporter is in Business).
        self.assertIn(self.z, spot_check.check_ids.ticket_id)
        check = spot_check.check_ids.filtered(lambda c: c.ticket_id == self.z)
        self.assertEqual(check.responsible_department_id, self.it)
        self.assertEqual(check.handling_department_id, self.it)
        self.assertEqual(check.department_id, self.business)


class TestFaultRate(KpiCase):
    """故障率 (S3 §4.1): downtime within service hours over service hours.

    Around the clock (no service hours), months of Shanghai (the company's
    calendar):

    - F1 down Tue 10 Nov 10:00-12:00: 120 min in November;
    - F2 down Mon 30 Nov 23:00 - Tue 1 Dec 1:30: 60 min in November, 90 in
      December.

    November: 2 faults, 180 min of 30 days (43 200 min): 0.41667 %;
    December: no fault begun, 90 min of 31 days (44 640 min).

    With the office's service hours (Monday to Friday 9-18), F3 down Fri 27
    Nov 17:00 - Mon 30 Nov 10:00: 60 + 60 = 120 min of 21 working days
    (11 340 min) in November.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Service = cls.env["itsm.service"]
        cls.service = Service.create({"name": "Billing test", "code": "KPI-FR-1"})
        cls.office_service = Service.create(
            {
                "name": "CRM test",
                "code": "KPI-FR-2",
                "resource_calendar_id": cls.office.id,
            }
        )
        cls.f1 = cls.fault(cls.service, utc(2026, 11, 10, 10), utc(2026, 11, 10, 12))
        cls.f2 = cls.fault(cls.service, utc(2026, 11, 30, 23), utc(2026, 12, 1, 1, 30))
        cls.f3 = cls.fault(
            cls.office_service, utc(2026, 11, 27, 17), utc(2026, 11, 30, 10)
        )

    @classmethod
    def fault(cls, service, down, recovered):
        with freeze_time(down):
            ticket = cls.env["helpdesk.ticket"].create(
                {
                    "name": f"{service.name} down",
                    "description": "x",
                    "partner_id": cls.users["reporter"].partner_id.id,
                    "service_id": service.id,
                    "is_fault": True,
                    "screening_state": "valid",
                }
            )
        ticket.flush_recordset()
        cls.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
            (down, ticket.id),
        )
        ticket.invalidate_recordset(["create_date"])
        with freeze_time(recovered):
            ticket.event_recovered_date = recovered
        ticket.flush_recordset()
        return ticket

    def rates(self, service):
        with freeze_time("2026-12-15 12:00:00"):
            self.env["itsm.kpi.fault.rate"]._refresh()
        rows = self.env["itsm.kpi.fault.rate"].search([("service_id", "=", service.id)])
        return {row.date: row for row in rows}

    def test_fault_rate_around_the_clock(self):
        self.assertEqual(self.f2.fault_recovered_date, utc(2026, 12, 1, 1, 30))
        rates = self.rates(self.service)
        self.assertEqual(set(rates), {date(2026, 11, 1), date(2026, 12, 1)})
        november, december = rates[date(2026, 11, 1)], rates[date(2026, 12, 1)]
        self.assertEqual(november.fault_count, 2)
        self.assertAlmostEqual(november.downtime_minutes, 180)
        self.assertAlmostEqual(november.service_minutes, 30 * DAY)
        self.assertAlmostEqual(november.fault_rate, 100 * 180 / (30 * DAY))
        self.assertEqual(december.fault_count, 0)
        self.assertAlmostEqual(december.downtime_minutes, 90)
        self.assertAlmostEqual(december.service_minutes, 31 * DAY)
        # Grouped: the ratio of the sums, not the average of the rates.
        [(rate,)] = self.env["itsm.kpi.fault.rate"]._read_group(
            [("service_id", "=", self.service.id)], [], ["fault_rate:avg"]
        )
        self.assertAlmostEqual(rate, 100 * 270 / (61 * DAY))

    def test_overlapping_and_cancelled_faults(self):
        # Down at the same time as F1: the service was down once.
        self.fault(self.service, utc(2026, 11, 10, 11), utc(2026, 11, 10, 11, 30))
        # A cancelled fault (a false alarm) is no fault.
        cancelled = self.fault(
            self.service, utc(2026, 11, 12, 10), utc(2026, 11, 12, 11)
        )
        cancelled.write(
            {
                "itsm_close_reason": "A false alarm",
                "stage_id": self.env.ref(
                    "helpdesk_mgmt.helpdesk_ticket_stage_cancelled"
                ).id,
            }
        )
        november = self.rates(self.service)[date(2026, 11, 1)]
        self.assertEqual(november.fault_count, 3)
        self.assertAlmostEqual(november.downtime_minutes, 180)

    def test_fault_rate_within_service_hours(self):
        november = self.rates(self.office_service)[date(2026, 11, 1)]
        self.assertEqual(november.fault_count, 1)
        self.assertAlmostEqual(november.downtime_minutes, 120)
        self.assertAlmostEqual(november.service_minutes, 21 * 9 * 60)
        self.assertAlmostEqual(november.fault_rate, 100 * 120 / (21 * 9 * 60))

    def test_refreshed_with_the_sums_and_read_by_the_desk(self):
        with freeze_time("2026-12-15 12:00:00"):
            self.env["itsm.kpi.summary"]._refresh()
        rows = (
            self.env["itsm.kpi.fault.rate"]
            .with_user(self.users["agent"])
            .search([("service_id", "=", self.service.id)])
        )
        self.assertEqual(len(rows), 2)
        self.assertIn(
            "itsm_incident.menu_itsm_kpi_fault_rate", self.visible_menus("supervisor")
        )
        self.assertNotIn(
            "itsm_incident.menu_itsm_kpi_fault_rate", self.visible_menus("reporter")
        )
