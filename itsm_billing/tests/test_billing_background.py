import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from odoo.addons.itsm_change.tests.test_request import RefusedContext

from .common import RUN_TIME, BillingCase

BACKGROUND = "odoo.addons.itsm_billing.models.itsm_billing_run_background"


class Rollback(Exception):
    """Undo what a block did (the foreground run compared with)."""


class TestBillingBackground(BillingCase):
    """BIL-2 at scale (issue 17): a run above the foreground limit runs in
    the background, chunk by chunk, on the billing run cron (core cron's
    progress API); each chunk rates and invoices its contracts as a whole,
    done twice it adds nothing; a failing chunk fails the run, which is
    resumed once the cause is gone; usage records of a contract line make
    one invoice line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("itsm_billing.ir_cron_billing_run")
        cls.usage_product = cls.env["product.product"].create(
            {"name": "Storage GB", "type": "service", "list_price": 2.5}
        )
        cls.usage_product.taxes_id = False
        cls.contract_a.contract_line_ids = [
            Command.create(
                {
                    "product_id": cls.usage_product.id,
                    "name": "Storage #START# – #END#",
                    "quantity": 1,
                    "price_unit": 2.5,
                    "recurring_rule_type": "monthly",
                    "recurring_interval": 1,
                    "date_start": "2026-01-01",
                    "itsm_billing_model": "usage",
                }
            )
        ]
        cls.usage_line = cls.contract_a.contract_line_ids.filtered(
            lambda line: line.itsm_billing_model == "usage"
        )

    def setUp(self):
        super().setUp()
        # Three usage records of contract A's storage line, as the usage
        # import makes them.
        self.usage = self.env["itsm.billing.item"].create(
            [
                {
                    "key": f"usage:STORAGE-{day}",
                    "kind": "usage",
                    "name": f"Storage GB 2026-11-{day:02d}",
                    "period_start": "2026-11-01",
                    "contract_id": self.contract_a.id,
                    "contract_line_id": self.usage_line.id,
                    "partner_id": self.contract_a.partner_id.id,
                    "product_id": self.usage_product.id,
                    "quantity": quantity,
                    "price_unit": 2.5,
                }
                for day, quantity in ((3, 10.0), (14, 20.0), (25, 30.5))
            ]
        )

    def background(self, chunk=1):
        """Every run goes to the background, ``chunk`` contracts a chunk."""
        params = self.env["ir.config_parameter"]
        params.set_param("itsm_billing.run_foreground_items", 0)
        params.set_param("itsm_billing.run_chunk_size", chunk)

    def call_cron(self):
        """One call of the billing run cron, as Odoo's cron runs it (its
        user, a progress record in its context); returns (done, remaining)
        it reported."""
        with freeze_time(RUN_TIME):
            self.cron.method_direct_trigger()
        progress = self.env["ir.cron.progress"].search(
            [("cron_id", "=", self.cron.id)], order="id desc", limit=1
        )
        return progress.done, progress.remaining

    def said(self, run, text):
        return run.message_ids.filtered(lambda m: text in (m.body or ""))

    def result(self, run):
        return {
            "state": run.state,
            "digest": run.result_digest,
            "amount": run.amount_total,
            "invoices": sorted(
                (m.itsm_billing_contract_id.id, m.amount_untaxed) for m in run.move_ids
            ),
        }

    def foreground_result(self, run):
        """The result of the same run done in the foreground, undone."""
        result = {}
        try:
            with self.env.cr.savepoint():
                with freeze_time(RUN_TIME):
                    self.as_user(run, "operator").action_run()
                result = self.result(run)
                raise Rollback()
        except Rollback:
            self.env.invalidate_all()
        self.assertEqual(run.state, "data_checked")
        return result

    def break_contract_b(self):
        """A real cause of failure in the second chunk: no sale journal for
        contract B's invoice (OCA contract refuses to prepare it). Returns
        what to restore."""
        journal = self.contract_b.journal_id
        self.contract_b.journal_id = False
        # account refuses to archive a journal that holds drafts (contract
        # A's, from the first chunk): archived below the ORM.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_journal SET active = false "
            "WHERE type = 'sale' AND company_id = %s RETURNING id",
            [self.env.company.id],
        )
        journals = self.env["account.journal"].browse(
            [row[0] for row in self.env.cr.fetchall()]
        )
        self.env.invalidate_all()
        return journal, journals

    def restore_contract_b(self, journal, journals):
        journals.active = True
        self.contract_b.journal_id = journal

    def test_a_large_run_goes_to_the_background_chunk_by_chunk(self):
        self.make_breaches()
        run = self.run_to("data_checked")
        expected = self.foreground_result(run)
        self.assertEqual(expected["state"], "computed")
        self.background()
        with freeze_time(RUN_TIME):
            action = self.as_user(run, "operator").action_run()
        self.assertEqual(action["params"]["type"], "info")
        self.assertIn("running in the background", action["params"]["message"])
        self.assertEqual(run.state, "running")
        self.assertFalse(run.move_ids)
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        )
        # One contract a call: A, then B, then the end step.
        self.assertEqual(self.call_cron(), (1, 1))
        self.assertEqual(run.state, "running")
        self.assertEqual(run.progress, 50.0)
        self.assertEqual(run.move_ids.itsm_billing_contract_id, self.contract_a)
        self.assertEqual(self.call_cron(), (1, 1))
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(len(run.move_ids), 2)
        self.assertFalse(run.result_digest)
        self.assertEqual(self.call_cron(), (1, 0))
        self.assertEqual(self.result(run), expected)
        self.assertTrue(run.report_item_ids)
        self.assertTrue(self.said(run, "Run computed"))
        self.assertEqual(
            self.contract_a.contract_line_ids.mapped("last_date_invoiced"),
            [run.period_end] * 2,
        )
        # Nothing left to do: the cron says so.
        self.assertEqual(self.call_cron(), (0, 0))

    def test_usage_records_make_one_invoice_line(self):
        """Aggregation: the contract line's usage records are one invoice
        line of their summed quantity; each record keeps its line."""
        run = self.run_to("computed")
        invoice = run.move_ids.filtered(
            lambda m: m.itsm_billing_contract_id == self.contract_a
        )
        line = invoice.invoice_line_ids.filtered(
            lambda move_line: move_line.contract_line_id == self.usage_line
        )
        self.assertEqual(len(line), 1)
        self.assertEqual(line.quantity, 60.5)
        self.assertEqual(line.price_subtotal, 151.25)
        self.assertIn("(3 records)", line.name)
        self.assertEqual(self.usage.move_line_id, line)
        self.assertEqual(sum(self.usage.mapped("amount")), 151.25)

    def test_an_invoice_line_is_the_sum_of_its_items(self):
        """Rounded once per invoice line: 3 × 0.5 SMS at 0.05 is 0.08 on the
        invoice, not 3 × 0.03; the items, rounded cumulatively, add up to
        it, and the run's total is its invoices' to the cent."""
        sms = self.env["itsm.billing.item"].create(
            [
                {
                    "key": f"usage:SMS-{number}",
                    "kind": "usage",
                    "name": f"SMS batch {number}",
                    "period_start": "2026-11-01",
                    "contract_id": self.contract_a.id,
                    "contract_line_id": self.usage_line.id,
                    "partner_id": self.contract_a.partner_id.id,
                    "product_id": self.usage_product.id,
                    "quantity": 0.5,
                    "price_unit": 0.05,
                }
                for number in (1, 2, 3)
            ]
        )
        run = self.run_to("computed")
        line = sms.move_line_id
        self.assertEqual(len(line), 1)
        self.assertEqual(line.quantity, 1.5)
        self.assertEqual(line.price_subtotal, 0.08)
        self.assertEqual(sms.sorted("key").mapped("amount"), [0.03, 0.02, 0.03])
        self.assertEqual(
            run.amount_total, sum(run.move_ids.mapped("amount_untaxed_signed"))
        )

    def test_a_chunk_done_twice_adds_nothing(self):
        run = self.run_to("data_checked")
        self.background()
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_run()
        self.call_cron()
        invoice = run.move_ids
        items = self.env["itsm.billing.item"].search([("run_id", "=", run.id)])
        before = sorted((i.id, i.amount, i.move_line_id.id) for i in items)
        # The chunk again, as a retry after a crash would do it.
        with freeze_time(RUN_TIME):
            run._itsm_run_chunk([self.contract_a.id])
        self.assertEqual(run.move_ids, invoice)
        self.assertEqual(
            sorted((i.id, i.amount, i.move_line_id.id) for i in items), before
        )
        # Below the ORM too: a second invoice of the contract in the run
        # cannot exist.
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            invoice.copy(
                {
                    "itsm_billing_run_id": run.id,
                    "itsm_billing_contract_id": self.contract_a.id,
                }
            )
        # The run ends with one invoice per contract.
        self.call_cron()
        self.call_cron()
        self.assertEqual(run.state, "computed")
        self.assertEqual(
            sorted(run.move_ids.itsm_billing_contract_id.ids),
            sorted((self.contract_a | self.contract_b).ids),
        )

    def test_a_failing_chunk_fails_the_run_and_resume_goes_on(self):
        run = self.run_to("data_checked")
        expected = self.foreground_result(run)
        self.background()
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_run()
        self.call_cron()
        first = run.move_ids
        self.assertEqual(len(first), 1)
        journal = self.break_contract_b()
        with mute_logger(BACKGROUND):
            self.assertEqual(self.call_cron(), (1, 0))
        self.assertEqual(run.state, "failed")
        self.assertTrue(run.failure_message)
        # The failed chunk is undone; the first one's invoice stays.
        self.assertEqual(run.move_ids, first)
        self.assertFalse(
            self.env["itsm.billing.item"].search(
                [("run_id", "=", run.id), ("contract_id", "=", self.contract_b.id)]
            )
        )
        self.assertTrue(self.said(run, "failed"))
        self.assertTrue(
            self.env["mail.mail"].search(
                [
                    ("model", "=", run._name),
                    ("res_id", "=", run.id),
                    ("subject", "like", "Run failed"),
                ]
            )
        )
        # Run is not Resume; a checker does not resume.
        with RefusedContext(self, UserError, "The run is not possible"):
            self.as_user(run, "operator").action_run()
        with RefusedContext(self, AccessError, "you are not a"):
            run.with_user(self.users["reporter"]).action_resume()
        self.assertEqual(run.state, "failed")
        # The cause gone, Resume goes on where the run stopped (in the
        # foreground now: few items left).
        self.restore_contract_b(*journal)
        self.env["ir.config_parameter"].set_param(
            "itsm_billing.run_foreground_items", 1000
        )
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_resume()
        self.assertEqual(run.state, "computed")
        self.assertFalse(run.failure_message)
        self.assertIn(first, run.move_ids)
        self.assertEqual(self.result(run), expected)

    def test_a_failed_run_checked_again_starts_afresh(self):
        run = self.run_to("data_checked")
        self.background()
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_run()
        self.call_cron()
        journal = self.break_contract_b()
        with mute_logger(BACKGROUND):
            self.call_cron()
        self.assertEqual(run.state, "failed")
        self.restore_contract_b(*journal)
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_check_data()
        # The draft invoice is gone, the items back to the month.
        self.assertEqual(run.state, "data_checked")
        self.assertFalse(run.move_ids)
        self.assertFalse(
            self.env["itsm.billing.item"].search(
                ["|", ("run_id", "=", run.id), ("move_id", "!=", False)]
            )
        )
        self.assertTrue(self.said(run, "discarded"))
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_run()
        self.call_cron()
        self.call_cron()
        self.assertEqual(self.call_cron(), (1, 0))
        self.assertEqual(run.state, "computed")
        self.assertEqual(len(run.move_ids), 2)

    def test_steps_on_a_running_run_are_refused(self):
        run = self.run_to("data_checked")
        self.background()
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_run()
        self.call_cron()
        invoices = run.move_ids
        refusals = (
            ("operator", "action_run", "The run is not possible"),
            ("operator", "action_resume", "Resuming the run is not possible"),
            ("operator", "action_check_data", "The data check is not possible"),
            ("checker", "action_sign", "Signing the check report is not possible"),
            (
                "billing_supervisor",
                "action_review",
                "The supervisor's review is not possible",
            ),
            ("billing_supervisor", "action_publish", "Publication is not possible"),
        )
        for role, method, text in refusals:
            with (
                self.subTest(method=method),
                RefusedContext(self, UserError, text),
            ):
                getattr(self.as_user(run, role), method)()
            self.assertEqual(run.state, "running")
            self.assertEqual(run.move_ids, invoices)
            self.assertEqual(run.progress, 50.0)

    def test_resume_only_a_failed_run(self):
        run = self.run_to("data_checked")
        with RefusedContext(self, UserError, "Resuming the run is not possible"):
            self.as_user(run, "operator").action_resume()
        self.assertEqual(run.state, "data_checked")
        run = self.run_to("computed", run)
        with RefusedContext(self, UserError, "Resuming the run is not possible"):
            self.as_user(run, "operator").action_resume()
        self.assertEqual(run.state, "computed")
