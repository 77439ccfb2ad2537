from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError

from .common import NOVEMBER, RUN_TIME, BillingCase


class TestBillingRun(BillingCase):
    """A month billed end to end (BIL-1, BIL-2, BIL-4, BIL-6): data check,
    run (fees and SLA credits rated, one draft invoice per contract), the
    check by someone other than the operator, the supervisor's review and
    the publication; every step refused out of order, changing nothing."""

    def snapshot(self, run):
        items = self.env["itsm.billing.item"].search(run._itsm_item_domain())
        return (
            sorted((i.key, i.amount, i.move_id.id) for i in items),
            run.amount_total,
            sorted(run.move_ids.ids),
            sorted(run.move_ids.mapped("amount_total")),
        )

    def test_a_month_billed_end_to_end(self):
        self.make_breaches()
        run = self.new_run()
        self.assertEqual(run.state, "draft")
        self.assertEqual(run.operator_id, self.billing["operator"])
        self.assertEqual(run.name, "Billing 2026-11 #1")
        run = self.run_to("data_checked", run)
        self.assertEqual(run.state, "data_checked")
        self.assertEqual(run.check_item_ids.mapped("found_count"), [0, 0, 0, 0, 0])
        items = self.env["itsm.billing.item"].search(run._itsm_item_domain())
        by_kind = {
            kind: items.filtered(lambda i, k=kind: i.kind == k)
            for kind in ("fixed_fee", "sla_credit", "sla_cap")
        }
        self.assertEqual(len(by_kind["fixed_fee"]), 2)
        # Three targets missed on the services of contract A, 5% of its
        # 10 000 fee each; none on B's (its customer's miss is on a service
        # its contract does not cover).
        self.assertEqual(by_kind["sla_credit"].contract_id, self.contract_a)
        self.assertEqual(by_kind["sla_credit"].mapped("price_unit"), [-500.0] * 3)
        # Capped at 10% of the fee: 1 500 of credits brought back to 1 000.
        self.assertEqual(by_kind["sla_cap"].price_unit, 500.0)
        self.assertIn("2026", by_kind["fixed_fee"][0].name)

        # The run, with tracking on as in the web client: no message is
        # posted on each invoice.
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").with_context(
                tracking_disable=False
            ).action_run()
        self.assertEqual(run.state, "computed")
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(run.invoice_count, 2)
        self.assertEqual(run.item_count, 6)
        self.assertEqual(run.amount_total, 15000.0)
        moves = run.move_ids
        self.assertEqual(set(moves.mapped("state")), {"draft"})
        self.assertEqual(set(moves.mapped("move_type")), {"out_invoice"})
        invoice_a = moves.filtered(
            lambda m: m.itsm_billing_contract_id == self.contract_a
        )
        invoice_b = moves - invoice_a
        self.assertEqual(invoice_a.amount_total, 9000.0)
        self.assertEqual(invoice_b.amount_total, 6000.0)
        self.assertEqual(invoice_a.partner_id, self.portal_company)
        self.assertEqual(str(invoice_a.invoice_date), "2026-12-01")
        # The fee line keeps its contract line; the credits are one line.
        self.assertEqual(len(invoice_a.invoice_line_ids), 2)
        self.assertEqual(
            invoice_a.invoice_line_ids.contract_line_id,
            self.contract_a.contract_line_ids,
        )
        self.assertFalse(items.filtered(lambda i: not i.move_line_id))
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "account.move"), ("res_id", "in", moves.ids)]
            )
        )

        # The four-eyes check: another user ticks every item, then signs.
        self.assertEqual(len(run.report_item_ids), 5)
        with freeze_time(RUN_TIME):
            self.tick_all(run)
            self.as_user(run, "checker").action_sign()
        self.assertEqual(run.state, "checked")
        self.assertEqual(run.checker_id, self.billing["checker"])
        self.assertEqual(run.report_item_ids.done_by_id, self.billing["checker"])

        # The supervisor reviews, then publishes: the invoices are posted.
        with freeze_time(RUN_TIME):
            self.as_user(run, "billing_supervisor").action_review()
            self.assertEqual(run.state, "reviewed")
            self.as_user(run, "billing_supervisor").action_publish()
        self.assertEqual(run.state, "published")
        self.assertEqual(run.reviewer_id, self.billing["billing_supervisor"])
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        self.assertNotIn("/", moves.mapped("name"))
        # ...and sent to the customers by account's sending in the
        # background, as the supervisor who published them.
        self.assertTrue(all(moves.mapped("is_being_sent")))
        self.assertEqual(
            moves.mapped("sending_data")[0]["author_user_id"],
            self.billing["billing_supervisor"].id,
        )
        (self.portal_company | self.other_company).email = "billing@example.com"
        send = self.env.ref("account.ir_cron_account_move_send")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", send.id)])
        )
        self.env["account.move"]._cron_account_move_send()
        self.assertTrue(all(moves.mapped("is_move_sent")))
        self.assertFalse(any(moves.mapped("is_being_sent")))
        for move in moves:
            sent = move.message_ids.filtered(lambda m: m.attachment_ids)
            self.assertIn(move.partner_id, sent.partner_ids, move.name)

    def test_the_checker_is_not_the_operator(self):
        # The checker runs it (a checker may operate too)...
        run = self.new_run(user=self.billing["checker"])
        with freeze_time(RUN_TIME):
            self.as_user(run, "checker").action_check_data()
            self.as_user(run, "checker").action_run()
        self.assertEqual(run.operator_id, self.billing["checker"])
        # ...and may then neither tick nor sign its check report.
        with self.assertRaisesRegex(UserError, "four eyes"):
            run.report_item_ids[0].with_user(self.billing["checker"]).action_tick()
        for item in run.report_item_ids:
            item.with_user(self.billing["checker2"]).action_tick()
        with self.assertRaisesRegex(UserError, "four eyes"):
            self.as_user(run, "checker").action_sign()
        self.assertEqual(run.state, "computed")
        self.assertFalse(run.checker_id)
        # Another checker signs.
        self.as_user(run, "checker2").action_sign()
        self.assertEqual(run.checker_id, self.billing["checker2"])

    def test_one_person_does_not_approve_two_steps(self):
        run = self.run_to("computed")
        self.tick_all(run, "billing_supervisor")
        self.as_user(run, "billing_supervisor").action_sign()
        with self.assertRaisesRegex(UserError, "four eyes"):
            self.as_user(run, "billing_supervisor").action_review()
        self.assertEqual(run.state, "checked")

    def test_signing_needs_every_item_ticked(self):
        run = self.run_to("computed")
        run.report_item_ids[0].with_user(self.billing["checker"]).action_tick()
        with self.assertRaisesRegex(UserError, "Tick every item"):
            self.as_user(run, "checker").action_sign()
        self.assertEqual(run.state, "computed")

    def test_steps_out_of_order_are_refused(self):
        run = self.run_to("computed")
        before = self.snapshot(run)
        refusals = [
            ("billing_supervisor", "action_publish", "Publication is not possible"),
            ("billing_supervisor", "action_review", "review is not possible"),
            ("operator", "action_check_data", "data check is not possible"),
        ]
        for role, step, message in refusals:
            with self.subTest(step=step), self.assertRaisesRegex(UserError, message):
                getattr(self.as_user(run, role), step)()
        self.assertEqual(run.state, "computed")
        self.assertEqual(set(run.move_ids.mapped("state")), {"draft"})
        self.assertEqual(self.snapshot(run), before)
        # An operator is no checker, a checker no supervisor.
        with self.assertRaises(AccessError):
            self.as_user(run, "operator").action_sign()
        self.tick_all(run)
        self.as_user(run, "checker").action_sign()
        with self.assertRaises(AccessError):
            self.as_user(run, "checker2").action_review()
        self.assertEqual(run.state, "checked")

    def test_running_twice_changes_nothing(self):
        self.make_breaches()
        run = self.run_to("computed")
        before = self.snapshot(run)
        with self.assertRaisesRegex(UserError, "The run is not possible"):
            self.as_user(run, "operator").action_run()
        # Each step done again inside (a retried chunk) adds nothing.
        with freeze_time(RUN_TIME):
            run._itsm_collect_items()
            run._itsm_rate()
            run._itsm_make_invoices()
        self.assertEqual(self.snapshot(run), before)
        self.assertEqual(run.amount_total, 15000.0)
        self.assertEqual(run.invoice_count, 2)

    def test_the_data_check_stops_bad_data(self):
        self.env["itsm.billing.item"].with_user(self.billing["operator"]).create(
            {
                "name": "Usage without a contract",
                "kind": "usage",
                "period_start": NOVEMBER,
                "quantity": 3,
                "price_unit": 0,
                "partner_id": self.portal_company.id,
            }
        )
        run = self.run_to("data_checked")
        self.assertEqual(run.state, "draft")
        found = {c.code: c.found_count for c in run.check_item_ids}
        self.assertEqual(
            found,
            {
                "no_contract": 1,
                "unpriced": 1,
                "duplicate": 0,
                "negative": 0,
                "outlying": 0,
            },
        )
        self.assertEqual(run.anomaly_count, 2)
        with self.assertRaisesRegex(UserError, "it must be Data checked"):
            self.as_user(run, "operator").action_run()
        self.assertFalse(run.move_ids)

    def test_the_state_changes_through_the_buttons_only(self):
        run = self.new_run()
        changes = ({"state": "published"}, {"checker_id": self.billing["checker"].id})
        for vals in changes:
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "buttons"):
                self.as_user(run, "billing_supervisor").write(vals)
        self.assertEqual(run.state, "draft")
        with self.assertRaisesRegex(UserError, "buttons"):
            run.report_item_ids.with_user(self.billing["checker"]).write({"done": True})
        # Nobody deletes a run, not even the system.
        with self.assertRaises(AccessError):
            self.as_user(run, "billing_supervisor").unlink()
        with self.assertRaisesRegex(UserError, "never deleted"):
            run.sudo().unlink()

    def test_a_published_run_is_final(self):
        run = self.run_to("published")
        with self.assertRaises(AccessError):
            self.as_user(run, "billing_supervisor").write({"note": "<p>Changed</p>"})
        item = self.env["itsm.billing.item"].search([("run_id", "=", run.id)], limit=1)
        with self.assertRaisesRegex(UserError, "challenge"):
            item.with_user(self.billing["billing_supervisor"]).write({"quantity": 9})
        # Everyone may still discuss it.
        self.as_user(run, "operator").message_post(body="Sent to the customers.")

    def test_a_second_run_of_the_month_is_refused(self):
        self.new_run()
        with self.assertRaisesRegex(UserError, "already bills this month"):
            self.new_run()
        # Settlement of the same month is another run.
        self.assertEqual(self.new_run(run_type="settlement").attempt, 1)

    def test_run_contracts_are_not_billed_by_the_contract_cron(self):
        with self.assertRaisesRegex(UserError, "billed by the monthly billing run"):
            self.contract_a._recurring_create_invoice()
        with freeze_time(RUN_TIME):
            self.env["contract.contract"].cron_recurring_create_invoice()
        lines = (self.contract_a | self.contract_b).contract_line_ids
        self.assertFalse(
            self.env["account.move.line"].search(
                [("contract_line_id", "in", lines.ids)]
            )
        )
