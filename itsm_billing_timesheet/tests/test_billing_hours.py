from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError

from odoo.addons.itsm_billing.tests.common import RUN_TIME, BillingCase
from odoo.addons.itsm_incident.tests.common import utc


class TestBillingHours(BillingCase):
    """Customer H's contract billed per hour (BIL-1): a fixed fee and the
    hours timesheeted in the month on its tickets, 200 an hour less 10%."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_h = cls.env["res.partner"].create(
            {"name": "Customer H", "is_company": True}
        )
        cls.contact_h = cls.env["res.partner"].create(
            {"name": "H's contact", "parent_id": cls.customer_h.id}
        )
        cls.hour_product = cls.env["product.product"].create(
            {"name": "Support hour", "type": "service", "taxes_id": False}
        )
        cls.contract_h = cls.make_contract(
            cls.customer_h,
            cls.fee_product,
            1000.0,
            services=cls.service_billing | cls.service_crm,
            code="CT-H",
        )
        cls.contract_h.contract_line_ids = [
            Command.create(
                {
                    "product_id": cls.hour_product.id,
                    "name": "Support hours #START# – #END#",
                    "price_unit": 200.0,
                    "discount": 10.0,
                    "recurring_rule_type": "monthly",
                    "recurring_interval": 1,
                    "date_start": "2026-01-01",
                    "itsm_billing_model": "hour",
                }
            )
        ]
        lines = cls.contract_h.contract_line_ids
        cls.fee_line = lines.filtered(lambda li: li.itsm_billing_model == "fixed")
        cls.hour_line = lines - cls.fee_line
        cls.project = cls.env["project.project"].create(
            {"name": "Support", "allow_timesheets": True}
        )
        cls.worker = cls.env["hr.employee"].create(
            {"name": "Li Wei", "user_id": cls.users["resolver"].id}
        )

    def hours_ticket(self, partner, service, name="Incident"):
        ticket = self.ticket(partner, service, name)
        ticket.project_id = self.project
        return ticket

    def timesheet(self, ticket, day, hours, name="Work", **vals):
        return self.env["account.analytic.line"].create(
            {
                "ticket_id": ticket.id,
                "project_id": ticket.project_id.id,
                "employee_id": self.worker.id,
                "date": day,
                "unit_amount": hours,
                "name": name,
            }
            | vals
        )

    def hour_items(self, run):
        return self.env["itsm.billing.item"].search(
            run._itsm_item_domain() + [("kind", "=", "hour")], order="id"
        )

    def test_a_month_billed_per_hour(self):
        bills = self.hours_ticket(self.contact_h, self.service_billing, "Bills")
        crm = self.hours_ticket(self.customer_h, self.service_crm, "CRM")
        first = self.timesheet(bills, date(2026, 11, 3), 2.5, "Analysis")
        last_day = self.timesheet(bills, date(2026, 11, 30), 1.0, "Fix")
        # 45 minutes; and 20 minutes, kept as the items keep hours (0.33).
        quarter = self.timesheet(crm, date(2026, 11, 15), 0.75, "Sync")
        third = self.timesheet(crm, date(2026, 11, 16), 1 / 3, "Check")
        # Not billed: another month, a service the contract does not cover,
        # another customer's ticket (on a covered service), no hours.
        self.timesheet(bills, date(2026, 10, 31), 3.0)
        self.timesheet(bills, date(2026, 12, 1), 2.0)
        hotline = self.hours_ticket(self.customer_h, self.service_hotline)
        self.timesheet(hotline, date(2026, 11, 5), 4.0)
        other = self.hours_ticket(self.other_company, self.service_billing)
        self.timesheet(other, date(2026, 11, 5), 1.0)
        self.timesheet(bills, date(2026, 11, 6), 0.0)

        run = self.run_to("data_checked")
        self.assertEqual(run.state, "data_checked")
        items = self.hour_items(run)
        self.assertEqual(
            items.mapped("key"),
            [
                f"hour:{sheet.id}:{self.hour_line.id}"
                for sheet in (first, quarter, third, last_day)
            ],
        )
        self.assertEqual(items.mapped("quantity"), [2.5, 0.75, 0.33, 1.0])
        # The line's hourly price less its discount: 200 × 90%.
        self.assertEqual(set(items.mapped("price_unit")), {180.0})
        self.assertEqual(set(items.contract_id.ids), {self.contract_h.id})
        self.assertEqual(set(items.partner_id.ids), {self.customer_h.id})
        self.assertEqual(set(items.product_id.ids), {self.hour_product.id})
        self.assertEqual(items.ticket_id, bills | crm)
        self.assertEqual(
            [(i.source_model, i.source_id) for i in items[:1]],
            [("account.analytic.line", first.id)],
        )
        self.assertIn("2026-11-03", items[0].name)
        self.assertIn("Li Wei: Analysis", items[0].name)
        # Collecting again changes nothing, the 20 minutes included.
        written = items.mapped("write_date")
        with freeze_time(utc(2026, 12, 1, 9, 0)):
            self.as_user(run, "operator").action_check_data()
        self.assertEqual(self.hour_items(run), items)
        self.assertEqual(items.mapped("write_date"), written)

        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_run()
        self.assertEqual(run.state, "computed")
        self.assertEqual(items.mapped("amount"), [450.0, 135.0, 59.4, 180.0])
        invoice = run.move_ids.filtered(
            lambda m: m.itsm_billing_contract_id == self.contract_h
        )
        # 1 000 fee + 4.58 hours × 180.
        self.assertEqual(invoice.amount_total, 1824.4)
        hour_lines = invoice.invoice_line_ids.filtered(
            lambda line: line.contract_line_id == self.hour_line
        )
        # The month's hours of the line are one invoice line (the items keep
        # the detail: date, employee, work done).
        self.assertEqual(
            [(line.quantity, line.price_unit) for line in hour_lines],
            [(4.58, 180.0)],
        )
        self.assertIn("(4 records)", hour_lines.name)
        self.assertEqual(items.move_line_id, hour_lines)
        self.assertEqual(items.move_id, invoice)
        self.assertAlmostEqual(
            sum(hour_lines.mapped("price_subtotal")), sum(items.mapped("amount"))
        )

    def test_a_timesheet_line_corrected_before_invoicing_not_after(self):
        bills = self.hours_ticket(self.customer_h, self.service_billing)
        sheet = self.timesheet(bills, date(2026, 11, 3), 2.0, "Analysis")
        gone = self.timesheet(bills, date(2026, 11, 4), 1.0, "Typo")
        run = self.run_to("data_checked")
        item = self.hour_items(run)[:1]
        self.assertEqual((item.quantity, item.source_id), (2.0, sheet.id))
        self.assertEqual(len(self.hour_items(run)), 2)

        # Before invoicing: the next data check follows the timesheets.
        sheet.write({"unit_amount": 3.5, "name": "Analysis and fix"})
        gone.unlink()
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_check_data()
        self.assertEqual(self.hour_items(run), item)
        self.assertEqual(item.quantity, 3.5)
        self.assertIn("Analysis and fix", item.name)
        # Moved to December: no longer November's.
        sheet.date = date(2026, 12, 2)
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_check_data()
        self.assertFalse(item.exists())
        sheet.date = date(2026, 11, 3)

        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_check_data()
            self.as_user(run, "operator").action_run()
        item = self.hour_items(run)
        self.assertEqual((item.quantity, item.amount), (3.5, 630.0))
        self.assertTrue(item.move_id)
        # Invoiced: a correction of the timesheet line no longer reaches
        # the item, nor the invoice.
        sheet.write({"unit_amount": 5.0, "name": "Late correction"})
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator")._itsm_collect_items()
        self.assertEqual(self.hour_items(run), item)
        self.assertEqual((item.quantity, item.amount), (3.5, 630.0))
        self.assertEqual(item.move_line_id.quantity, 3.5)
        self.assertNotIn("Late correction", item.name)

    def test_the_line_filters_tickets_by_service_and_category(self):
        network = self.env["helpdesk.ticket.category"].create({"name": "Network"})
        self.hour_line.write(
            {
                "itsm_ticket_service_ids": [Command.set(self.service_crm.ids)],
                "itsm_ticket_category_ids": [Command.set(network.ids)],
            }
        )
        crm = self.hours_ticket(self.customer_h, self.service_crm)
        crm.category_id = network
        billed = self.timesheet(crm, date(2026, 11, 3), 1.0)
        uncategorised = self.hours_ticket(self.customer_h, self.service_crm)
        self.timesheet(uncategorised, date(2026, 11, 3), 1.0)
        # Covered by the contract, but not among the line's services.
        bills = self.hours_ticket(self.customer_h, self.service_billing)
        bills.category_id = network
        self.timesheet(bills, date(2026, 11, 3), 1.0)
        run = self.run_to("data_checked")
        self.assertEqual(self.hour_items(run).mapped("source_id"), [billed.id])

    def test_hours_billed_by_priority(self):
        # The hours on P1 tickets at 300 on a line of their own, the others
        # at the hour line's price: each timesheet line billed once.
        p1 = self.env["itsm.priority"].search([("level", "=", "1")])
        others = self.env["itsm.priority"].search([("level", "!=", "1")])
        self.hour_line.itsm_ticket_priority_ids = others
        self.contract_h.contract_line_ids = [
            Command.create(
                {
                    "product_id": self.hour_product.id,
                    "name": "Major incident hours",
                    "price_unit": 300.0,
                    "recurring_rule_type": "monthly",
                    "date_start": "2026-01-01",
                    "itsm_billing_model": "hour",
                    "itsm_ticket_priority_ids": [Command.set(p1.ids)],
                }
            )
        ]
        major_line = self.contract_h.contract_line_ids.filtered(
            lambda li: li.name == "Major incident hours"
        )
        major = self.hours_ticket(self.customer_h, self.service_billing)
        major.sudo().write(
            {"priority_override": "1", "priority_override_reason": "Bank down."}
        )
        minor = self.hours_ticket(self.customer_h, self.service_billing)
        minor.sudo().write(
            {"priority_override": "3", "priority_override_reason": "One user."}
        )
        on_major = self.timesheet(major, date(2026, 11, 3), 2.0)
        on_minor = self.timesheet(minor, date(2026, 11, 3), 1.0)
        run = self.run_to("data_checked")
        self.assertEqual(run.state, "data_checked")
        self.assertEqual(
            {
                (i.source_id, i.contract_line_id, i.price_unit)
                for i in self.hour_items(run)
            },
            {(on_major.id, major_line, 300.0), (on_minor.id, self.hour_line, 180.0)},
        )

    def test_hours_billed_twice_are_a_finding(self):
        # A second per-hour line bills the same timesheet line again: the data
        # check finds the duplicate and the run cannot go on.
        self.contract_h.contract_line_ids = [
            Command.create(
                {
                    "product_id": self.hour_product.id,
                    "name": "Hours again",
                    "price_unit": 150.0,
                    "recurring_rule_type": "monthly",
                    "date_start": "2026-01-01",
                    "itsm_billing_model": "hour",
                }
            )
        ]
        bills = self.hours_ticket(self.customer_h, self.service_billing)
        self.timesheet(bills, date(2026, 11, 3), 2.0)
        run = self.run_to("data_checked")
        self.assertEqual(run.state, "draft")
        duplicates = run.check_item_ids.filtered(lambda c: c.code == "duplicate")
        self.assertEqual(duplicates.found_count, 2)

    def test_another_company_is_not_billed(self):
        company = self.env["res.company"].create({"name": "Second company"})
        self.env.user.company_ids += company
        project = (
            self.env["project.project"]
            .with_company(company)
            .create(
                {
                    "name": "Support (second company)",
                    "allow_timesheets": True,
                    "company_id": company.id,
                }
            )
        )
        worker = self.env["hr.employee"].create(
            {"name": "Zhang San", "company_id": company.id}
        )
        ticket = self.hours_ticket(self.customer_h, self.service_billing)
        ticket.write({"company_id": company.id, "project_id": project.id})
        self.timesheet(ticket, date(2026, 11, 3), 2.0, employee_id=worker.id)
        run = self.run_to("data_checked")
        self.assertFalse(self.hour_items(run))

    def test_a_line_billed_per_hour_recurs_every_month(self):
        with self.assertRaises(ValidationError) as refused, self.env.cr.savepoint():
            self.hour_line.recurring_rule_type = "quarterly"
        self.env.invalidate_all()
        self.assertIn("recurs every month", str(refused.exception))
        self.assertEqual(self.hour_line.recurring_rule_type, "monthly")

    def test_uninstalled_the_lines_billed_per_hour_are_cancelled(self):
        """What the uninstall does to the lines of the model it takes away:
        cancelled, not deleted nor billed as a fixed fee of an hour's price."""
        hour_selection = self.env["contract.line"]._fields["itsm_billing_model"]
        hour_selection.ondelete["hour"](self.hour_line)
        self.assertEqual(self.hour_line.itsm_billing_model, "fixed")
        self.assertTrue(self.hour_line.is_canceled)
        run = self.new_run()
        self.assertEqual(run._itsm_fee_lines(self.contract_h), self.fee_line)

    def test_the_demo_bills_its_hours(self):
        """A billing run of the month of the demo's timesheet lines bills
        them on the demo operations contract's per-hour line."""
        line = self.env.ref("itsm_billing_timesheet.contract_demo_operations_hour_line")
        line.contract_id.itsm_billed_by_run = True
        sheets = self.env["account.analytic.line"].browse(
            self.env.ref(f"itsm_billing_timesheet.{name}").id
            for name in (
                "timesheet_invoice_layout_analysis",
                "timesheet_invoice_layout_change",
                "timesheet_crm_sync",
            )
        )
        month = sheets[0].date.replace(day=1)
        with freeze_time(utc(month.year, month.month, 28, 8, 0)):
            run = (
                self.env["itsm.billing.run"]
                .with_user(self.billing["operator"])
                .create({"run_type": "billing", "period_start": month})
            )
            run.action_check_data()
        items = self.hour_items(run)
        self.assertEqual(sorted(items.mapped("source_id")), sorted(sheets.ids))
        self.assertEqual(items.contract_line_id, line)
        self.assertEqual(sum(items.mapped("quantity")), 6.75)
        self.assertEqual(set(items.mapped("price_unit")), {400.0})
