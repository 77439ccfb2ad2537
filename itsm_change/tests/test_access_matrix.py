"""The access matrix of itsm_change's models: itsm_incident's matrix
(``TestAccessMatrix``, whose docstring tells how to read the tables) with the
president's role and the records of itsm_change's models. The models that
itsm_incident extends too (tickets, tier definitions and reviews) are in
its matrix."""

from odoo.tests import tagged

from odoo.addons.itsm_incident.tests import test_access_matrix as matrix

ROLES = {
    **matrix.ROLES,
    "president": "itsm_change.group_itsm_president",
}

TABLES = """
model                       reporter  resolver  agent     manager   head
itsm.request.type           r.../.... r.../.... r.../.... rwcu/.... r.../....

model                       risk      supervisor security  kpi_dept  employee
itsm.request.type           r.../.... r.../.... r.../.... r.../.... r.../....

model                       portal    public    president
itsm.request.type           ..../.... ..../.... r.../....
"""


@tagged("post_install", "-at_install")
class TestChangeAccessMatrix(matrix.TestAccessMatrix):
    ADDONS = ("itsm_change",)
    ROLES = ROLES
    TABLES = TABLES

    @classmethod
    def _matrix_records(cls, employee):
        home, foreign = super()._matrix_records(employee)
        Type = cls.env["itsm.request.type"]
        for company, side in (
            (cls.home_company, home),
            (cls.foreign_company, foreign),
        ):
            side["itsm.request.type"] = Type.create(
                {"name": f"Printer toner ({company.name})", "company_id": company.id}
            )
        return home, foreign
