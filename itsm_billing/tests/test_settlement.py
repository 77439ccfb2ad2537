from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount

from odoo.addons.itsm_change.tests.test_request import RefusedContext
from odoo.addons.itsm_incident.tests.common import utc

from .common import RUN_TIME, BillingCase

# The supervisor questions November's settlement on 6 December.
CHALLENGE_TIME = utc(2026, 12, 6, 2, 0)


class TestSettlement(BillingCase):
    """The settlement run (BIL-3, 结算): from November's published billing
    run, an agent (代理商) is paid a share of what the customer it brought
    was billed, a content provider (CP) a fee per unit of its product billed;
    one draft vendor bill per partner, posted on publication, reversed by
    refunds when the run is rolled back; the re-run gives the same result.
    A month whose billing is not published is not settled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        Product = cls.env["product.product"]
        cls.agent = Partner.create(
            {"name": "华南代理商", "is_company": True, "itsm_settlement_role": "agent"}
        )
        cls.cp = Partner.create(
            {"name": "热线内容提供商", "is_company": True, "itsm_settlement_role": "cp"}
        )
        cls.channel = Partner.create(
            {"name": "线上渠道", "is_company": True, "itsm_settlement_role": "channel"}
        )
        # The agent brought customer A only; its contact follows.
        cls.portal_company.itsm_settlement_partner_id = cls.agent
        cls.commission = Product.create(
            {"name": "Agent commission", "type": "service", "purchase_ok": True}
        )
        cls.content_fee = Product.create(
            {"name": "Content fee", "type": "service", "purchase_ok": True}
        )
        (cls.commission | cls.content_fee).supplier_taxes_id = False
        Term = cls.env["itsm.settlement.term"]
        cls.agent_term = Term.create(
            {
                "name": "Agent share",
                "partner_id": cls.agent.id,
                "kind": "revenue_share",
                "share_percent": 3.3333,
                "bill_product_id": cls.commission.id,
                "date_start": date(2026, 11, 1),
            }
        )
        # An older share of the agent, ended before November closed.
        cls.old_term = Term.create(
            {
                "name": "Agent share 2026-H1",
                "partner_id": cls.agent.id,
                "kind": "revenue_share",
                "share_percent": 50.0,
                "bill_product_id": cls.commission.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 10, 31),
            }
        )
        cls.cp_term = Term.create(
            {
                "name": "Hotline content",
                "partner_id": cls.cp.id,
                "kind": "fee_per_unit",
                "unit_fee": 17.5,
                "product_ids": [Command.set(cls.hotline_product.ids)],
                "bill_product_id": cls.content_fee.id,
                "date_start": date(2026, 1, 1),
            }
        )
        # A channel that brought nobody billed: nothing to settle.
        cls.channel_term = Term.create(
            {
                "name": "Channel share",
                "partner_id": cls.channel.id,
                "kind": "revenue_share",
                "share_percent": 5.0,
                "bill_product_id": cls.commission.id,
                "date_start": date(2026, 1, 1),
            }
        )

    def published_billing(self):
        """November billed and published: A 10 000 less 1 000 of capped
        credits, B two hotline units of 3 000."""
        self.make_breaches()
        billing = self.run_to("published")
        self.assertEqual(billing.amount_total, 15000.0)
        return billing

    def challenge(self, run, reason="The agent's share looks wrong"):
        with freeze_time(CHALLENGE_TIME):
            self.env["itsm.billing.run.challenge"].with_user(
                self.billing["billing_supervisor"]
            ).create({"run_id": run.id, "reason": reason}).action_confirm()

    def bills(self, run):
        """{partner: [(product, label, quantity, unit price, subtotal)]}"""
        return {
            move.partner_id: [
                (
                    line.product_id,
                    line.name,
                    line.quantity,
                    line.price_unit,
                    line.price_subtotal,
                )
                for line in move.invoice_line_ids.sorted("sequence")
            ]
            for move in run.move_ids
        }

    def test_settlement_bills_for_an_agent_and_a_cp(self):
        self.published_billing()
        run = self.run_to("computed", self.new_run(run_type="settlement"))
        self.assertEqual(run.state, "computed")
        bills = run.move_ids
        self.assertEqual(len(bills), 2)
        self.assertEqual(set(bills.mapped("move_type")), {"in_invoice"})
        self.assertEqual(set(bills.mapped("state")), {"draft"})
        self.assertEqual(set(bills.journal_id.mapped("type")), {"purchase"})
        self.assertEqual(set(bills.mapped("invoice_date")), {date(2026, 12, 1)})
        self.assertEqual(bills.partner_id, self.agent | self.cp)
        lines = self.bills(run)
        nine_thousand = format_amount(self.env, 9000.0, run.currency_id)
        # The agent: 3.3333% of the 9 000.00 billed to customer A (the fee
        # less the capped SLA credits) = 299.997, to the cent 300.00; the
        # older term, ended in October, and customer B count for nothing.
        self.assertEqual(
            lines[self.agent],
            [
                (
                    self.commission,
                    f"Agent share: 3.3333% of {nine_thousand} billed in 2026-11 "
                    "(1 customers)",
                    1.0,
                    300.0,
                    300.0,
                )
            ],
        )
        # The CP: 17.50 for each of the two hotline units billed to B.
        self.assertEqual(
            lines[self.cp],
            [
                (
                    self.content_fee,
                    "Hotline content: 2 units billed in 2026-11",
                    2.0,
                    17.5,
                    35.0,
                )
            ],
        )
        self.assertEqual(run.amount_total, 335.0)
        self.assertEqual(sum(bills.mapped("amount_total")), 335.0)
        items = run.item_ids
        self.assertEqual(
            sorted(items.mapped("key")),
            [
                f"revenue_share:itsm.settlement.term:{self.agent_term.id}",
                f"unit_fee:itsm.settlement.term:{self.cp_term.id}",
            ],
        )
        self.assertEqual(set(items.mapped("run_type")), {"settlement"})
        self.assertEqual(items.move_id, bills)
        # The settlement's data checks: no contract needed, a partner is.
        codes = run.check_item_ids.mapped("code")
        self.assertIn("no_partner", codes)
        self.assertNotIn("no_contract", codes)
        self.assertFalse(run.anomaly_count)
        action = run.action_open_invoices()
        self.assertEqual(action["context"]["default_move_type"], "in_invoice")

        # Checked, reviewed and published: the bills are posted.
        with freeze_time(RUN_TIME):
            self.tick_all(run)
            self.as_user(run, "checker").action_sign()
            self.as_user(run, "billing_supervisor").action_review()
            self.as_user(run, "billing_supervisor").action_publish()
        self.assertEqual(run.state, "published")
        self.assertEqual(set(bills.mapped("state")), {"posted"})

    def test_settlement_refused_while_billing_is_not_published(self):
        billing = self.run_to("reviewed")
        run = self.new_run(run_type="settlement")
        with (
            freeze_time(RUN_TIME),
            RefusedContext(
                self, UserError, "the billing run of the month is not published"
            ),
        ):
            self.as_user(run, "operator").action_check_data()
        self.assertEqual(run.state, "draft")
        self.assertFalse(run.check_item_ids)
        self.assertFalse(
            self.env["itsm.billing.item"].search_count(run._itsm_item_domain())
        )
        # Published, then challenged after the settlement's data check: the
        # settlement run is refused as well, nothing made.
        with freeze_time(RUN_TIME):
            self.as_user(billing, "billing_supervisor").action_publish()
            self.as_user(run, "operator").action_check_data()
        self.assertEqual(run.state, "data_checked")
        self.challenge(billing, "Customer B's hotline units are wrong")
        with (
            freeze_time(RUN_TIME),
            RefusedContext(
                self, UserError, "the billing run of the month is not published"
            ),
        ):
            self.as_user(run, "operator").action_run()
        self.assertEqual(run.state, "data_checked")
        self.assertFalse(run.move_ids)
        self.assertFalse(run.failure_message)

    def test_settlement_rerun_is_idempotent(self):
        self.published_billing()
        run = self.run_to("computed", self.new_run(run_type="settlement"))
        first = self.bills(run)
        digest, bills = run.result_digest, run.move_ids
        # Steps done again (a retried chunk) add nothing.
        with freeze_time(RUN_TIME):
            run._itsm_collect_items()
            run._itsm_rate()
            run._itsm_make_invoices()
        self.assertEqual(run.move_ids, bills)
        self.assertEqual(
            self.env["itsm.billing.item"].search_count(run._itsm_item_domain()), 2
        )
        # Challenged, rolled back (drafts removed) and run again: the same
        # result to the cent, one bill per partner.
        self.challenge(run)
        self.assertEqual(run.state, "rolled_back")
        self.assertFalse(bills.exists())
        with freeze_time(CHALLENGE_TIME):
            action = self.as_user(run, "operator").action_rerun()
        rerun = self.env["itsm.billing.run"].browse(action["res_id"])
        self.run_to("computed", rerun)
        self.assertEqual(rerun.attempt, 2)
        self.assertEqual(rerun.result_digest, digest)
        self.assertEqual(rerun.result_comparison, "same")
        self.assertEqual(rerun.amount_total, 335.0)
        self.assertEqual(self.bills(rerun), first)
        self.assertEqual(len(rerun.move_ids), 2)
        self.assertEqual(
            self.env["account.move"].search_count(
                [("move_type", "=", "in_invoice"), ("partner_id", "=", self.agent.id)]
            ),
            1,
        )

    def test_rollback_reverses_posted_vendor_bills(self):
        self.published_billing()
        run = self.run_to("published", self.new_run(run_type="settlement"))
        bills = run.move_ids
        self.assertEqual(set(bills.mapped("state")), {"posted"})
        self.challenge(run)
        self.assertEqual(run.state, "rolled_back")
        refunds = run.credit_note_ids
        self.assertEqual(len(refunds), 2)
        self.assertEqual(set(refunds.mapped("move_type")), {"in_refund"})
        self.assertEqual(set(refunds.mapped("state")), {"posted"})
        self.assertEqual(refunds.reversed_entry_id, bills)
        for refund in refunds:
            self.assertEqual(refund.amount_total, refund.reversed_entry_id.amount_total)
            self.assertEqual(refund.partner_id, refund.reversed_entry_id.partner_id)
            self.assertEqual(refund.invoice_date, date(2026, 12, 6))
        self.assertEqual(set(bills.mapped("payment_state")), {"reversed"})
        items = self.env["itsm.billing.item"].search(run._itsm_item_domain())
        self.assertEqual(len(items), 2)
        self.assertFalse(items.run_id or items.move_id)
        self.assertIn(
            "2 posted invoices reversed by credit notes",
            "".join(run.message_ids.mapped("body")),
        )
        action = run.action_open_credit_notes()
        self.assertEqual(action["context"]["default_move_type"], "in_refund")

    def test_terms_refused_when_inconsistent(self):
        Term = self.env["itsm.settlement.term"]
        Partner = self.env["res.partner"]
        new_cp = Partner.create({"name": "New CP", "itsm_settlement_role": "cp"})
        new_agent = Partner.create(
            {"name": "New agent", "itsm_settlement_role": "agent"}
        )
        base = {
            "name": "Wrong",
            "partner_id": new_cp.id,
            "kind": "fee_per_unit",
            "unit_fee": 1.0,
            "bill_product_id": self.content_fee.id,
            "date_start": date(2026, 1, 1),
        }
        count = Term.search_count([])
        # A fee per unit names the products counted.
        with RefusedContext(self, ValidationError, "Name the products"):
            Term.create(base)
        # A CP brings no customers.
        with RefusedContext(self, ValidationError, "brings no customers"):
            Term.create(
                dict(
                    base,
                    customer_scope="own",
                    product_ids=[Command.set(self.fee_product.ids)],
                )
            )
        # The same partner, kind and products in the same days.
        with RefusedContext(self, ValidationError, "overlaps"):
            Term.create(
                dict(
                    base,
                    partner_id=self.cp.id,
                    product_ids=[Command.set(self.hotline_product.ids)],
                    date_start=date(2026, 6, 1),
                )
            )
        # A customer is not a settlement partner.
        with RefusedContext(self, ValidationError, "is no settlement partner"):
            Term.create(dict(base, partner_id=self.other_company.id))
        with RefusedContext(self, ValidationError, "between 0 and 100"):
            Term.create(
                dict(
                    base,
                    partner_id=new_agent.id,
                    kind="revenue_share",
                    share_percent=120.0,
                )
            )
        self.assertEqual(Term.search_count([]), count)

    def test_variance_report_per_partner(self):
        """The settlement's result per partner in the variance report
        (BIL-8): its lines have no contract, the items name the partner."""
        self.published_billing()
        run = self.run_to("computed", self.new_run(run_type="settlement"))
        rows = self.env["itsm.billing.variance.report"].search(
            [("run_id", "=", run.id)]
        )
        self.assertEqual(
            sorted((row.partner_id.name, row.amount) for row in rows),
            [("华南代理商", 300.0), ("热线内容提供商", 35.0)],
        )

    def test_only_supervisors_name_settlement_partners(self):
        """Who is paid what is the billing supervisors' to decide: an
        operator neither makes a partner an agent nor names a customer's
        agent; a form sending the values unchanged passes."""
        customer_b = self.other_company
        operator = self.billing["operator"]
        supervisor = self.billing["billing_supervisor"]
        # Both may edit contacts, as Odoo's internal users do by default.
        contacts = self.env.ref("base.group_partner_manager")
        (operator | supervisor).write({"groups_id": [Command.link(contacts.id)]})
        with RefusedContext(self, AccessError, "Only billing supervisors"):
            customer_b.with_user(operator).itsm_settlement_partner_id = self.agent
        with RefusedContext(self, AccessError, "Only billing supervisors"):
            self.env["res.partner"].with_user(operator).create(
                {"name": "Self-made agent", "itsm_settlement_role": "agent"}
            )
        self.assertFalse(customer_b.itsm_settlement_partner_id)
        self.portal_company.with_user(operator).write(
            {"itsm_settlement_partner_id": self.agent.id, "comment": "Same agent"}
        )
        customer_b.with_user(supervisor).itsm_settlement_partner_id = self.channel
        self.assertEqual(customer_b.itsm_settlement_partner_id, self.channel)
        self.assertEqual(self.channel.itsm_settlement_customer_ids, customer_b)
