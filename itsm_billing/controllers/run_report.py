from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request


class ItsmBillingRunReport(http.Controller):
    """The run report as a workbook (BIL-8): for those who may read the
    run and its items, else 404 (whether the run exists is not told)."""

    @http.route(
        "/itsm_billing/run/<int:run_id>/report.xlsx",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def run_report_xlsx(self, run_id):
        run = request.env["itsm.billing.run"].browse(run_id).exists()
        if not run:
            raise request.not_found()
        try:
            run.check_access("read")
            request.env["itsm.billing.item"].check_access("read")
        except (AccessError, MissingError):
            raise request.not_found() from None
        content = run._itsm_report_xlsx()
        filename = f"{run.name}.xlsx"
        return request.make_response(
            content,
            headers=[
                (
                    "Content-Type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
