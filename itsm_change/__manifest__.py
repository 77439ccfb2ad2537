# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "ITSM Change and Request Fulfilment",
    "summary": "Change requests, windows, lead times, freezes and conflicts; "
    "request types with approvals and working-day deadlines",
    "version": "18.0.1.2.0",
    "license": "AGPL-3",
    "category": "Services/ITSM",
    "author": "ITSM for Odoo contributors",
    "website": "https://github.com/itsm-odoo/itsm",
    "depends": ["itsm_incident", "base_tier_validation"],
    "data": [
        "security/itsm_change_security.xml",
        "security/ir.model.access.csv",
        "security/itsm_change_rules.xml",
        "data/itsm_change_data.xml",
        "data/ir_cron_maintenance_data.xml",
        "data/mail_template_request_data.xml",
        "data/itsm_escalation_rule_request_data.xml",
        "data/itsm_request_type_data.xml",
        "data/itsm_request_delivery_data.xml",
        "views/itsm_change_views.xml",
        "views/itsm_change_freeze_views.xml",
        "views/itsm_service_views.xml",
        "views/itsm_problem_views.xml",
        "views/itsm_maintenance_plan_views.xml",
        "views/itsm_request_type_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_portal_templates.xml",
        "views/itsm_system_account_views.xml",
        "views/hr_employee_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/itsm_change_conflict_accept_views.xml",
        "wizards/itsm_request_delivery_wizard_views.xml",
        "views/itsm_change_menus.xml",
        "report/itsm_request_report.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "itsm_change/static/src/js/portal_request_form.js",
        ],
        "web.assets_tests": [
            "itsm_change/static/src/tours/*.js",
        ],
    },
    "demo": [
        "demo/itsm_change_demo.xml",
        "demo/itsm_request_demo.xml",
        "demo/itsm_system_account_demo.xml",
    ],
    "external_dependencies": {"python": ["pyzipper"]},
    "pre_init_hook": "pre_init_hook",
}
