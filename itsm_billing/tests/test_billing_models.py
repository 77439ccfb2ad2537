import base64

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError

from odoo.addons.itsm_incident.tests.common import close_the_loop, utc

from .common import NOVEMBER, RUN_TIME, BillingCase


class BillingModelsCase(BillingCase):
    """Customer C's contract, billed by the monthly run with one line of each
    billing model (BIL-1): a fixed monthly fee, per ticket (network tickets
    only, 10% discount), per service request, per usage unit (SMS)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_c = cls.env["res.partner"].create(
            {"name": "Customer C", "is_company": True, "ref": "CUST-C"}
        )
        Product = cls.env["product.product"]
        cls.ticket_product = Product.create(
            {"name": "Incident handling", "type": "service"}
        )
        cls.request_product = Product.create(
            {"name": "Request fulfilment", "type": "service"}
        )
        cls.sms_product = Product.create(
            {"name": "SMS sent", "type": "service", "default_code": "T-SMS"}
        )
        (cls.ticket_product | cls.request_product | cls.sms_product).taxes_id = False
        Category = cls.env["helpdesk.ticket.category"]
        cls.network = Category.create({"name": "Network"})
        cls.software = Category.create({"name": "Software"})
        cls.contract_c = cls.make_contract(
            cls.customer_c,
            cls.fee_product,
            1000.0,
            services=cls.service_billing | cls.service_crm,
            code="CT-C",
        )

        def line(product, model, price, **vals):
            return Command.create(
                {
                    "product_id": product.id,
                    "name": f"{product.name} #START# – #END#",
                    "price_unit": price,
                    "recurring_rule_type": "monthly",
                    "recurring_interval": 1,
                    "date_start": "2026-01-01",
                    "itsm_billing_model": model,
                }
                | vals
            )

        cls.contract_c.contract_line_ids = [
            line(
                cls.ticket_product,
                "ticket",
                150.50,
                discount=10.0,
                itsm_ticket_category_ids=[Command.set(cls.network.ids)],
            ),
            line(cls.request_product, "request", 80.0),
            line(cls.sms_product, "usage", 0.05),
        ]
        lines = cls.contract_c.contract_line_ids
        cls.fee_line = lines.filtered(lambda li: li.itsm_billing_model == "fixed")
        cls.ticket_line = lines.filtered(lambda li: li.itsm_billing_model == "ticket")
        cls.request_line = lines.filtered(lambda li: li.itsm_billing_model == "request")
        cls.usage_line = lines.filtered(lambda li: li.itsm_billing_model == "usage")

    def closed_ticket(self, at, category=None, service=None, kind="incident", **kw):
        """A ticket of customer C closed (done) at ``at``."""
        ticket = self.ticket(self.customer_c, service or self.service_billing)
        ticket.write(
            {"declaration_type": kind, "category_id": (category or self.network).id}
        )
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        stage = kw.get("stage", done)
        with freeze_time(at):
            close_the_loop(self.screen(ticket)).write(
                {"stage_id": stage.id}
                | ({} if stage == done else {"itsm_close_reason": "Withdrawn."})
            )
        return ticket

    def import_usage(self, csv_text, user=None):
        wizard = (
            self.env["itsm.billing.usage.import"]
            .with_user(user or self.billing["operator"])
            .create(
                {
                    "period_start": NOVEMBER,
                    "file": base64.b64encode(csv_text.encode()),
                    "filename": "usage.csv",
                }
            )
        )
        wizard.action_import()
        return wizard


class TestBillingModels(BillingModelsCase):
    def test_a_month_billed_with_each_model(self):
        billed = self.closed_ticket(utc(2026, 11, 10, 12, 0))
        # Closed at 23:30 on 30 November in Shanghai: in the month.
        late = self.closed_ticket(utc(2026, 11, 30, 23, 30))
        request = self.closed_ticket(
            utc(2026, 11, 20, 10, 0),
            category=self.software,
            service=self.service_crm,
            kind="service_request",
        )
        # Not billed: another category, a service the contract does not
        # cover, closed before or after the month (in Shanghai), cancelled,
        # another customer's ticket.
        self.closed_ticket(utc(2026, 11, 12, 9, 0), category=self.software)
        self.closed_ticket(utc(2026, 11, 12, 9, 0), service=self.service_hotline)
        self.closed_ticket(utc(2026, 10, 31, 23, 30))
        self.closed_ticket(utc(2026, 12, 1, 0, 30))
        self.closed_ticket(
            utc(2026, 11, 15, 9, 0),
            stage=self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_cancelled"),
        )
        other = self.ticket(self.other_company, self.service_billing)
        other.category_id = self.network
        with freeze_time(utc(2026, 11, 10, 12, 0)):
            close_the_loop(self.screen(other)).stage_id = self.env.ref(
                "helpdesk_mgmt.helpdesk_ticket_stage_done"
            )
        wizard = self.import_usage(
            "customer,product,date,quantity,reference\n"
            "CUST-C,T-SMS,2026-11-03,1234,BSS-1\n"
            "CUST-C,T-SMS,2026-11-17,99.5,BSS-2\n"
        )
        self.assertEqual(wizard.state, "done", wizard.report)

        run = self.run_to("data_checked")
        self.assertEqual(run.state, "data_checked")
        items = self.env["itsm.billing.item"].search(
            run._itsm_item_domain() + [("contract_id", "=", self.contract_c.id)]
        )
        self.assertEqual(
            sorted(items.mapped("key")),
            sorted(
                [
                    f"fixed_fee:contract.line:{self.fee_line.id}",
                    f"ticket:{billed.id}:{self.ticket_line.id}",
                    f"ticket:{late.id}:{self.ticket_line.id}",
                    f"request:{request.id}:{self.request_line.id}",
                    "usage:BSS-1",
                    "usage:BSS-2",
                ]
            ),
        )
        tickets = items.filtered(lambda i: i.kind == "ticket")
        self.assertEqual(tickets.ticket_id, billed | late)
        # The line's unit price less its discount: 150.50 × 90%.
        self.assertEqual(tickets.mapped("price_unit"), [135.45, 135.45])
        self.assertEqual(items.filtered(lambda i: i.kind == "request").price_unit, 80.0)
        # Collecting again adds nothing.
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_check_data()
        self.assertEqual(
            self.env["itsm.billing.item"].search_count(
                run._itsm_item_domain() + [("contract_id", "=", self.contract_c.id)]
            ),
            6,
        )

        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_run()
        self.assertEqual(run.state, "computed")
        invoice = run.move_ids.filtered(
            lambda m: m.itsm_billing_contract_id == self.contract_c
        )
        # 1 000 fee + 2 × 135.45 tickets + 80 request + 1 333.5 SMS × 0.05.
        self.assertEqual(invoice.amount_total, 1417.58)
        by_line = {
            line.contract_line_id: (line.quantity, line.price_unit, line.price_subtotal)
            for line in invoice.invoice_line_ids
            if line.contract_line_id != self.usage_line
        }
        self.assertEqual(by_line[self.fee_line], (1.0, 1000.0, 1000.0))
        self.assertEqual(by_line[self.ticket_line], (2.0, 135.45, 270.90))
        self.assertEqual(by_line[self.request_line], (1.0, 80.0, 80.0))
        usage = invoice.invoice_line_ids.filtered(
            lambda line: line.contract_line_id == self.usage_line
        )
        # The line's usage records make one invoice line (issue 17): their
        # quantities summed, 4.98 + 61.70.
        self.assertEqual(usage.mapped("price_subtotal"), [66.68])
        ticket_line = invoice.invoice_line_ids.filtered(
            lambda line: line.contract_line_id == self.ticket_line
        )
        self.assertIn("2 tickets closed", ticket_line.name)
        # Every item knows its invoice line; the rated amounts are the
        # invoice's, to the cent.
        self.assertEqual(tickets.move_line_id, ticket_line)
        self.assertAlmostEqual(sum(items.mapped("amount")), 1417.58, places=2)

    def test_one_ticket_billed_twice_is_a_finding(self):
        # A second per-ticket line with no filter bills the network ticket
        # again: the data check finds the duplicate and the run cannot go on.
        self.contract_c.contract_line_ids = [
            Command.create(
                {
                    "product_id": self.ticket_product.id,
                    "name": "All tickets",
                    "price_unit": 100.0,
                    "recurring_rule_type": "monthly",
                    "date_start": "2026-01-01",
                    "itsm_billing_model": "ticket",
                }
            )
        ]
        self.closed_ticket(utc(2026, 11, 10, 12, 0))
        run = self.run_to("data_checked")
        self.assertEqual(run.state, "draft")
        duplicates = run.check_item_ids.filtered(lambda c: c.code == "duplicate")
        self.assertEqual(duplicates.found_count, 2)

    def test_tickets_billed_by_priority(self):
        # P1 tickets at 500 on a line of their own, the others at the
        # network line's price: a P1 ticket is billed once, on its line.
        p1 = self.env["itsm.priority"].search([("level", "=", "1")])
        others = self.env["itsm.priority"].search([("level", "!=", "1")])
        self.ticket_line.itsm_ticket_priority_ids = others
        self.contract_c.contract_line_ids = [
            Command.create(
                {
                    "product_id": self.ticket_product.id,
                    "name": "Major incidents",
                    "price_unit": 500.0,
                    "recurring_rule_type": "monthly",
                    "date_start": "2026-01-01",
                    "itsm_billing_model": "ticket",
                    "itsm_ticket_priority_ids": [Command.set(p1.ids)],
                }
            )
        ]
        major_line = self.contract_c.contract_line_ids.filtered(
            lambda li: li.name == "Major incidents"
        )
        major = self.closed_ticket(utc(2026, 11, 10, 12, 0))
        major.sudo().write(
            {"priority_override": "1", "priority_override_reason": "Bank down."}
        )
        minor = self.closed_ticket(utc(2026, 11, 11, 12, 0))
        minor.sudo().write(
            {"priority_override": "3", "priority_override_reason": "One user."}
        )
        # A ticket with no priority is on neither line.
        self.closed_ticket(utc(2026, 11, 12, 12, 0)).sudo().write(
            {"priority_override": False, "impact": False, "urgency": False}
        )
        run = self.run_to("data_checked")
        self.assertEqual(run.state, "data_checked")
        items = self.env["itsm.billing.item"].search(
            run._itsm_item_domain() + [("kind", "=", "ticket")]
        )
        self.assertEqual(
            {(i.ticket_id, i.contract_line_id, i.price_unit) for i in items},
            {(major, major_line, 500.0), (minor, self.ticket_line, 135.45)},
        )

    def test_billing_model_constraints(self):
        with self.assertRaises(ValidationError) as refused, self.env.cr.savepoint():
            self.usage_line.itsm_ticket_category_ids = self.network
        self.env.invalidate_all()
        self.assertIn("per usage unit has none", str(refused.exception))
        self.assertFalse(self.usage_line.itsm_ticket_category_ids)
        p1 = self.env["itsm.priority"].search([("level", "=", "1")])
        with self.assertRaises(ValidationError) as refused, self.env.cr.savepoint():
            self.usage_line.itsm_ticket_priority_ids = p1
        self.env.invalidate_all()
        self.assertIn("per usage unit has none", str(refused.exception))
        self.assertFalse(self.usage_line.itsm_ticket_priority_ids)
        self.assertFalse(self.usage_line.itsm_ticket_category_ids)
        with self.assertRaises(ValidationError) as refused, self.env.cr.savepoint():
            self.ticket_line.recurring_rule_type = "quarterly"
        self.env.invalidate_all()
        self.assertIn("recurs every month", str(refused.exception))
        self.assertEqual(self.ticket_line.recurring_rule_type, "monthly")
