from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .common import RUN_TIME
from .test_billing_approval import CHECK, ApprovalCase


# PDF rendering needs the HTTP server wkhtmltopdf fetches the assets from:
# under Odoo's runner only HttpCase tests (post_install) have one.
@tagged("post_install", "-at_install")
class TestBillingApprovalTour(HttpCase, ApprovalCase):
    """On a phone (375 × 667), the demo checker opens a computed run from
    *Runs Awaiting Me*, ticks its check report item by item and signs it;
    the signed check report is kept on the run as a PDF."""

    browser_size = "375x667"
    touch_enabled = True

    def test_the_checker_signs_on_a_phone(self):
        run = self.run_to("computed")
        checker = self.env.ref("itsm_billing.user_itsm_billing_checker")
        self.assertIn(checker, self.step(run, CHECK).reviewer_ids)
        self.start_tour(
            "/odoo",
            "itsm_billing_check_phone",
            login="itsm_billing_checker",
            timeout=180,
        )
        run.invalidate_recordset()
        self.assertEqual(run.state, "checked")
        self.assertEqual(run.checker_id, checker)
        self.assertEqual(run.report_item_ids.done_by_id, checker)
        self.assertEqual(self.step(run, CHECK).done_by, checker)
        self.assertTrue(run.check_report_id)

    def test_the_signed_check_report_is_a_pdf(self):
        run = self.run_to("computed")
        with freeze_time(RUN_TIME):
            self.tick_all(run)
            self.as_user(run, "checker").with_context(
                force_report_rendering=True
            ).action_sign()
        report = run.check_report_id
        self.assertEqual(report.mimetype, "application/pdf")
        self.assertTrue(report.raw.startswith(b"%PDF"))
        self.assertTrue(report.name.endswith(".pdf"))
        # Rolled back, the run keeps it.
        with freeze_time(RUN_TIME):
            self.as_user(run, "billing_supervisor")._itsm_challenge("Recheck")
        self.assertEqual(run.check_report_id, report)
        self.assertTrue(report.raw.startswith(b"%PDF"))
