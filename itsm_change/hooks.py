# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def pre_init_hook(env):
    """Tickets take the approval's stored status of tier.validation: on a
    database with many tickets, the column is made with its value for them
    all (none is under approval) instead of computing it ticket by ticket."""
    cr = env.cr
    if not column_exists(cr, "helpdesk_ticket", "validation_status"):
        create_column(cr, "helpdesk_ticket", "validation_status", "varchar")
        cr.execute(SQL("UPDATE helpdesk_ticket SET validation_status = 'no'"))
