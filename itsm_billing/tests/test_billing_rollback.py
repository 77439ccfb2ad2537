from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from odoo.addons.itsm_incident.tests.common import utc

from .common import NOVEMBER, BillingCase

# The supervisor questions November's results on 3 December.
CHALLENGE_TIME = utc(2026, 12, 3, 2, 0)


class TestBillingRollback(BillingCase):
    """Challenge → rollback → re-run (BIL-7): the supervisor challenges a
    run's result with a reason; its drafts are removed or its posted
    invoices reversed by credit notes, the contract dates it moved are
    restored, the run stays as *rolled back*; the re-run of the same data
    gives the same digest and the same invoices line by line. Every refusal
    changes nothing."""

    def challenge(self, run, reason="The hotline fee looks doubled", role=None):
        with freeze_time(CHALLENGE_TIME):
            wizard = (
                self.env["itsm.billing.run.challenge"]
                .with_user(self.billing[role or "billing_supervisor"])
                .create({"run_id": run.id, "reason": reason})
            )
            return wizard.action_confirm()

    def rerun(self, run):
        with freeze_time(CHALLENGE_TIME):
            action = self.as_user(run, "operator").action_rerun()
        return self.env["itsm.billing.run"].browse(action["res_id"])

    def contract_dates(self):
        lines = (self.contract_a | self.contract_b).contract_line_ids
        return {
            line.id: (line.last_date_invoiced, line.recurring_next_date)
            for line in lines
        }

    def invoice_lines(self, moves):
        """The invoices line by line: contract, contract line, label,
        quantity, unit price, subtotal."""
        return sorted(
            (
                line.move_id.itsm_billing_contract_id.id,
                line.contract_line_id.id,
                line.name,
                line.quantity,
                line.price_unit,
                line.price_subtotal,
            )
            for line in moves.invoice_line_ids
        )

    def state_of(self, run):
        items = self.env["itsm.billing.item"].search(run._itsm_item_domain())
        return (
            run.state,
            run.challenged_by_id,
            sorted(run.move_ids.ids),
            sorted(run.move_ids.mapped("state")),
            self.env["account.move"].search_count(
                [("itsm_billing_rollback_run_id", "!=", False)]
            ),
            sorted((i.key, i.amount, i.run_id.id, i.move_id.id) for i in items),
            self.contract_dates(),
        )

    def test_a_published_run_challenged_and_run_again(self):
        self.make_breaches()
        first_dates = self.contract_dates()
        run = self.run_to("published")
        invoices = run.move_ids
        before = self.invoice_lines(invoices)
        self.assertEqual(run.amount_total, 15000.0)
        self.assertEqual(len(run.result_digest), 64)
        self.assertEqual(len(run.result_lines), 6)
        # The run moved the contract dates past November, as contract does.
        for last, next_date in self.contract_dates().values():
            self.assertEqual(last, date(2026, 11, 30))
            self.assertEqual(next_date, date(2026, 12, 1))

        self.challenge(run)
        self.assertEqual(run.state, "rolled_back")
        self.assertEqual(run.challenged_by_id, self.billing["billing_supervisor"])
        self.assertEqual(run.challenge_reason, "The hotline fee looks doubled")
        self.assertEqual(run.challenged_date, utc(2026, 12, 3, 2, 0))
        # Each posted invoice reversed by a posted credit note of its amount.
        notes = run.credit_note_ids
        self.assertEqual(run.credit_note_count, 2)
        self.assertEqual(set(notes.mapped("move_type")), {"out_refund"})
        self.assertEqual(set(notes.mapped("state")), {"posted"})
        self.assertEqual(notes.reversed_entry_id, invoices)
        for note in notes:
            self.assertEqual(note.amount_total, note.reversed_entry_id.amount_total)
            self.assertEqual(
                note.itsm_billing_contract_id,
                note.reversed_entry_id.itsm_billing_contract_id,
            )
            self.assertEqual(str(note.invoice_date), "2026-12-03")
        self.assertEqual(set(invoices.mapped("payment_state")), {"reversed"})
        # The invoices stay on the run, its result too; the items went back
        # to the month and the contract dates to what they were.
        self.assertEqual(run.move_ids, invoices)
        self.assertEqual(run.amount_total, 15000.0)
        self.assertEqual(run.item_count, 6)
        items = self.env["itsm.billing.item"].search(run._itsm_item_domain())
        self.assertFalse(items.run_id or items.move_id)
        self.assertEqual(self.contract_dates(), first_dates)
        bodies = "".join(run.message_ids.mapped("body"))
        self.assertIn("The hotline fee looks doubled", bodies)
        self.assertIn("2 posted invoices reversed by credit notes", bodies)
        self.assertIn("Contract dates restored on 2 lines", bodies)
        # Rolled back is final: nobody edits it.
        with self.assertRaises(AccessError):
            self.as_user(run, "billing_supervisor").write({"note": "<p>x</p>"})

        # The re-run: number 2 of the month, the same data, the same result.
        rerun = self.rerun(run)
        self.assertEqual(rerun.attempt, 2)
        self.assertEqual(rerun.name, "Billing 2026-11 #2")
        self.assertEqual(rerun.previous_run_id, run)
        self.run_to("published", rerun)
        self.assertEqual(rerun.result_digest, run.result_digest)
        self.assertEqual(rerun.result_lines, run.result_lines)
        self.assertEqual(rerun.result_comparison, "same")
        self.assertEqual(rerun.amount_total, 15000.0)
        self.assertEqual(self.invoice_lines(rerun.move_ids), before)
        self.assertFalse(rerun.move_ids & invoices)

    def test_a_computed_run_rolled_back(self):
        self.make_breaches()
        first_dates = self.contract_dates()
        run = self.run_to("computed")
        drafts = run.move_ids
        before = self.invoice_lines(drafts)
        digest = run.result_digest
        # Through the button and its wizard, as in the web client.
        supervisor = self.billing["billing_supervisor"]
        action = self.as_user(run, "billing_supervisor").action_challenge()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(supervisor)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.run_id, run)
        wizard.reason = "Credits look low"
        with freeze_time(CHALLENGE_TIME):
            wizard.save().action_confirm()
        self.assertEqual(run.state, "rolled_back")
        self.assertEqual(run.challenge_reason, "Credits look low")
        # The drafts (no number yet) are gone; nothing was reversed.
        self.assertFalse(drafts.exists())
        self.assertFalse(run.move_ids)
        self.assertFalse(run.credit_note_ids)
        self.assertEqual(self.contract_dates(), first_dates)
        self.assertIn(
            "2 draft invoices removed", "".join(run.message_ids.mapped("body"))
        )
        rerun = self.rerun(run)
        self.run_to("computed", rerun)
        self.assertEqual(rerun.result_digest, digest)
        self.assertEqual(self.invoice_lines(rerun.move_ids), before)

    def test_other_data_gives_another_digest(self):
        run = self.run_to("computed")
        self.challenge(run)
        # The data is corrected before the re-run: the result differs.
        self.contract_b.contract_line_ids.quantity = 1
        rerun = self.run_to("computed", self.rerun(run))
        self.assertEqual(rerun.amount_total, 13000.0)
        self.assertNotEqual(rerun.result_digest, run.result_digest)
        self.assertEqual(rerun.result_comparison, "different")

    def test_refused_challenges_change_nothing(self):
        draft = self.new_run()
        with self.assertRaisesRegex(UserError, "A challenge is not possible"):
            self.challenge(draft)
        self.assertEqual(draft.state, "draft")
        run = self.run_to("published", draft)
        before = self.state_of(run)
        refusals = [
            ({"reason": "  "}, UserError, "Give the reason"),
            ({"role": "checker"}, AccessError, ""),
            ({"role": "operator"}, AccessError, ""),
        ]
        for kwargs, error, message in refusals:
            with self.subTest(**kwargs), self.assertRaisesRegex(error, message):
                self.challenge(run, **kwargs)
            self.assertEqual(self.state_of(run), before)
        # Not even through the run's method or button.
        with self.assertRaisesRegex(AccessError, "not a Billing Supervisor"):
            self.as_user(run, "checker")._itsm_challenge("A reason")
        with self.assertRaisesRegex(AccessError, "not a Billing Supervisor"):
            self.as_user(run, "checker").action_challenge()
        self.assertEqual(self.state_of(run), before)
        # No re-run while the month's run stands.
        with self.assertRaisesRegex(UserError, "A re-run is not possible"):
            self.rerun(run)
        with self.assertRaisesRegex(UserError, "already bills this month"):
            self.new_run()
        # Challenged once, never twice.
        self.challenge(run)
        after = self.state_of(run)
        with self.assertRaisesRegex(UserError, "it is Rolled back"):
            self.challenge(run, reason="Again")
        self.assertEqual(self.state_of(run), after)
        self.assertEqual(run.challenge_reason, "The hotline fee looks doubled")

    def test_a_paid_invoice_stops_the_rollback(self):
        run = self.run_to("published")
        invoice = run.move_ids[0]
        with freeze_time(CHALLENGE_TIME):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        before = self.state_of(run)
        with self.assertRaisesRegex(UserError, "payments are reconciled"):
            self.challenge(run)
        self.assertEqual(self.state_of(run), before)

    def test_runs_of_other_months_are_numbered_apart(self):
        run = self.run_to("computed")
        self.challenge(run)
        october = self.new_run(period=date(2026, 10, 1))
        self.assertEqual(october.attempt, 1)
        self.assertEqual(self.rerun(run).attempt, 2)
        self.assertEqual(
            self.env["itsm.billing.run"].search_count(
                [("period_start", "=", NOVEMBER), ("run_type", "=", "billing")]
            ),
            2,
        )
