# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "ITSM Billing per Hour (Timesheets)",
    "summary": "Bill service contracts per hour from the tickets' timesheets",
    "version": "18.0.1.0.0",
    "license": "AGPL-3",
    "category": "Services/ITSM",
    "author": "ITSM for Odoo contributors",
    "website": "https://github.com/itsm-odoo/itsm",
    "depends": ["itsm_billing", "helpdesk_mgmt_timesheet"],
    "data": ["views/contract_line_views.xml"],
    "demo": ["demo/itsm_billing_timesheet_demo.xml"],
}
