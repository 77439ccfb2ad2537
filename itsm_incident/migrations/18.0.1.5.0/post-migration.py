# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Escalation rules belong to a company (security review H1). The new column
took the main company for every existing rule: the seeded ladder becomes
shared again (no company, as on a new install: it watches every company and
only administrators edit it); a rule someone created belongs to their
company.

The new record rules (security incidents' rows, escalation rules) are new
records of a ``noupdate`` file: the update creates them."""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
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
