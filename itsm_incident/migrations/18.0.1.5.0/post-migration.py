# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Security review, existing databases.

- Clocks carry their record's company (L2): the running and past clocks of
  existing records take it, so that the new company rule hides them from
  other companies' users as it hides the clocks started from now on.
- Escalation rules belong to a company (H1). The new column took the main
  company for every existing rule: the seeded ladder becomes shared again (no
  company, as on a new install: it watches every company and only
  administrators edit it); a rule someone created belongs to their company.

The new record rules need nothing here: new records of a ``noupdate`` data
file are created when the module is updated."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def _deadline_companies(cr):
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


def _escalation_rule_companies(cr):
    cr.execute(
        SQL(
            """
            UPDATE itsm_escalation_rule AS r
               SET company_id = NULL
              FROM ir_model_data AS d
             WHERE d.model = 'itsm.escalation.rule' AND d.res_id = r.id
               AND d.module = 'itsm_incident'
            """
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE itsm_escalation_rule AS r
               SET company_id = u.company_id
              FROM res_users AS u
             WHERE u.id = r.create_uid AND r.company_id IS NOT NULL
               AND NOT EXISTS (
                   SELECT 1 FROM ir_model_data AS d
                    WHERE d.model = 'itsm.escalation.rule' AND d.res_id = r.id
                      AND d.module = 'itsm_incident'
               )
            """
        )
    )


def migrate(cr, version):
    if not version:
        return
    _deadline_companies(cr)
    _escalation_rule_companies(cr)
