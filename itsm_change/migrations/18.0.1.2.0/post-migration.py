# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Request types made before the requester's notices send the seeded ones,
as new types do; the business requirement asks whether products change."""

from odoo import SUPERUSER_ID, api

from odoo.addons.itsm_change.models.helpdesk_ticket_request_notice import (
    NOTICE_FIELDS,
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    types = env["itsm.request.type"].with_context(active_test=False).search([])
    for event, field in NOTICE_FIELDS.items():
        template = types._default_notice(event)
        if template:
            types.filtered(
                lambda request_type, field=field: not request_type[field]
            ).write({field: template.id})
    requirement = env.ref(
        "itsm_change.request_type_requirement", raise_if_not_found=False
    )
    if requirement:
        requirement.ask_product_confirmation = True
