# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Event sources keep only the SHA-256 of their token (security review L1):
the hash of each clear token is stored, then the clear tokens are dropped.
The monitoring tools keep sending the same token, which still matches."""

import hashlib


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """SELECT 1 FROM information_schema.columns
            WHERE table_name = 'itsm_event_source' AND column_name = 'token'"""
    )
    if not cr.fetchone():
        return
    cr.execute(
        "ALTER TABLE itsm_event_source ADD COLUMN IF NOT EXISTS token_hash varchar"
    )
    cr.execute("SELECT id, token FROM itsm_event_source WHERE token <> ''")
    for source_id, token in cr.fetchall():
        cr.execute(
            "UPDATE itsm_event_source SET token_hash = %s WHERE id = %s",
            [hashlib.sha256(token.encode()).hexdigest(), source_id],
        )
    cr.execute("ALTER TABLE itsm_event_source DROP COLUMN token")
