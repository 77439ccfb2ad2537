import json
from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ItsmCase
from .test_monitoring_events import ALERTMANAGER, EVENTS, alert, event, webhook


class ServiceCase(ItsmCase):
    """Three services of the catalogue: billing and settlement feed the data
    warehouse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Service = cls.env["itsm.service"]
        # The demo's monitoring names would answer for the tests' own.
        cls.env["itsm.service.alias"].search([]).unlink()
        cls.billing = Service.create({"name": "Test billing", "code": "T-BILL"})
        cls.settlement = Service.create(
            {
                "name": "Test settlement",
                "code": "T-SETTLE",
                "depends_on_ids": [Command.link(cls.billing.id)],
            }
        )
        cls.dwh = Service.create(
            {
                "name": "Test warehouse",
                "code": "T-DWH",
                "depends_on_ids": [
                    Command.link(cls.billing.id),
                    Command.link(cls.settlement.id),
                ],
            }
        )


class TestServiceCatalogue(ServiceCase):
    def test_seeded_bss_services(self):
        codes = {
            code: self.env.ref(f"itsm_incident.itsm_service_{xmlid}")
            for code, xmlid in (
                ("BILLING", "billing"),
                ("CRM", "crm"),
                ("HOTLINE", "hotline"),
                ("SETTLEMENT", "settlement"),
                ("DWH", "dwh"),
            )
        }
        for code, service in codes.items():
            self.assertEqual(service.code, code)
        self.assertIn(codes["CRM"], codes["HOTLINE"].depends_on_ids)
        self.assertEqual(
            codes["DWH"].depends_on_ids,
            codes["BILLING"] | codes["SETTLEMENT"] | codes["CRM"],
        )
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        chinese = {
            code: service.with_context(lang="zh_CN").name
            for code, service in codes.items()
        }
        self.assertEqual(chinese["BILLING"], "计费系统")
        self.assertEqual(chinese["SETTLEMENT"], "结算系统")
        self.assertEqual(chinese["HOTLINE"], "客服热线系统")
        self.assertEqual(chinese["DWH"], "数据仓库")
        self.assertIn("客户关系管理系统", chinese["CRM"])

    def test_dependencies_have_a_reverse(self):
        self.assertEqual(self.billing.dependant_ids, self.settlement | self.dwh)
        self.assertEqual(self.dwh.dependant_ids, self.dwh.browse())

    def test_a_dependency_cycle_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot depend on itself"):
            self.billing.depends_on_ids = self.dwh
        with self.assertRaisesRegex(ValidationError, "cannot depend on itself"):
            self.billing.depends_on_ids = self.billing
        # A diamond is not a cycle.
        self.settlement.depends_on_ids = self.billing
        self.assertEqual(self.dwh.depends_on_ids, self.billing | self.settlement)

    def test_code_unique_per_company(self):
        with self.assertRaisesRegex(ValidationError, "already used"):
            self.env["itsm.service"].create({"name": "Billing 2", "code": "t-bill"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["itsm.service"].create({"name": "Billing 3", "code": "T-BILL"})
        other = self.env["res.company"].create({"name": "Other company"})
        twin = self.env["itsm.service"].create(
            {"name": "Billing", "code": "T-BILL", "company_id": other.id}
        )
        self.assertEqual(twin.code, "T-BILL")

    def test_interface_persons_ranked(self):
        Employee = self.env["hr.employee"]
        first, second, third = Employee.create(
            [
                {"name": "Business second", "department_id": self.business.id},
                {"name": "Business first", "department_id": self.business.id},
                {"name": "IT first", "department_id": self.it.id},
            ]
        )
        self.billing.interface_ids = [
            Command.create({"employee_id": first.id, "sequence": 2}),
            Command.create({"employee_id": second.id, "sequence": 1}),
            Command.create({"employee_id": third.id, "sequence": 1}),
        ]
        # The department is the person's unless another is chosen.
        self.assertEqual(
            self.billing.interface_ids.mapped("department_id"), self.business | self.it
        )
        self.settlement.interface_ids = [
            Command.create({"employee_id": first.id, "sequence": 5}),
        ]
        ranked = (self.billing | self.settlement)._itsm_ranked_interfaces()
        self.assertEqual(ranked.employee_id, second | third | first)
        self.assertEqual(ranked.mapped("sequence"), [1, 1, 2])
        business = self.billing._itsm_ranked_interfaces(departments=self.business)
        self.assertEqual(business.employee_id, second | first)
        first.active = False
        self.assertEqual(
            self.billing._itsm_ranked_interfaces().employee_id, second | third
        )

    def test_a_rung_tells_the_interface_persons_of_the_service(self):
        """A ladder rung may name the interface persons of the services a
        record affects (S4's 接口人员), resolved when it fires."""
        Employee = self.env["hr.employee"]
        first, second = Employee.create(
            [
                {"name": "Billing interface", "department_id": self.business.id},
                {"name": "Billing backup", "department_id": self.business.id},
            ]
        )
        (first | second).work_contact_id.write({"email": "iface@example.com"})
        self.billing.interface_ids = [
            Command.create({"employee_id": second.id, "sequence": 2}),
            Command.create({"employee_id": first.id, "sequence": 1}),
        ]
        Rule = self.env["itsm.escalation.rule"]
        Rule.search([]).active = False
        rule = Rule.create(
            {
                "name": "Tell the service's interface persons",
                "trigger": "unacknowledged",
                "threshold_minutes": 10,
                "recipient_type": "service_interfaces",
                "mail_template_id": self.env.ref(
                    "itsm_incident.mail_template_escalation"
                ).id,
            }
        )
        ticket = self.ticket_reporter
        ticket.service_id = self.billing
        other = self.ticket_other
        with freeze_time(ticket.create_date + timedelta(minutes=11)):
            self.env["itsm.deadline"]._cron_sweep()
        recipients = rule._recipients(ticket | other)
        self.assertEqual(
            recipients[ticket.id], first.work_contact_id | second.work_contact_id
        )
        self.assertFalse(recipients[other.id], "no service, nobody")
        mail = self.env["mail.mail"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(
            mail.recipient_ids, first.work_contact_id | second.work_contact_id
        )

    def test_open_incident_count_and_problem(self):
        self.ticket_reporter.service_id = self.billing
        self.ticket_customer.service_id = self.billing
        self.assertEqual(self.billing.open_incident_count, 2)
        action = self.billing.action_view_open_incidents()
        self.assertEqual(action["domain"], [("service_id", "=", self.billing.id)])
        problem = self.env["itsm.problem"].create(
            {"name": "Bills late", "service_id": self.billing.id}
        )
        self.assertEqual(problem.service_id, self.billing)

    def test_access(self):
        reporter, manager = self.users["reporter"], self.users["manager"]
        self.assertEqual(self.billing.with_user(reporter).name, "Test billing")
        with self.assertRaises(AccessError):
            self.billing.with_user(reporter).write({"criticality": "critical"})
        with self.assertRaises(AccessError):
            self.env["itsm.service"].with_user(self.users["agent"]).create(
                {"name": "Shadow IT", "code": "SHADOW"}
            )
        with self.assertRaises(AccessError):
            self.env["itsm.service.alias"].with_user(reporter).search([])
        employee = self.env["hr.employee"].create({"name": "Someone"})
        with self.assertRaises(AccessError):
            self.env["itsm.service.interface"].with_user(reporter).create(
                {
                    "service_id": self.billing.id,
                    "employee_id": employee.id,
                    "department_id": self.business.id,
                }
            )
        service = self.billing.with_user(manager)
        service.write(
            {
                "criticality": "critical",
                "interface_ids": [
                    Command.create(
                        {"employee_id": employee.id, "department_id": self.it.id}
                    )
                ],
                "alias_ids": [Command.create({"name": " Billing-Prod "})],
            }
        )
        self.assertEqual(service.criticality, "critical")
        self.assertEqual(service.alias_ids.name, "billing-prod")

    def test_services_of_another_company_are_hidden(self):
        other = self.env["res.company"].create({"name": "Other company"})
        hidden = self.env["itsm.service"].create(
            {"name": "Theirs", "code": "THEIRS", "company_id": other.id}
        )
        visible = (
            self.env["itsm.service"]
            .with_user(self.users["manager"])
            .search([("code", "in", ["THEIRS", "T-BILL"])])
        )
        self.assertEqual(visible, self.billing)
        self.assertTrue(hidden.exists())

    def test_incidents_of_a_service_recur(self):
        """INC-10: the same category and the same customer *or service*."""
        category = self.env["helpdesk.ticket.category"].create({"name": "Billing run"})
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Billing run failed {n}",
                    "description": "x",
                    "team_id": self.desk_team.id,
                    "category_id": category.id,
                    "service_id": self.billing.id,
                }
                for n in range(3)
            ]
        )
        tickets._itsm_count_recurrences()
        self.assertEqual(tickets.mapped("recurrence_count"), [1, 2, 3])


@tagged("post_install", "-at_install")
class TestServiceEvents(HttpCase, ServiceCase):
    """Monitoring events name their service; the source names the customers
    and departments its faults affect (issue 12.8, 13)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["itsm.service.alias"].create(
            {"name": "billing", "service_id": cls.billing.id}
        )
        cls.source = cls.env["itsm.event.source"].create(
            {
                "name": "Prometheus BSS",
                "team_id": cls.network_team.id,
                "service_id": cls.dwh.id,
                "partner_ids": [Command.set(cls.portal_company.ids)],
                "department_ids": [Command.set(cls.business.ids)],
            }
        )
        cls.token = cls.source._itsm_new_token()

    def post(self, path, payload):
        self.env.flush_all()
        response = self.url_open(
            path,
            data=json.dumps(payload),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
        )
        self.env.invalidate_all()
        self.assertEqual(response.status_code, 200, response.text)
        return self.env["helpdesk.ticket"].browse(
            [item["ticket_id"] for item in response.json()["events"]]
        )

    def test_generic_event_service_through_an_alias(self):
        incident = self.post(EVENTS, event("bill-1", service="Billing"))
        self.assertEqual(incident.service_id, self.billing)

    def test_generic_event_service_by_code_or_name(self):
        by_code, by_name = self.post(
            EVENTS,
            [
                event("settle-1", service="t-settle"),
                event("dwh-1", service="TEST WAREHOUSE"),
            ],
        )
        self.assertEqual(by_code.service_id, self.settlement)
        self.assertEqual(by_name.service_id, self.dwh)

    def test_alertmanager_service_label_then_job_label(self):
        by_service, by_job, unknown = self.post(
            ALERTMANAGER,
            webhook(
                alert("am-1", service="billing", job="node"),
                alert("am-2", job="T-SETTLE"),
                alert("am-3", job="node"),
            ),
        )
        self.assertEqual(by_service.service_id, self.billing)
        self.assertEqual(by_job.service_id, self.settlement)
        # Neither label names a service: the source's default service.
        self.assertEqual(unknown.service_id, self.dwh)

    def test_source_default_service_and_affected_scope(self):
        incident = self.post(EVENTS, event("shop-1", service="Nobody knows"))
        self.assertEqual(incident.service_id, self.dwh)
        self.assertEqual(incident.itsm_affected_partner_ids, self.portal_company)
        self.assertEqual(incident.itsm_affected_department_ids, self.business)
        # The reporter field stays empty: no customer reads the alert's
        # internals on the portal.
        self.assertFalse(incident.partner_id)

    def test_a_service_of_another_company_is_not_matched(self):
        other = self.env["res.company"].create({"name": "Other company"})
        self.env["itsm.service"].create(
            {"name": "Theirs", "code": "THEIRS", "company_id": other.id}
        )
        incident = self.post(EVENTS, event("theirs-1", service="theirs"))
        self.assertEqual(incident.service_id, self.dwh)

    def test_recovery_notice_reaches_the_affected_customers(self):
        self.portal_company.email = "it@customer-a.example.com"
        self.business.manager_id.work_contact_id.email = "head@example.com"
        incident = self.post(EVENTS, event("bill-2", service="billing"))
        self.post(EVENTS, event("bill-2", status="resolved"))
        self.assertTrue(incident.event_recovered)
        with freeze_time(incident.event_recovered_date + timedelta(minutes=1)):
            self.env["itsm.deadline"]._cron_sweep()
        mail = self.env["mail.mail"].search(
            [
                ("res_id", "=", incident.id),
                ("model", "=", "helpdesk.ticket"),
                ("subject", "ilike", "Service recovered"),
            ]
        )
        self.assertTrue(mail)
        recipients = mail.recipient_ids
        self.assertIn(self.portal_company, recipients)
        self.assertIn(self.business.manager_id.work_contact_id, recipients)
