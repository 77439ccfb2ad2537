# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "ITSM Change and Request Fulfilment",
    "summary": "Change requests, monthly change plans, approvals and notices",
    "version": "18.0.1.0.0",
    "license": "AGPL-3",
    "category": "Services/ITSM",
    "author": "ITSM for Odoo contributors",
    "website": "https://github.com/itsm-odoo/itsm",
    "depends": ["itsm_incident"],
}
