# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "ITSM Incident Management",
    "summary": "IT service management on the OCA helpdesk: roles, service desk, "
    "incidents",
    "version": "18.0.1.0.0",
    "license": "AGPL-3",
    "category": "Services/ITSM",
    "author": "ITSM for Odoo contributors",
    "website": "https://github.com/itsm-odoo/itsm",
    "depends": ["helpdesk_mgmt", "hr", "resource", "sms"],
    "data": [
        "security/itsm_incident_security.xml",
        "security/ir.model.access.csv",
        "security/itsm_event_source_security.xml",
        "data/itsm_priority_data.xml",
        "data/itsm_classification_data.xml",
        "data/helpdesk_channel_data.xml",
        "data/mail_activity_type_data.xml",
        "data/resource_calendar_data.xml",
        "data/ir_cron_data.xml",
        "data/helpdesk_stage_data.xml",
        "data/mail_template_data.xml",
        "data/sms_template_data.xml",
        "data/itsm_escalation_rule_data.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_portal_templates.xml",
        "views/itsm_priority_views.xml",
        "views/itsm_escalation_rule_views.xml",
        "views/itsm_service_level_views.xml",
        "views/resource_calendar_views.xml",
        "views/res_config_settings_views.xml",
        "report/helpdesk_ticket_report.xml",
        "views/itsm_menus.xml",
        "views/itsm_event_source_views.xml",
        "wizards/itsm_phone_intake_wizard_views.xml",
    ],
    "demo": ["demo/itsm_demo.xml"],
    "assets": {
        "web.report_assets_common": [
            "itsm_incident/static/src/scss/incident_record.scss",
        ],
        "web.assets_tests": [
            "itsm_incident/static/src/tours/*.js",
        ],
    },
    "application": True,
}
