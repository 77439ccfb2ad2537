# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""BIL-7: the runs computed before the result digest existed get theirs
from their rated items (still theirs), so that a challenge keeps their
result and a re-run can be compared with it. They moved no contract dates:
their snapshot stays empty and a rollback restores none.

The new rule that freezes rolled-back runs and the notice templates need
nothing here: new records of ``noupdate`` data files are created when the
module is updated."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    runs = env["itsm.billing.run"].search(
        [
            ("state", "in", ("computed", "checked", "reviewed", "published")),
            ("result_digest", "=", False),
        ]
    )
    for run in runs:
        run._itsm_store_result()
