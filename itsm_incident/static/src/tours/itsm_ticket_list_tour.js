/** @odoo-module **/
// Copyright 2026 ITSM for Odoo contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("itsm_agent_ticket_list", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Service Desk app",
            trigger: '.o_app[data-menu-xmlid="itsm_incident.menu_itsm_root"]',
            run: "click",
        },
        {
            content: "The ticket list shows the open tickets",
            trigger: '.o_list_view .o_data_row:contains("Printer jammed")',
        },
        {
            content: "Open the ticket",
            trigger: '.o_data_row:contains("Printer jammed") .o_data_cell[name="name"]',
            run: "click",
        },
        {
            content: "The form shows the reporter's department",
            trigger: '.o_form_view .o_field_widget[name="department_id"] input:value("Business")',
        },
    ],
});
