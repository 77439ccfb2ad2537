# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""S2's "P3 < 1 month" is a calendar month: the seeded level 3 (still at its
seeded 720 hours) becomes 1 month, and the open tickets of that level get
their new due time (the time already used still counts).

The new SLA warning rung to the customer needs nothing here: a new record of
a ``noupdate`` data file is created when the module is updated (only records
that already exist are left alone)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    level = env.ref("itsm_incident.itsm_priority_3", raise_if_not_found=False)
    if not (
        level
        and not level.immediate
        and level.resolution_target_unit == "hours"
        and level.resolution_target_hours == 720
    ):
        return  # not there, or an admin chose another target: theirs stays
    level.write({"resolution_target_unit": "months", "resolution_target_months": 1})
    tickets = env["helpdesk.ticket"].search(
        [("itsm_priority", "=", "3"), ("stage_id.closed", "=", False)]
    )
    tickets._itsm_deadline_retarget()
    tickets._itsm_deadline_sync()
