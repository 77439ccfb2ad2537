# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The escalation ladder serves any model: a rule names its model (tickets
for the rules there are), the log names the record by (model, id), the
rule's "SLA target" is now the deadline kind (any for the warning and
breach rules, which watched every clock)."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not version:
        return
    if not column_exists(cr, "itsm_escalation_log", "res_id"):
        cr.execute(
            SQL(
                "ALTER TABLE itsm_escalation_log "
                "ADD COLUMN res_model varchar, ADD COLUMN res_id integer"
            )
        )
        cr.execute(
            SQL(
                "UPDATE itsm_escalation_log "
                "SET res_model = 'helpdesk.ticket', res_id = ticket_id"
            )
        )
    if not column_exists(cr, "itsm_escalation_rule", "model_id"):
        cr.execute(SQL("ALTER TABLE itsm_escalation_rule ADD COLUMN model_id integer"))
        cr.execute(
            SQL(
                "UPDATE itsm_escalation_rule SET model_id = "
                "(SELECT id FROM ir_model WHERE model = 'helpdesk.ticket')"
            )
        )
    if column_exists(cr, "itsm_escalation_rule", "sla_kind") and not column_exists(
        cr, "itsm_escalation_rule", "deadline_kind"
    ):
        cr.execute(
            SQL(
                "ALTER TABLE itsm_escalation_rule RENAME COLUMN sla_kind TO "
                "deadline_kind"
            )
        )
        cr.execute(
            SQL(
                "UPDATE itsm_escalation_rule SET deadline_kind = 'any' "
                "WHERE trigger IN ('sla_warning', 'sla_breached') "
                "OR deadline_kind IS NULL"
            )
        )
