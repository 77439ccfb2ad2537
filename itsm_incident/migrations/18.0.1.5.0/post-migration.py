# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clocks carry their record's company (security review L2): the running and
past clocks of existing records take it, so that the new company rule hides
them from other companies' users as it hides the clocks started from now on.

The new record rules need nothing here: new records of a ``noupdate`` data
file are created when the module is updated."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("SELECT DISTINCT res_model FROM itsm_deadline")
    for (res_model,) in cr.fetchall():
        if res_model not in env:
            continue
        Model = env[res_model]
        field = Model._fields.get("company_id")
        if not (field and field.store and field.type == "many2one"):
            continue
        cr.execute(
            SQL(
                """UPDATE itsm_deadline deadline
                      SET company_id = record.company_id
                     FROM %s record
                    WHERE deadline.res_model = %s
                      AND deadline.res_id = record.id
                      AND deadline.company_id IS NULL""",
                SQL.identifier(Model._table),
                res_model,
            )
        )
