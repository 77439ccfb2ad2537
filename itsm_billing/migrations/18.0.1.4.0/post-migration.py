# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""BIL-2 in the background: a run's check items are written while it is
*running* (its end step makes the check report) and when it *failed* (its
data checked again). The rule that freezes signed check reports is
``noupdate`` data: its domain is brought in line here."""

from odoo import SUPERUSER_ID, api

DOMAIN = (
    "[('run_id.state', 'in', "
    "('draft', 'data_checked', 'running', 'failed', 'computed'))]"
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref("itsm_billing.itsm_billing_check_item_rule_signed", False)
    if rule:
        rule.domain_force = DOMAIN
