import base64
import io
from datetime import datetime

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError

from .common import NOVEMBER, RUN_TIME
from .test_billing_models import BillingModelsCase

GOOD_CSV = (
    "customer,contract,product,date,quantity,reference\n"
    "CUST-C,,T-SMS,2026-11-05,1200,R1\n"
    ",CT-D,T-SMS,2026-11-30,1000.5,R2\n"
    "CUST-C,CT-C,T-GB,2026-11-01,10,R3\n"
)


class TestUsageImport(BillingModelsCase):
    """The usage import (BIL-2): a CSV or XLSX file of usage records becomes
    usage items priced from the contract line billing the product per usage
    unit, all or nothing, with a report of the rejected lines; the same
    references imported again add nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.storage_product = cls.env["product.product"].create(
            {
                "name": "Storage",
                "type": "service",
                "default_code": "T-GB",
                "taxes_id": [],
            }
        )
        cls.contract_c.contract_line_ids = [
            Command.create(
                {
                    "product_id": cls.storage_product.id,
                    "name": "Storage",
                    "price_unit": 2.5,
                    "recurring_rule_type": "monthly",
                    "date_start": "2026-01-01",
                    "itsm_billing_model": "usage",
                }
            )
        ]
        cls.storage_line = cls.contract_c.contract_line_ids[-1]
        cls.customer_d = cls.env["res.partner"].create(
            {"name": "Customer D", "is_company": True, "ref": "CUST-D"}
        )
        cls.contract_d = cls.make_contract(
            cls.customer_d, cls.sms_product, 0.04, code="CT-D"
        )
        cls.contract_d.contract_line_ids.itsm_billing_model = "usage"

    def wizard(self, content, filename="usage.csv", user=None):
        if isinstance(content, str):
            content = content.encode()
        return (
            self.env["itsm.billing.usage.import"]
            .with_user(user or self.billing["operator"])
            .create(
                {
                    "period_start": NOVEMBER,
                    "file": base64.b64encode(content),
                    "filename": filename,
                }
            )
        )

    def usage_items(self):
        return self.env["itsm.billing.item"].search(
            [("kind", "=", "usage"), ("period_start", "=", NOVEMBER)], order="key"
        )

    def test_good_csv(self):
        wizard = self.wizard(GOOD_CSV)
        wizard.action_import()
        self.assertEqual(wizard.state, "done", wizard.report)
        self.assertEqual((wizard.imported_count, wizard.skipped_count), (3, 0))
        items = self.usage_items()
        self.assertEqual(items.mapped("key"), ["usage:R1", "usage:R2", "usage:R3"])
        self.assertEqual(
            items.mapped("contract_line_id"),
            self.usage_line | self.contract_d.contract_line_ids | self.storage_line,
        )
        self.assertEqual(items.mapped("quantity"), [1200.0, 1000.5, 10.0])
        self.assertEqual(items.mapped("price_unit"), [0.05, 0.04, 2.5])
        self.assertEqual(items.mapped("partner_id"), self.customer_c | self.customer_d)
        self.assertEqual(set(items.mapped("origin")), {"manual"})
        self.assertEqual(items[0].name, "[T-SMS] SMS sent 2026-11-05 (R1)")

        # The same references again (one new line, the file read again):
        # only the new record is added.
        again = self.wizard(GOOD_CSV + "CUST-C,,T-SMS,2026-11-06,5,R4\n")
        again.action_import()
        self.assertEqual(again.state, "done")
        self.assertEqual((again.imported_count, again.skipped_count), (1, 3))
        self.assertEqual(len(self.usage_items()), 4)

    def test_same_file_without_references_twice(self):
        content = "contract,product,date,quantity\nCT-C,T-SMS,2026-11-05,7\n"
        self.wizard(content).action_import()
        wizard = self.wizard(content)
        wizard.action_import()
        self.assertEqual((wizard.imported_count, wizard.skipped_count), (0, 1))
        self.assertEqual(len(self.usage_items()), 1)

    def test_good_xlsx_with_chinese_headers(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["客户", "产品", "日期", "数量", "流水号"])
        sheet.append(["CUST-C", "T-SMS", datetime(2026, 11, 2, 8, 30), 300, "X1"])
        sheet.append([])
        sheet.append(["CUST-D", "T-SMS", "2026-11-03", 12.25, "X2"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        wizard = self.wizard(buffer.getvalue(), filename="usage.xlsx")
        wizard.action_import()
        self.assertEqual(wizard.state, "done", wizard.report)
        items = self.usage_items()
        self.assertEqual(items.mapped("key"), ["usage:X1", "usage:X2"])
        self.assertEqual(items.mapped("quantity"), [300.0, 12.25])
        self.assertEqual(items.mapped("contract_id"), self.contract_c | self.contract_d)

    def test_one_bad_line_imports_nothing(self):
        wizard = self.wizard(GOOD_CSV + "CUST-C,,NOPE,2026-11-07,3,R9\n")
        wizard.action_import()
        self.assertEqual(wizard.state, "rejected")
        self.assertEqual(wizard.rejected_count, 1)
        self.assertIn("<td>5</td><td>unknown product “NOPE”</td>", wizard.report)
        self.assertFalse(self.usage_items())

    def test_every_reason_to_reject_a_line(self):
        bad_lines = {
            "CUST-X,,T-SMS,2026-11-07,3,B1": "unknown customer “CUST-X”",
            ",CT-X,T-SMS,2026-11-07,3,B2": "unknown contract “CT-X”",
            "CUST-D,CT-C,T-SMS,2026-11-07,3,B3": "is not customer “CUST-D”'s",
            "CUST-C,,T-SMS,2026-12-01,3,B4": "2026-12-01 is outside the month 2026-11",
            "CUST-C,,T-SMS,07.11.2026,3,B5": "“07.11.2026” is not a date",
            "CUST-C,,T-SMS,2026-11-07,three,B6": "quantity “three” is not a number",
            "CUST-C,,T-SMS,2026-11-07,-3,B7": "negative quantity -3.0",
            "CUST-C,,T-SMS,2026-11-07,3,R1": "reference “R1” repeats line 2",
            ",,T-SMS,2026-11-07,3,B8": "no customer or contract",
            "CUST-D,,T-GB,2026-11-07,3,B9": "no contract line of “CUST-D” bills T-GB",
        }
        for bad, reason in bad_lines.items():
            with self.subTest(line=bad):
                wizard = self.wizard(GOOD_CSV + bad + "\n")
                wizard.action_import()
                self.assertEqual(wizard.state, "rejected")
                self.assertEqual(wizard.rejected_count, 1)
                self.assertIn("<td>5</td>", wizard.report)
                self.assertIn(reason, wizard.report)
                self.assertFalse(self.usage_items())
        # A corrected file goes through after a retry.
        wizard.action_retry()
        self.assertEqual(wizard.state, "upload")
        wizard.write({"file": base64.b64encode(GOOD_CSV.encode())})
        wizard.action_import()
        self.assertEqual(wizard.imported_count, 3)

    def test_malformed_files(self):
        cases = [
            (b"PK\x03\x04 not really a workbook", "usage.xlsx", "not a readable XLSX"),
            (b"product;date\nT-SMS;2026-11-01\n", "usage.csv", "missing: quantity"),
            (b"customer,product,date,quantity\n", "usage.csv", "holds no usage record"),
            (b"\xff\xfe\x00\x00\x81", "usage.csv", "neither UTF-8 nor GB18030"),
            (b"anything", "usage.xls", "save it as XLSX or CSV"),
        ]
        for content, filename, message in cases:
            with self.subTest(filename=filename, message=message):
                wizard = self.wizard(content, filename=filename)
                with self.assertRaises(UserError) as refused:
                    wizard.action_import()
                self.assertIn(message, str(refused.exception))
                self.assertEqual(wizard.state, "upload")
                self.assertFalse(self.usage_items())

    def test_no_import_into_a_computed_month(self):
        run = self.run_to("computed")
        self.assertEqual(run.state, "computed")
        wizard = self.wizard(GOOD_CSV)
        with self.assertRaises(UserError) as refused:
            wizard.action_import()
        self.assertIn("has computed the month already", str(refused.exception))
        self.assertFalse(self.usage_items())

    def test_import_from_the_draft_run(self):
        run = self.new_run()
        wizard = (
            self.env["itsm.billing.usage.import"]
            .with_user(self.billing["operator"])
            .with_context(default_run_id=run.id)
            .create(
                {
                    "file": base64.b64encode(GOOD_CSV.encode()),
                    "filename": "usage.csv",
                }
            )
        )
        self.assertEqual(wizard.period_start, NOVEMBER)
        with freeze_time(RUN_TIME):
            wizard.action_import()
        self.assertEqual(wizard.imported_count, 3)
        self.assertIn("Usage import from usage.csv: 3 records", run.message_ids[0].body)
