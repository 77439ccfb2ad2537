from datetime import date, datetime

from odoo.exceptions import ValidationError

from .test_kpi import KpiCase


class TestKpiMonthlyReport(KpiCase):
    """The monthly management report: on the configured day, once, to the
    managers chosen in Settings, each in their language, with the pivot's
    figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        cls.users["agent"].lang = "zh_CN"
        cls.users["manager"].lang = "en_US"
        cls.env["res.config.settings"].create(
            {
                "itsm_kpi_report_day": 2,
                "itsm_kpi_report_user_ids": [
                    (6, 0, (cls.users["manager"] | cls.users["agent"]).ids)
                ],
            }
        ).execute()
        cls.Report = cls.env["itsm.kpi.monthly.report"]

    def mails(self, reports):
        return self.env["mail.mail"].search(
            [("model", "=", reports._name), ("res_id", "in", reports.ids)]
        )

    def test_sent_on_the_day_once_in_each_language(self):
        self.assertFalse(self.Report._cron_send(today=date(2026, 12, 1)))
        report = self.Report._cron_send(today=date(2026, 12, 2))
        self.assertEqual(report.date_from, date(2026, 11, 1))
        self.assertEqual(report.date_to, date(2026, 11, 30))
        self.assertTrue(report.sent_date)
        mails = self.mails(report)
        self.assertEqual(len(mails), 2)
        by_partner = {mail.recipient_ids: mail for mail in mails}
        english = by_partner[self.users["manager"].partner_id]
        chinese = by_partner[self.users["agent"].partner_id]
        self.assertIn("Service desk report 2026-11", english.subject)
        self.assertIn("On-time rate", str(english.body_html))
        self.assertIn("服务台月报 2026-11", chinese.subject)
        self.assertIn("及时处理率", str(chinese.body_html))
        for mail in mails:
            self.assertEqual(len(mail.attachment_ids), 1)
            self.assertIn("2026-11", mail.attachment_ids.name)
        # The same day again, or a later day: nothing more.
        self.assertFalse(self.Report._cron_send(today=date(2026, 12, 2)))
        self.assertFalse(self.Report._cron_send(today=date(2026, 12, 3)))
        self.assertEqual(self.Report.search([]), report)

    def test_a_missed_day_is_caught_up(self):
        report = self.Report._cron_send(today=date(2026, 12, 4))
        self.assertEqual(report.date_from, date(2026, 11, 1))
        self.assertEqual(len(self.mails(report)), 2)

    def test_figures_match_the_pivot(self):
        report = self.Report._cron_send(today=date(2026, 12, 2))
        figures = report._itsm_figures()
        pivot = self.env["itsm.kpi.report"]._read_group(
            [
                ("company_id", "=", self.env.company.id),
                ("create_date", ">=", datetime(2026, 11, 1)),
                ("create_date", "<", datetime(2026, 12, 1)),
            ],
            ["department_id"],
            ["__count", "on_time_rate:avg", "satisfaction:avg", "resolution_hours:avg"],
        )
        rows = {row["label"]: row for row in figures["departments"]}
        for department, count, on_time, satisfaction, resolution in pivot:
            row = rows[department.display_name or "No department"]
            self.assertEqual(row["count"], count)
            self.assertEqual(row["on_time_rate"], on_time)
            self.assertEqual(row["satisfaction"], satisfaction)
            self.assertEqual(row["resolution_hours"], resolution)
        self.assertEqual(
            figures["total"]["count"], sum(count for _d, count, *_m in pivot)
        )
        business = rows[self.business.display_name]
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("itsm_incident.action_report_kpi_monthly", report.ids)[0]
            .decode()
        )
        self.assertIn("Business", html)
        self.assertIn(f">{round(business['on_time_rate'], 1)}<", html)

    def test_a_bad_day_is_refused(self):
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create(
                {"itsm_kpi_report_day": 31}
            ).execute()
        self.assertEqual(self.env.company.itsm_kpi_report_day, 2)
