# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""China's public holidays and make-up working days are seeded in the
companies' calendars at install; an upgraded database gets them too (days a
calendar already has off or as make-up days are kept)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["resource.calendar"]._itsm_seed_china_holidays()
