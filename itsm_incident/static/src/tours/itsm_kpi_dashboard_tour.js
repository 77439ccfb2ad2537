/** @odoo-module **/
// Copyright 2026 ITSM for Odoo contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("itsm_kpi_dashboard_tour", {
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
            content: "Open Reporting",
            trigger: '.o_menu_sections button[data-menu-xmlid="itsm_incident.menu_itsm_reporting"]',
            run: "click",
        },
        {
            content: "Open the dashboard",
            trigger: '.dropdown-item[data-menu-xmlid="itsm_incident.menu_itsm_kpi_dashboard"]',
            run: "click",
        },
        {
            content: "The dashboard counts the open tickets",
            trigger: ".o_itsm_kpi_dashboard .o_itsm_open_count:not(:contains(/^0$/))",
        },
        {
            content: "The open tile opens the open tickets",
            trigger: ".o_itsm_kpi_dashboard .o_itsm_tile:has(.o_itsm_open_count)",
            run: "click",
        },
        {
            content: "The open ticket C is listed",
            trigger: '.o_list_view .o_data_row:contains("Printer jammed")',
        },
    ],
});
