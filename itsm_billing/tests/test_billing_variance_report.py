import io
from datetime import date

import openpyxl
from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.itsm_incident.tests.common import utc

from .common import NOVEMBER, RUN_TIME, BillingCase

OCTOBER = date(2026, 10, 1)
CHALLENGE_TIME = utc(2026, 12, 3, 2, 0)


# An HTTP server for wkhtmltopdf, which fetches the report's assets from
# it: under Odoo's runner only HttpCase tests (post_install) have one.
@tagged("post_install", "-at_install")
class TestBillingVarianceReport(HttpCase, BillingCase):
    """The reports of the runs (BIL-8): per customer, the month's amount,
    count of lines and share of the month's total against the previous
    month, from the stored result of the latest run of each month that is
    not rolled back; the run report (PDF) with the totals, the check report
    and the largest variances.

    October bills A 10 000.00 (one fee) and B 6 000.00 (two units); November
    bills A 10 000.00 plus a usage item of 2 × 250.00, and B 9 000.00 once
    its quantity went up to three units after a first November run was
    rolled back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["itsm.billing.variance.report"]
        cls.customer_a = cls.contract_a.partner_id.commercial_partner_id
        cls.customer_b = cls.contract_b.partner_id.commercial_partner_id

    def rows(self, user=None, **domain):
        Report = self.Report.with_user(user or self.billing["operator"])
        rows = Report.search(
            [(name, "=", value) for name, value in domain.items()]
            + [("partner_id", "in", (self.customer_a | self.customer_b).ids)]
        )
        return {(row.period_start, row.partner_id): row for row in rows}

    def challenge(self, run, reason):
        with freeze_time(CHALLENGE_TIME):
            self.env["itsm.billing.run.challenge"].with_user(
                self.billing["billing_supervisor"]
            ).create({"run_id": run.id, "reason": reason}).action_confirm()

    def usage_item(self):
        return self.env["itsm.billing.item"].create(
            {
                "name": "Extra mailboxes",
                "kind": "usage",
                "period_start": NOVEMBER,
                "contract_id": self.contract_a.id,
                "partner_id": self.customer_a.id,
                "quantity": 2,
                "price_unit": 250.0,
            }
        )

    def two_months(self):
        """October published; November's first run (B still at two units)
        challenged and rolled back, the re-run (B at three) computed."""
        october = self.run_to("published", self.new_run(period=OCTOBER))
        self.usage_item()
        first = self.run_to("computed")
        self.challenge(first, "B ordered a third unit")
        self.contract_b.contract_line_ids.quantity = 3
        with freeze_time(CHALLENGE_TIME):
            action = self.as_user(first, "operator").action_rerun()
        rerun = self.env["itsm.billing.run"].browse(action["res_id"])
        self.run_to("computed", rerun)
        return october, first, rerun

    def test_amounts_counts_shares_and_variances(self):
        october, first, rerun = self.two_months()
        self.assertEqual(first.state, "rolled_back")
        rows = self.rows(run_type="billing")
        self.assertEqual(len(rows), 4)
        a_oct, b_oct = rows[OCTOBER, self.customer_a], rows[OCTOBER, self.customer_b]
        a_nov, b_nov = rows[NOVEMBER, self.customer_a], rows[NOVEMBER, self.customer_b]
        # October: no month before it.
        self.assertEqual((a_oct.run_id, b_oct.run_id), (october, october))
        self.assertEqual((a_oct.amount, a_oct.line_count), (10000.0, 1))
        self.assertEqual((b_oct.amount, b_oct.line_count), (6000.0, 1))
        self.assertEqual((round(a_oct.share, 2), round(b_oct.share, 2)), (62.5, 37.5))
        self.assertEqual((a_oct.previous_amount, a_oct.variance_amount), (0.0, 10000.0))
        self.assertFalse(a_oct.variance_pct)
        # November: the re-run counts, never the rolled-back run.
        self.assertEqual((a_nov.run_id, b_nov.run_id), (rerun, rerun))
        self.assertEqual(a_nov.run_state, "computed")
        self.assertEqual((a_nov.amount, a_nov.line_count), (10500.0, 2))
        self.assertEqual((b_nov.amount, b_nov.line_count), (9000.0, 1))
        # 10 500 / 19 500 and 9 000 / 19 500.
        self.assertEqual(round(a_nov.share, 2), 53.85)
        self.assertEqual(round(b_nov.share, 2), 46.15)
        self.assertEqual(
            (a_nov.previous_amount, a_nov.variance_amount, a_nov.variance_pct),
            (10000.0, 500.0, 5.0),
        )
        self.assertEqual((a_nov.previous_count, a_nov.variance_count), (1, 1))
        self.assertEqual(round(a_nov.previous_share, 2), 62.5)
        self.assertEqual(round(a_nov.variance_share, 2), -8.65)
        self.assertEqual(
            (b_nov.previous_amount, b_nov.variance_amount, b_nov.variance_pct),
            (6000.0, 3000.0, 50.0),
        )
        self.assertEqual(round(b_nov.variance_share, 2), 8.65)
        # The month's variances add up to its total's, in the pivot too.
        groups = self.Report._read_group(
            [("period_start", "=", NOVEMBER), ("run_type", "=", "billing")],
            [],
            ["amount:sum", "previous_amount:sum", "variance_amount:sum", "share:sum"],
        )
        self.assertEqual(groups[0][:3], (19500.0, 16000.0, 3500.0))
        self.assertAlmostEqual(groups[0][3], 100.0, places=6)

    def test_a_rolled_back_run_does_not_count(self):
        self.run_to("published", self.new_run(period=OCTOBER))
        november = self.run_to("computed")
        self.assertEqual(len(self.rows(period_start=NOVEMBER)), 2)
        self.challenge(november, "Wrong")
        self.assertFalse(self.rows(period_start=NOVEMBER))
        self.assertFalse(self.Report.search([("run_id", "=", november.id)]))
        # October is as it was.
        october = self.rows(period_start=OCTOBER)
        self.assertEqual(
            sorted(row.amount for row in october.values()), [6000.0, 10000.0]
        )

    def test_a_customer_no_longer_billed(self):
        """B's contract ends in October: November shows B with nothing and
        the whole October amount as its variance."""
        self.run_to("published", self.new_run(period=OCTOBER))
        self.contract_b.contract_line_ids.date_end = date(2026, 10, 31)
        self.run_to("computed")
        b_nov = self.rows(period_start=NOVEMBER)[NOVEMBER, self.customer_b]
        self.assertEqual((b_nov.amount, b_nov.line_count, b_nov.share), (0.0, 0, 0.0))
        self.assertEqual(
            (b_nov.previous_amount, b_nov.variance_amount, b_nov.variance_pct),
            (6000.0, -6000.0, -100.0),
        )

    def test_other_company_sees_nothing(self):
        self.run_to("published", self.new_run(period=OCTOBER))
        self.run_to("computed")
        company = self.env["res.company"].create({"name": "Other Billing Co"})
        stranger = new_test_user(
            self.env,
            login="test_billing_stranger",
            groups="itsm_billing.group_itsm_billing_supervisor",
            company_id=company.id,
            company_ids=[company.id],
        )
        self.assertEqual(len(self.rows()), 4)
        self.assertFalse(self.Report.with_user(stranger).search([]))
        self.assertFalse(
            self.Report.with_user(stranger)._read_group([], [], ["amount:sum"])[0][0]
        )

    def test_run_report(self):
        self.run_to("published", self.new_run(period=OCTOBER))
        self.usage_item()
        self.contract_b.contract_line_ids.quantity = 3
        november = self.run_to("published")
        report = self.env.ref("itsm_billing.action_report_itsm_billing_run")
        action = self.as_user(november, "operator").action_print_report()
        self.assertEqual(action["report_name"], report.report_name)
        html = (
            report.with_user(self.billing["operator"])
            ._render_qweb_html(report.report_name, november.ids)[0]
            .decode()
        )
        self.assertIn(november.name, html)
        # Totals: the month, the previous one and the variance.
        for amount in ("19,500.00", "16,000.00", "3,500.00", "10,500.00", "9,000.00"):
            self.assertIn(amount, html)
        # The largest variances, the largest first.
        self.assertIn("Largest variances", html)
        self.assertLess(
            html.index(self.customer_b.name, html.index("Largest variances")),
            html.index(self.customer_a.name, html.index("Largest variances")),
        )
        self.assertIn("50.00", html)
        # The check report: each item ticked, who signed and when.
        for item in november.report_item_ids:
            self.assertIn(item.name, html)
        self.assertIn(f"Signed by {self.billing['checker'].name}", html)
        largest = november._itsm_report_largest_variances()
        self.assertEqual(largest.partner_id, self.customer_b | self.customer_a)
        self.assertEqual(largest.mapped("variance_amount"), [3000.0, 500.0])
        pdf = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, november.ids
        )[0]
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_run_report_as_a_workbook(self):
        """*XLSX* on the run: the same totals as the PDF, every variance,
        the check report and every item of the run, downloaded over HTTP by
        the operator; nobody else gets it, nor learns whether it exists."""
        self.run_to("published", self.new_run(period=OCTOBER))
        self.usage_item()
        self.contract_b.contract_line_ids.quantity = 3
        november = self.run_to("published")
        action = self.as_user(november, "operator").action_download_xlsx()
        self.authenticate("test_billing_operator", "test_billing_operator")
        answer = self.url_open(action["url"])
        self.assertEqual(answer.status_code, 200)
        self.assertIn("spreadsheetml", answer.headers["Content-Type"])
        self.assertIn(".xlsx", answer.headers["Content-Disposition"])
        book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
        self.assertEqual(book.sheetnames, ["Summary", "Variances", "Checks", "Items"])
        summary = [
            tuple(value for value in row if value is not None)
            for row in book["Summary"].values
        ]
        self.assertIn(("Total", november.item_count, 19500.0), summary)
        self.assertIn(("Amount", 19500.0, 16000.0, 3500.0), summary)
        variances = list(book["Variances"].values)[1:]
        self.assertEqual(
            [(row[0], row[3]) for row in variances],
            [(self.customer_b.name, 3000.0), (self.customer_a.name, 500.0)],
        )
        checks = [row[0] for row in book["Checks"].values]
        for item in november.report_item_ids:
            self.assertIn(item.name, checks)
        self.assertIn(f"Signed by {self.billing['checker'].name}", str(checks))
        items = list(book["Items"].values)[1:]
        self.assertEqual(len(items), november.item_count)
        self.assertEqual(sorted(row[3] for row in items), [row[3] for row in items])
        self.assertAlmostEqual(sum(row[7] for row in items), 19500.0, places=2)
        self.assertTrue(all(row[8] for row in items))
        # A user without billing rights, and a run that does not exist: 404.
        self.authenticate("test_reporter", "test_reporter")
        self.assertEqual(self.url_open(action["url"]).status_code, 404)
        self.authenticate("test_billing_operator", "test_billing_operator")
        missing = f"/itsm_billing/run/{november.id + 1000}/report.xlsx"
        self.assertEqual(self.url_open(missing).status_code, 404)

    def test_run_report_of_a_rolled_back_run(self):
        november = self.run_to("computed")
        self.challenge(november, "Wrong")
        report = self.env.ref("itsm_billing.action_report_itsm_billing_run")
        with freeze_time(RUN_TIME):
            html = report._render_qweb_html(report.report_name, november.ids)[0]
        html = html.decode()
        self.assertIn("does not count in the variance report", html)
        self.assertIn("Wrong", html)

    def test_reporting_views(self):
        """The Reporting menu's action opens the pivot, the graph and the
        list for a billing operator."""
        action = self.env.ref("itsm_billing.itsm_billing_variance_report_action")
        self.assertEqual(action.view_mode, "pivot,graph,list")
        views = self.Report.with_user(self.billing["operator"]).get_views(
            [(False, "pivot"), (False, "graph"), (False, "list"), (False, "search")]
        )
        self.assertEqual(set(views["views"]), {"pivot", "graph", "list", "search"})
        menu = self.env.ref("itsm_billing.menu_itsm_billing_variance_report")
        self.assertEqual(menu.parent_id.name, "Reporting")
