# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Databases where the addon was installed before requests: tickets take
the approval's stored status of tier.validation with its value for them all
(none is under approval), instead of a computation ticket by ticket (the
install does the same in ``hooks.pre_init_hook``)."""

from odoo import SUPERUSER_ID, api

from odoo.addons.itsm_change.hooks import pre_init_hook


def migrate(cr, version):
    if not version:
        return
    pre_init_hook(api.Environment(cr, SUPERUSER_ID, {}))
