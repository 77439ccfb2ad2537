import base64
import binascii
import csv
import hashlib
import io
import math
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

# The columns of a usage file and the headers each may have (case and
# surrounding spaces ignored): English, Chinese.
COLUMNS = {
    "customer": ("customer", "customer reference", "customer ref", "客户", "客户编号"),
    "contract": ("contract", "contract code", "contract reference", "合同", "合同编号"),
    "product": ("product", "product code", "internal reference", "产品", "产品编码"),
    "date": ("date", "日期"),
    "quantity": ("quantity", "qty", "数量"),
    "reference": ("reference", "usage reference", "参考号", "流水号"),
}
REQUIRED_COLUMNS = ("product", "date", "quantity")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M")
# Run states in which the month's usage may still change.
OPEN_RUN_STATES = ("draft", "data_checked")


class ItsmBillingUsageImport(models.TransientModel):
    """Import a month's usage records (BIL-2) from a CSV or XLSX file: one
    row per record with the customer's reference or the contract's code, the
    product's internal reference, the date, the quantity and an optional
    reference of the record in the business-support system.

    All or nothing: the file is read and every row checked first; when any
    row is refused, nothing is imported and the wizard lists the refused
    rows with their line numbers and reasons. Otherwise the records become
    usage items in one batch, priced from the contract line that bills the
    product per usage unit. A record's reference (else the file's digest and
    the line number) keys its item, so importing the same records again adds
    nothing."""

    _name = "itsm.billing.usage.import"
    _description = "Import Usage Records"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    run_id = fields.Many2one(
        "itsm.billing.run",
        readonly=True,
        domain="[('run_type', '=', 'billing')]",
    )
    period_start = fields.Date(
        string="Month",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1)
        - relativedelta(months=1),
        help="The month the records belong to: every date of the file is in it.",
    )
    file = fields.Binary(attachment=False)
    filename = fields.Char()
    state = fields.Selection(
        [("upload", "Upload"), ("rejected", "Rejected"), ("done", "Imported")],
        default="upload",
        required=True,
        readonly=True,
    )
    imported_count = fields.Integer(string="Imported", readonly=True)
    skipped_count = fields.Integer(
        string="Already imported",
        readonly=True,
        help="Records whose reference was imported for the month before.",
    )
    rejected_count = fields.Integer(string="Rejected lines", readonly=True)
    report = fields.Html(readonly=True, sanitize=True)

    @api.onchange("run_id")
    def _onchange_run_id(self):
        if self.run_id:
            self.period_start = self.run_id.period_start
            self.company_id = self.run_id.company_id

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        run = self.env["itsm.billing.run"].browse(values.get("run_id"))
        if run:
            values.update(period_start=run.period_start, company_id=run.company_id.id)
        return values

    # ------------------------------------------------------------------
    # The button
    # ------------------------------------------------------------------

    def action_import(self):
        """Check the whole file, then import all its records or none."""
        self.ensure_one()
        if self.run_id:
            # The run's month and company, whatever the form sent.
            self.write(
                {
                    "period_start": self.run_id.period_start,
                    "company_id": self.run_id.company_id.id,
                }
            )
        elif self.period_start.day != 1:
            self.period_start = self.period_start.replace(day=1)
        run = self._itsm_open_run()
        content = self._itsm_file_content()
        rows = self._itsm_read_rows(content)
        values, skipped, errors = self._itsm_check_rows(rows, content)
        if errors:
            self.write(
                {
                    "state": "rejected",
                    "imported_count": 0,
                    "skipped_count": 0,
                    "rejected_count": len(errors),
                    "report": self._itsm_report(errors),
                }
            )
            return self._itsm_reopen()
        items = self.env["itsm.billing.item"].create(values)
        self.write(
            {
                "state": "done",
                "imported_count": len(items),
                "skipped_count": skipped,
                "rejected_count": 0,
                "report": False,
            }
        )
        if run and items:
            run.message_post(
                body=self.env._(
                    "Usage import from %(file)s: %(count)s records, total "
                    "quantity %(quantity)s.",
                    file=self.filename or "-",
                    count=len(items),
                    quantity=sum(items.mapped("quantity")),
                )
            )
        return self._itsm_reopen()

    def action_retry(self):
        """Back to the upload, for a corrected file."""
        self.ensure_one()
        self.write(
            {
                "state": "upload",
                "file": False,
                "filename": False,
                "report": False,
                "rejected_count": 0,
            }
        )
        return self._itsm_reopen()

    def _itsm_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import Usage Records"),
        }

    def _itsm_open_run(self):
        """The month's run, refusing an import once it has results: usage
        added then would be on no invoice (a challenge and rollback first)."""
        runs = self.env["itsm.billing.run"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("run_type", "=", "billing"),
                ("period_start", "=", self.period_start),
                ("state", "!=", "rolled_back"),
            ]
        )
        closed = runs.filtered(lambda r: r.state not in OPEN_RUN_STATES)
        if closed:
            raise UserError(
                self.env._(
                    "%s has computed the month already: usage records are added "
                    "before the run, or after a challenge and rollback of it.",
                    closed[0].display_name,
                )
            )
        return runs[:1]

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------

    def _itsm_file_content(self):
        if not self.file:
            raise UserError(self.env._("Choose the CSV or XLSX file to import."))
        try:
            return base64.b64decode(self.file, validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(self.env._("The file could not be read.")) from error

    def _itsm_read_rows(self, content):
        """[(line number, {column: value})] the file's records, blank rows
        left out; a file that cannot be read as a usage table is refused as
        a whole."""
        name = (self.filename or "").lower()
        if name.endswith(".xls"):
            raise UserError(
                self.env._(
                    "%s is an old Excel workbook (.xls): save it as XLSX or CSV.",
                    self.filename,
                )
            )
        if name.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
            table = self._itsm_xlsx_table(content)
        else:
            table = self._itsm_csv_table(content)
        header = None
        rows = []
        for line_number, cells in table:
            if not any(self._itsm_text(cell) for cell in cells):
                continue
            if header is None:
                header = self._itsm_header(cells)
                continue
            rows.append(
                (
                    line_number,
                    {
                        column: cells[index] if index < len(cells) else None
                        for column, index in header.items()
                    },
                )
            )
        if header is None or not rows:
            raise UserError(
                self.env._(
                    "%s holds no usage record: a header row, then one row per record.",
                    self.filename or self.env._("The file"),
                )
            )
        return rows

    def _itsm_xlsx_table(self, content):
        # openpyxl is one of Odoo's own requirements.
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
            sheet = workbook.worksheets[0]
            table = [
                (number, list(cells))
                for number, cells in enumerate(sheet.iter_rows(values_only=True), 1)
            ]
            workbook.close()
        except Exception as error:  # pylint: disable=broad-except
            # Any failure of the reader means the same thing to the user.
            raise UserError(
                self.env._(
                    "%s is not a readable XLSX workbook.",
                    self.filename or self.env._("The file"),
                )
            ) from error
        return table

    def _itsm_csv_table(self, content):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(
                self.env._(
                    "%s is neither UTF-8 nor GB18030 text: save it as CSV "
                    "(UTF-8) or XLSX.",
                    self.filename or self.env._("The file"),
                )
            )
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        try:
            return [(reader.line_num, cells) for cells in reader]
        except csv.Error as error:
            raise UserError(
                self.env._(
                    "%(file)s is not a readable CSV file (line %(line)s: %(error)s).",
                    file=self.filename or self.env._("The file"),
                    line=reader.line_num,
                    error=error,
                )
            ) from error

    def _itsm_header(self, cells):
        """{column: index} from the header row; refuses a header that lacks
        a required column."""
        names = {
            alias.casefold(): column
            for column, aliases in COLUMNS.items()
            for alias in aliases
        }
        header = {}
        for index, cell in enumerate(cells):
            column = names.get(self._itsm_text(cell).casefold())
            if column and column not in header:
                header[column] = index
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if "customer" not in header and "contract" not in header:
            missing.append(self.env._("customer or contract"))
        if missing:
            raise UserError(
                self.env._(
                    "The first row of %(file)s must name the columns; missing: "
                    "%(missing)s (found: %(found)s).",
                    file=self.filename or self.env._("the file"),
                    missing=", ".join(missing),
                    found=", ".join(self._itsm_text(c) for c in cells if c) or "-",
                )
            )
        return header

    @staticmethod
    def _itsm_text(value):
        """A cell as text: numbers read from a sheet without their '.0'."""
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    # ------------------------------------------------------------------
    # Checking the records
    # ------------------------------------------------------------------

    def _itsm_parse_date(self, value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self._itsm_text(value)
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        return None

    def _itsm_parse_quantity(self, value):
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            quantity = float(value)
        else:
            try:
                quantity = float(self._itsm_text(value))
            except ValueError:
                return None
        return quantity if math.isfinite(quantity) else None

    def _itsm_lookups(self, rows):
        """The customers, contracts, products and usage lines the rows name,
        each found with one search."""
        texts = {
            column: {self._itsm_text(row.get(column)) for _n, row in rows} - {""}
            for column in ("customer", "contract", "product")
        }
        company = self.company_id
        partners = self.env["res.partner"].search_fetch(
            [
                ("ref", "in", list(texts["customer"])),
                ("company_id", "in", [False, company.id]),
            ],
            ["ref", "commercial_partner_id"],
        )
        customers = {}
        for partner in partners:
            customers.setdefault(partner.ref, set()).add(
                partner.commercial_partner_id.id
            )
        Contract = self.env["contract.contract"]
        named = Contract.search_fetch(
            [
                ("code", "in", list(texts["contract"])),
                ("company_id", "=", company.id),
                ("contract_type", "=", "sale"),
            ],
            ["code", "commercial_partner_id", "itsm_billed_by_run"],
        )
        contracts = {}
        for contract in named:
            contracts.setdefault(contract.code, Contract)
            contracts[contract.code] |= contract
        products = {}
        for product in self.env["product.product"].search_fetch(
            [
                ("default_code", "in", list(texts["product"])),
                ("company_id", "in", [False, company.id]),
            ],
            ["default_code", "display_name"],
        ):
            products.setdefault(product.default_code, []).append(product)
        # The usage lines of the contracts named and of the customers'
        # contracts billed by the run, running in the month.
        period_end = self.period_start + relativedelta(months=1, days=-1)
        partner_ids = {pid for ids in customers.values() for pid in ids}
        lines = self.env["contract.line"].search_fetch(
            [
                ("itsm_billing_model", "=", "usage"),
                ("display_type", "=", False),
                ("is_canceled", "=", False),
                ("date_start", "<=", period_end),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", self.period_start),
                ("contract_id.company_id", "=", company.id),
                ("contract_id.contract_type", "=", "sale"),
                ("contract_id.itsm_billed_by_run", "=", True),
                "|",
                ("contract_id", "in", named.ids),
                ("contract_id.commercial_partner_id", "in", list(partner_ids)),
            ],
            [
                "contract_id",
                "product_id",
                "price_unit",
                "discount",
                "date_start",
                "date_end",
            ],
        )
        return customers, contracts, products, lines

    @staticmethod
    def _itsm_in_scope(line, scope):
        """Whether the line is of the contract, or of one of the customers
        (commercial partner ids), a row names."""
        if isinstance(scope, set):
            return line.contract_id.commercial_partner_id.id in scope
        return line.contract_id == scope

    def _itsm_row_product(self, code, products, reasons):
        if not code:
            reasons.append(self.env._("no product"))
        elif code not in products:
            reasons.append(self.env._("unknown product “%s”", code))
        elif len(products[code]) > 1:
            reasons.append(self.env._("several products have the code “%s”", code))
        else:
            return products[code][0]
        return None

    def _itsm_row_date(self, value, reasons):
        text = self._itsm_text(value)
        if not text:
            reasons.append(self.env._("no date"))
            return None
        day = self._itsm_parse_date(value)
        if not day:
            reasons.append(self.env._("“%s” is not a date (YYYY-MM-DD)", text))
            return None
        if day.replace(day=1) != self.period_start:
            reasons.append(
                self.env._(
                    "%(date)s is outside the month %(month)s",
                    date=day.isoformat(),
                    month=self.period_start.strftime("%Y-%m"),
                )
            )
            return None
        return day

    def _itsm_row_quantity(self, value, reasons):
        text = self._itsm_text(value)
        if not text:
            reasons.append(self.env._("no quantity"))
            return None
        quantity = self._itsm_parse_quantity(value)
        if quantity is None:
            reasons.append(self.env._("quantity “%s” is not a number", text))
            return None
        if quantity < 0:
            reasons.append(self.env._("negative quantity %s", quantity))
            return None
        return quantity

    def _itsm_row_contract(self, code, contracts, reasons):
        found = contracts.get(code)
        if not found:
            reasons.append(self.env._("unknown contract “%s”", code))
        elif len(found) > 1:
            reasons.append(self.env._("several contracts have the code “%s”", code))
        elif not found.itsm_billed_by_run:
            reasons.append(
                self.env._("contract “%s” is not billed by the monthly run", code)
            )
        else:
            return found
        return None

    def _itsm_row_customer(self, ref, customers, reasons):
        partner_ids = customers.get(ref, set())
        if not partner_ids:
            reasons.append(self.env._("unknown customer “%s”", ref))
        elif len(partner_ids) > 1:
            reasons.append(self.env._("several customers have the reference “%s”", ref))
        else:
            return partner_ids
        return None

    def _itsm_row_scope(self, customer_ref, contract_code, lookups, reasons):
        """The contract, or the customer's commercial partner ids, a row's
        records are billed to (None when refused)."""
        customers, contracts = lookups[0], lookups[1]
        if not customer_ref and not contract_code:
            reasons.append(self.env._("no customer or contract"))
            return None
        contract = partner_ids = None
        if contract_code:
            contract = self._itsm_row_contract(contract_code, contracts, reasons)
        if customer_ref:
            partner_ids = self._itsm_row_customer(customer_ref, customers, reasons)
        if contract and partner_ids:
            if contract.commercial_partner_id.id not in partner_ids:
                reasons.append(
                    self.env._(
                        "contract “%(contract)s” is not customer “%(customer)s”'s",
                        contract=contract_code,
                        customer=customer_ref,
                    )
                )
                return None
            return contract
        if (contract_code and not contract) or (customer_ref and not partner_ids):
            return None
        return contract or partner_ids

    def _itsm_row_line(self, row_data, lines_by_product, reasons):
        """The one contract line billing the row's product per usage unit
        to its contract or customer on its day."""
        product, day, scope, who = row_data
        matching = [
            line
            for line in lines_by_product.get(product, [])
            if self._itsm_in_scope(line, scope)
            and line.date_start <= day
            and (not line.date_end or line.date_end >= day)
        ]
        if len(matching) == 1:
            return matching[0]
        if not matching:
            reasons.append(
                self.env._(
                    "no contract line of “%(who)s” bills %(product)s per usage "
                    "unit on %(date)s",
                    who=who,
                    product=product.default_code,
                    date=day.isoformat(),
                )
            )
        else:
            reasons.append(
                self.env._(
                    "several contract lines of “%(who)s” bill %(product)s per "
                    "usage unit: name the contract",
                    who=who,
                    product=product.default_code,
                )
            )
        return None

    def _itsm_known_keys(self):
        """The keys of the month's usage items already there."""
        return set(
            self.env["itsm.billing.item"]
            .search_fetch(
                [
                    ("company_id", "=", self.company_id.id),
                    ("run_type", "=", "billing"),
                    ("period_start", "=", self.period_start),
                    ("key", "=like", "usage:%"),
                ],
                ["key"],
            )
            .mapped("key")
        )

    def _itsm_check_rows(self, rows, content):
        """(item values, records already imported, [(line, reason)]) of the
        rows."""
        lookups = self._itsm_lookups(rows)
        products, lines = lookups[2], lookups[3]
        lines_by_product = lines.grouped("product_id")
        digest = hashlib.sha256(content).hexdigest()[:16]
        known = self._itsm_known_keys()
        values, errors, seen, skipped = [], [], {}, 0
        for number, row in rows:
            reasons = []
            text = {column: self._itsm_text(row.get(column)) for column in COLUMNS}
            product = self._itsm_row_product(text["product"], products, reasons)
            day = self._itsm_row_date(row.get("date"), reasons)
            quantity = self._itsm_row_quantity(row.get("quantity"), reasons)
            scope = self._itsm_row_scope(
                text["customer"], text["contract"], lookups, reasons
            )
            line = None
            if product and day and scope:
                who = text["contract"] or text["customer"]
                line = self._itsm_row_line(
                    (product, day, scope, who), lines_by_product, reasons
                )
            # The reference: once in the file.
            reference = text["reference"]
            if reference in seen:
                reasons.append(
                    self.env._(
                        "reference “%(reference)s” repeats line %(line)s",
                        reference=reference,
                        line=seen[reference],
                    )
                )
            elif reference:
                seen[reference] = number
            if reasons:
                errors.append((number, "; ".join(reasons)))
                continue
            key = f"usage:{reference}" if reference else f"usage:{digest}:{number}"
            if key in known:
                skipped += 1
                continue
            name = f"{product.display_name} {day.isoformat()}"
            values.append(
                {
                    "key": key,
                    "kind": "usage",
                    "origin": "manual",
                    "name": f"{name} ({reference})" if reference else name,
                    "run_type": "billing",
                    "period_start": self.period_start,
                    "company_id": self.company_id.id,
                    "contract_id": line.contract_id.id,
                    "contract_line_id": line.id,
                    "partner_id": line.contract_id.partner_id.id,
                    "product_id": product.id,
                    "quantity": quantity,
                    "price_unit": line.price_unit * (1 - (line.discount or 0) / 100),
                }
            )
        return values, skipped, errors

    def _itsm_report(self, errors):
        """The rejected lines as a table: line number and reason."""
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td></tr>") % (number, reason)
            for number, reason in errors
        )
        return Markup(
            "<p>%s</p><table class='table table-sm'><thead><tr><th>%s</th>"
            "<th>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (
            escape(
                self.env._(
                    "Nothing was imported: %s line(s) rejected. Correct them and "
                    "import the whole file again.",
                    len(errors),
                )
            ),
            self.env._("Line"),
            self.env._("Reason"),
            rows,
        )
