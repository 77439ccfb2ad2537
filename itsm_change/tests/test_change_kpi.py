from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from odoo.addons.itsm_incident.tests.common import utc

from .common import WorkflowCase

MEASURES = [
    "change_count",
    "closed",
    "successful",
    "failed",
    "emergency",
    "caused_incident",
    "notices_due",
    "notices_on_time",
]


class TestChangeKpi(WorkflowCase):
    """The change KPIs (issue 15) by month, service and department: a
    successful change on two services with its notice sent on time, a
    failed one that opened an incident with its notice sent late, an
    emergency the month after; the result notices, not sent, are due once
    the sweep finds them breached. "Now" is Monday 16 March 2026, 10:00 in
    Shanghai; the night window changes of 25 March are announced by 24
    March, 16:00."""

    def implemented(self, **vals):
        change = self.implemented_change(**vals)
        change.with_user(self.users["resolver"]).action_finish()
        return change

    def setUp(self):
        super().setUp()
        manager = self.users["change_manager"]
        # Successful, on the hotline and billing, announced on time.
        self.success = self.implemented(
            services=self.hotline | self.billing_service, name="Upgrade"
        )
        self.success.with_user(self.users["resolver"]).action_send_change_notice()
        self.success.check_ids.with_user(self.users["resolver"]).write({"result": "ok"})
        self.success.with_user(manager).action_close()
        # Failed on the hotline; announced late (after 24 March, 16:00 in
        # Shanghai), while it is reviewed; rolled back, its incident opened.
        self.failure = self.implemented(name="Patch")
        self.failure.check_ids.with_user(self.users["resolver"]).write(
            {"result": "failed", "note": "Calls are not recorded."}
        )
        as_manager = self.failure.with_user(manager)
        with freeze_time(utc(2026, 3, 24, 17, 0)):
            as_manager.notice_late_reason = "Forgotten."
            as_manager.action_send_change_notice()
            # The result notices were due 12 hours after the end (16 March):
            # not sent, the sweep finds them breached.
            self.env["itsm.deadline"]._cron_sweep()
            as_manager.write({"rollback_done": True, "rollback_result": "Restored."})
            as_manager.action_close_failed()
            as_manager.action_open_incident()
        # An emergency on the CRM in April, approved, not yet announced.
        self.emergency = self.make_change(
            utc(2026, 4, 14, 1, 0),
            utc(2026, 4, 14, 3, 0),
            services=self.crm,
            user="change_manager",
            change_type="emergency",
            name="Hotfix",
        )
        self.emergency.action_submit()
        self.validate_tiers(self.emergency)
        # A draft stays out of the requested changes.
        self.make_change(utc(2026, 3, 30, 1, 0), utc(2026, 3, 30, 3, 0))
        self.env.flush_all()
        # These changes only, whatever the demo data.
        self.domain = [
            ("change_id", "in", (self.success | self.failure | self.emergency).ids),
            ("state", "not in", ("draft", "cancelled")),
        ]

    def sums(self, groupby, user="reporter"):
        Report = self.env["itsm.change.kpi.report"].with_user(self.users[user])
        groups = Report.read_group(
            self.domain,
            [f"{name}:sum" for name in MEASURES],
            groupby,
            lazy=False,
        )
        result = {}
        for group in groups:
            key = tuple(
                group[name][1] if isinstance(group[name], tuple) else group[name]
                for name in groupby
            )
            result[key] = tuple(group[name] for name in MEASURES)
        return result

    def test_sums_by_month_and_service(self):
        self.maxDiff = None
        self.assertEqual(self.success.state, "closed")
        self.assertEqual(self.failure.result, "failed")
        self.assertEqual(self.emergency.state, "approved")
        # (changes, closed, successful, failed, emergency, caused incident,
        # notices due, on time)
        self.assertEqual(
            self.sums(["month:month", "service_ids"]),
            {
                ("March 2026", self.hotline.name): (2, 2, 1, 1, 0, 1, 4, 1),
                ("March 2026", self.billing_service.name): (1, 1, 1, 0, 0, 0, 2, 1),
                ("April 2026", self.crm.name): (1, 0, 0, 0, 1, 0, 0, 0),
            },
        )
        # A change counts once in the month's totals, whatever its services.
        self.assertEqual(
            self.sums(["month:month"]),
            {
                ("March 2026",): (2, 2, 1, 1, 0, 1, 4, 1),
                ("April 2026",): (1, 0, 0, 0, 1, 0, 0, 0),
            },
        )
        # The requester's department; the change manager has no employee.
        self.assertEqual(
            self.sums(["department_id"]),
            {
                (self.business.display_name,): (2, 2, 1, 1, 0, 1, 4, 1),
                (False,): (1, 0, 0, 0, 1, 0, 0, 0),
            },
        )

    def test_rates_are_averages_of_the_changes(self):
        Report = self.env["itsm.change.kpi.report"].with_user(self.users["reporter"])
        [march, april] = Report.read_group(
            self.domain,
            [
                "success_rate:avg",
                "emergency_rate:avg",
                "incident_rate:avg",
                "notice_rate:avg",
            ],
            ["month:month"],
            orderby="month asc",
        )
        self.assertEqual(march["success_rate"], 50.0)
        self.assertEqual(march["incident_rate"], 50.0)
        self.assertEqual(march["emergency_rate"], 0.0)
        # One notice of two on time for one change, none of two for the
        # other.
        self.assertEqual(march["notice_rate"], 25.0)
        self.assertEqual(april["emergency_rate"], 100.0)
        # No result yet, no notice due: no rate.
        self.assertFalse(april["success_rate"])
        self.assertFalse(april["notice_rate"])

    def test_the_row_is_the_change(self):
        row = self.env["itsm.change.kpi.report"].browse(self.success.id)
        self.assertEqual(row.change_id, self.success)
        self.assertEqual(row.service_ids, self.hotline | self.billing_service)
        self.assertEqual(row.month.isoformat(), "2026-03-01")

    def test_another_company_sees_none(self):
        other = self.env["res.company"].create({"name": "Other Bank"})
        outsider = new_test_user(
            self.env,
            login="kpi_outsider",
            groups="itsm_change.group_itsm_change_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        Report = self.env["itsm.change.kpi.report"].with_user(outsider)
        self.assertFalse(Report.search([]))
        self.assertFalse(Report.read_group([], ["change_count:sum"], ["month:month"]))
        with self.assertRaises(AccessError):
            Report.browse(self.success.id).read(["change_count"])

    def test_the_report_is_read_only(self):
        Report = self.env["itsm.change.kpi.report"].with_user(
            self.users["change_manager"]
        )
        row = Report.browse(self.success.id)
        with self.assertRaises(AccessError):
            row.write({"successful": 0})
        with self.assertRaises(AccessError):
            Report.create({"change_id": self.failure.id})
        with self.assertRaises(AccessError):
            row.unlink()
        self.assertEqual(row.sudo().successful, 1)
