"""The access matrix of itsm_billing's models: itsm_incident's matrix
(``TestAccessMatrix``, whose docstring tells how to read the tables) with the
billing roles added and the records of billing's models. The models that
itsm_incident extends too are in its matrix."""

from datetime import date

from odoo import Command
from odoo.tests import tagged

from odoo.addons.itsm_incident.tests import test_access_matrix as matrix

from ..tools import STEP

ROLES = {
    **matrix.ROLES,
    "operator": "itsm_billing.group_itsm_billing_operator",
    "checker": "itsm_billing.group_itsm_billing_checker",
    "bill_sup": "itsm_billing.group_itsm_billing_supervisor",
}

TABLES = """
model                        reporter  resolver  agent     manager   head
account.move                 ..../.... ..../.... ..../.... ..../.... ..../....
contract.contract            ..../.... ..../.... ..../.... ..../.... ..../....
contract.line                ..../.... ..../.... ..../.... ..../.... ..../....
itsm.billing.check.item      ..../.... ..../.... ..../.... ..../.... ..../....
itsm.billing.check.template  ....      ....      ....      ....      ....
itsm.billing.data.check      ....      ....      ....      ....      ....
itsm.billing.item            ..../.... ..../.... ..../.... ..../.... ..../....
itsm.billing.run             ..../.... ..../.... ..../.... ..../.... ..../....
itsm.billing.variance.report ..../.... ..../.... ..../.... ..../.... ..../....
itsm.settlement.term         ..../.... ..../.... ..../.... ..../.... ..../....

model                        risk      supervisor security  kpi_dept  employee
account.move                 ..../.... ..../.... ..../.... ..../.... ..../....
contract.contract            ..../.... ..../.... ..../.... ..../.... ..../....
contract.line                ..../.... ..../.... ..../.... ..../.... ..../....
itsm.billing.check.item      ..../.... ..../.... ..../.... ..../.... ..../....
itsm.billing.check.template  ....      ....      ....      ....      ....
itsm.billing.data.check      ....      ....      ....      ....      ....
itsm.billing.item            ..../.... ..../.... ..../.... ..../.... ..../....
itsm.billing.run             ..../.... ..../.... ..../.... ..../.... ..../....
itsm.billing.variance.report ..../.... ..../.... ..../.... ..../.... ..../....
itsm.settlement.term         ..../.... ..../.... ..../.... ..../.... ..../....

model                        portal    public    operator  checker   bill_sup
account.move                 ..../.... ..../.... rwcu/.... rwcu/.... rwcu/....
contract.contract            ..../.... ..../.... r.../.... r.../.... rwc./....
contract.line                ..../.... ..../.... r.../.... r.../.... rwcu/....
itsm.billing.check.item      ..../.... ..../.... rwcu/.... rwcu/.... rwcu/....
itsm.billing.check.template  ....      ....      r...      r...      rwcu
itsm.billing.data.check      ....      ....      r...      r...      rwcu
itsm.billing.item            ..../.... ..../.... rwcu/.... rwcu/.... rwcu/....
itsm.billing.run             ..../.... ..../.... rwc./.... rwc./.... rwc./....
itsm.billing.variance.report ..../.... ..../.... r.../.... r.../.... r.../....
itsm.settlement.term         ..../.... ..../.... r.../.... r.../.... rwcu/....
"""


@tagged("post_install", "-at_install")
class TestBillingAccessMatrix(matrix.TestAccessMatrix):
    ADDONS = ("itsm_billing",)
    ROLES = ROLES
    TABLES = TABLES

    @classmethod
    def _matrix_records(cls, employee):
        home, foreign = super()._matrix_records(employee)
        env = cls.env
        product = env["product.product"].create(
            {"name": "Matrix fee", "type": "service", "list_price": 100}
        )
        for company, side in (
            (cls.home_company, home),
            (cls.foreign_company, foreign),
        ):
            if company != cls.home_company:
                env["account.chart.template"].try_loading(
                    "generic_coa", company=company, install_demo=False
                )
            partner = env["res.partner"].create(
                {"name": f"Customer of {company.name}", "company_id": company.id}
            )
            contract = env["contract.contract"].create(
                {
                    "name": f"Services ({company.name})",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "contract_type": "sale",
                    "line_recurrence": True,
                    "contract_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": "Fee",
                                "price_unit": 100,
                                "recurring_rule_type": "monthly",
                                "date_start": "2026-01-01",
                            }
                        )
                    ],
                }
            )
            # Runs are started by billing operators only (in any company
            # here: the setup's superuser rights, the operator's group).
            run = (
                env["itsm.billing.run"]
                .with_user(cls.role_users["operator"])
                .sudo()
                .create(
                    {
                        "run_type": "billing",
                        "period_start": date(2026, 11, 1),
                        "company_id": company.id,
                    }
                )
                .with_env(env)
            )
            cp = env["res.partner"].create(
                {
                    "name": f"CP of {company.name}",
                    "company_id": company.id,
                    "itsm_settlement_role": "cp",
                }
            )
            side.update(
                {
                    "itsm.settlement.term": env["itsm.settlement.term"].create(
                        {
                            "name": "CP fee",
                            "partner_id": cp.id,
                            "company_id": company.id,
                            "kind": "fee_per_unit",
                            "unit_fee": 1.0,
                            "product_ids": [Command.set(product.ids)],
                            "bill_product_id": product.id,
                            "date_start": date(2026, 1, 1),
                        }
                    ),
                    "contract.contract": contract,
                    "contract.line": contract.contract_line_ids,
                    "itsm.billing.run": run,
                    "itsm.billing.item": env["itsm.billing.item"].create(
                        {
                            "name": "Extra mailbox",
                            "key": f"matrix-{company.id}",
                            "origin": "manual",
                            "period_start": date(2026, 11, 1),
                            "company_id": company.id,
                            "partner_id": partner.id,
                            "run_id": run.id,
                        }
                    ),
                    "itsm.billing.check.item": env["itsm.billing.check.item"].create(
                        {"run_id": run.id, "check_type": "manual", "name": "Totals"}
                    ),
                    "account.move": env["account.move"]
                    .with_company(company)
                    .create(
                        {
                            "move_type": "out_invoice",
                            "partner_id": partner.id,
                            "itsm_billing_run_id": run.id,
                        }
                    ),
                }
            )
        home["itsm.billing.check.template"] = env["itsm.billing.check.template"].search(
            [], limit=1
        )
        home["itsm.billing.data.check"] = env["itsm.billing.data.check"].search(
            [], limit=1
        )
        # A result on each run (as its run step stores it): one row of the
        # variance report per company.
        Report = env["itsm.billing.variance.report"]
        for side in (home, foreign):
            run = side["itsm.billing.run"]
            contract = side["contract.contract"]
            run.with_context(itsm_billing_step=STEP).result_lines = [
                ["matrix", contract.id, 0, "usage", "1", "100", "100.00"]
            ]
        for side in (home, foreign):
            side[Report._name] = Report.search(
                [("run_id", "=", side["itsm.billing.run"].id)]
            )
        return home, foreign
