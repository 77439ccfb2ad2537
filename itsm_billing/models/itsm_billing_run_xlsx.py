import io

import xlsxwriter

from odoo import models
from odoo.tools import SQL

# An XLSX sheet holds 1 048 576 rows: the items beyond (a header row and a
# note row kept) are left to the items list.
MAX_ITEM_ROWS = 1_048_574


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRun(models.Model):
    """The run report as a workbook (BIL-8, XLSX): what the PDF shows
    (totals, the month against the previous one, the check report) plus
    every variance and every item of the run, for those who reconcile it in
    a spreadsheet. Written with ``xlsxwriter`` (one of Odoo's own
    requirements) in constant memory: the items are streamed from one SQL
    query, whatever their number."""

    _inherit = "itsm.billing.run"

    def action_download_xlsx(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/itsm_billing/run/{self.id}/report.xlsx",
            "target": "self",
        }

    def _itsm_report_xlsx(self):
        """The workbook of the run, as bytes."""
        self.ensure_one()
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": True})
        styles = {
            "title": book.add_format({"bold": True, "font_size": 14}),
            "head": book.add_format({"bold": True, "bottom": 1}),
            "bold": book.add_format({"bold": True}),
            "money": book.add_format({"num_format": "#,##0.00"}),
            "bold_money": book.add_format({"num_format": "#,##0.00", "bold": True}),
            "pct": book.add_format({"num_format": "0.00"}),
            "qty": book.add_format({"num_format": "#,##0.###"}),
        }
        self._itsm_xlsx_summary(book.add_worksheet(self.env._("Summary")), styles)
        self._itsm_xlsx_variances(book.add_worksheet(self.env._("Variances")), styles)
        self._itsm_xlsx_checks(book.add_worksheet(self.env._("Checks")), styles)
        self._itsm_xlsx_items(book.add_worksheet(self.env._("Items")), styles)
        book.close()
        return output.getvalue()

    @staticmethod
    def _itsm_xlsx_head(sheet, row, labels, styles):
        for col, label in enumerate(labels):
            sheet.write(row, col, label, styles["head"])

    def _itsm_xlsx_summary(self, sheet, styles):
        selection = self._fields["run_type"]._description_selection(self.env)
        states = dict(self._fields["state"]._description_selection(self.env))
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 3, 18)
        sheet.write(0, 0, self.env._("Run report: %s", self.name), styles["title"])
        head = [
            (self.env._("Kind"), dict(selection).get(self.run_type, self.run_type)),
            (self.env._("Month"), self.period_start.strftime("%Y-%m")),
            (self.env._("Status"), states.get(self.state, self.state)),
            (self.env._("Operator"), self.operator_id.name or "-"),
            (self.env._("Checker"), self.checker_id.name or "-"),
            (self.env._("Result digest"), self.result_digest or "-"),
        ]
        row = 2
        for label, value in head:
            sheet.write(row, 0, label, styles["bold"])
            sheet.write(row, 1, value)
            row += 1
        row += 1
        self._itsm_xlsx_head(
            sheet,
            row,
            [self.env._("Item kind"), self.env._("Lines"), self.env._("Amount")],
            styles,
        )
        for label, count, amount in self._itsm_report_kind_totals():
            row += 1
            sheet.write(row, 0, label)
            sheet.write_number(row, 1, count)
            sheet.write_number(row, 2, amount, styles["money"])
        row += 1
        sheet.write(row, 0, self.env._("Total"), styles["bold"])
        sheet.write_number(row, 1, self.item_count, styles["bold"])
        sheet.write_number(row, 2, self.amount_total, styles["bold_money"])
        if self._itsm_report_variances():
            month = self._itsm_report_month_totals()
            row += 2
            self._itsm_xlsx_head(
                sheet,
                row,
                [
                    "",
                    self.env._("This month"),
                    self.env._("Previous month"),
                    self.env._("Variance"),
                ],
                styles,
            )
            sheet.write(row + 1, 0, self.env._("Amount"))
            for col, key in enumerate(
                ("amount", "previous_amount", "variance_amount"), start=1
            ):
                sheet.write_number(row + 1, col, month[key], styles["money"])
            sheet.write(row + 2, 0, self.env._("Lines"))
            sheet.write_number(row + 2, 1, month["line_count"])
            sheet.write_number(row + 2, 2, month["previous_count"])
            sheet.write_number(
                row + 2, 3, month["line_count"] - month["previous_count"]
            )

    def _itsm_xlsx_variances(self, sheet, styles):
        sheet.set_column(0, 0, 32)
        sheet.set_column(1, 6, 16)
        self._itsm_xlsx_head(
            sheet,
            0,
            [
                self.env._("Customer or partner"),
                self.env._("Amount"),
                self.env._("Previous month"),
                self.env._("Variance"),
                self.env._("Variance (%)"),
                self.env._("Lines"),
                self.env._("Share (%)"),
            ],
            styles,
        )
        rows = self.env["itsm.billing.variance.report"].search(
            [("run_id", "=", self.id)], order="variance_abs desc, partner_id"
        )
        for row, line in enumerate(rows, start=1):
            sheet.write(row, 0, line.partner_id.display_name or "-")
            sheet.write_number(row, 1, line.amount, styles["money"])
            sheet.write_number(row, 2, line.previous_amount, styles["money"])
            sheet.write_number(row, 3, line.variance_amount, styles["money"])
            if line.previous_amount:
                sheet.write_number(row, 4, line.variance_pct, styles["pct"])
            else:
                sheet.write(row, 4, "-")
            sheet.write_number(row, 5, line.line_count)
            sheet.write_number(row, 6, line.share, styles["pct"])

    def _itsm_xlsx_checks(self, sheet, styles):
        sheet.set_column(0, 0, 48)
        sheet.set_column(1, 4, 18)
        self._itsm_xlsx_head(
            sheet,
            0,
            [self.env._("Data check"), self.env._("Found"), self.env._("Blocking")],
            styles,
        )
        row = 0
        for row, check in enumerate(self.check_item_ids, start=1):
            sheet.write(row, 0, check.name)
            sheet.write_number(row, 1, check.found_count)
            sheet.write(
                row, 2, self.env._("Yes") if check.blocking else self.env._("No")
            )
        row += 2
        self._itsm_xlsx_head(
            sheet,
            row,
            [
                self.env._("Check report item"),
                self.env._("Checked"),
                self.env._("By"),
                self.env._("On"),
                self.env._("Comment"),
            ],
            styles,
        )
        for item in self.report_item_ids:
            row += 1
            sheet.write(row, 0, item.name)
            sheet.write(row, 1, self.env._("Yes") if item.done else self.env._("No"))
            sheet.write(row, 2, item.done_by_id.name or "")
            sheet.write(row, 3, str(item.done_date or ""))
            sheet.write(row, 4, item.note or "")
        if self.checker_id:
            row += 2
            sheet.write(
                row,
                0,
                self.env._(
                    "Signed by %(checker)s on %(date)s.",
                    checker=self.checker_id.name,
                    date=self.checked_date,
                ),
                styles["bold"],
            )

    def _itsm_xlsx_items(self, sheet, styles):
        """Every item of the run, streamed from one query in the order of
        the digest (by key)."""
        sheet.set_column(0, 1, 30)
        sheet.set_column(2, 3, 18)
        sheet.set_column(4, 4, 40)
        sheet.set_column(5, 7, 14)
        sheet.set_column(8, 8, 18)
        self._itsm_xlsx_head(
            sheet,
            0,
            [
                self.env._("Customer or partner"),
                self.env._("Contract"),
                self.env._("Kind"),
                self.env._("Key"),
                self.env._("Description"),
                self.env._("Quantity"),
                self.env._("Unit Price"),
                self.env._("Amount"),
                self.env._("Invoice"),
            ],
            styles,
        )
        kinds = dict(
            self.env["itsm.billing.item"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        self.env["itsm.billing.item"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(p.complete_name, p.name), c.name, i.kind, i.key,
                       i.name, i.quantity, i.price_unit, i.amount, m.name
                  FROM itsm_billing_item i
                  LEFT JOIN res_partner p ON p.id = i.partner_id
                  LEFT JOIN contract_contract c ON c.id = i.contract_id
                  LEFT JOIN account_move m ON m.id = i.move_id
                 WHERE i.run_id = %s
                 ORDER BY i.key
                 LIMIT %s
                """,
                self.id,
                MAX_ITEM_ROWS + 1,
            )
        )
        row = 0
        while rows := self.env.cr.fetchmany(10_000):
            for partner, contract, kind, key, name, qty, price, amount, move in rows:
                row += 1
                if row > MAX_ITEM_ROWS:
                    sheet.write(
                        row,
                        0,
                        self.env._(
                            "More items than a sheet holds: see the items list."
                        ),
                        styles["bold"],
                    )
                    return
                sheet.write(row, 0, partner or "")
                sheet.write(row, 1, contract or "")
                sheet.write(row, 2, kinds.get(kind, kind))
                sheet.write(row, 3, key)
                sheet.write(row, 4, name or "")
                sheet.write_number(row, 5, qty or 0.0, styles["qty"])
                sheet.write_number(row, 6, price or 0.0, styles["money"])
                sheet.write_number(row, 7, amount or 0.0, styles["money"])
                sheet.write(row, 8, move or "")
