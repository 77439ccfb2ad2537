# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "ITSM Billing and Settlement",
    "summary": "Service contracts, monthly billing and settlement runs",
    "version": "18.0.1.2.0",
    "license": "AGPL-3",
    "category": "Services/ITSM",
    "author": "ITSM for Odoo contributors",
    "website": "https://github.com/itsm-odoo/itsm",
    "depends": ["account", "contract", "itsm_incident", "sms"],
    "data": [
        "security/itsm_billing_security.xml",
        "security/ir.model.access.csv",
        "security/itsm_billing_rules.xml",
        "data/itsm_billing_check_template_data.xml",
        "data/itsm_billing_escalation_data.xml",
        "data/itsm_billing_notice_data.xml",
        "views/itsm_billing_run_views.xml",
        "views/itsm_billing_item_views.xml",
        "views/itsm_billing_check_template_views.xml",
        "views/contract_contract_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/itsm_billing_run_challenge_views.xml",
        "views/itsm_billing_menus.xml",
    ],
    "demo": ["demo/itsm_billing_demo.xml"],
    "application": True,
}
