/** @odoo-module **/
// Copyright 2026 ITSM for Odoo contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

const TITLE = "Tills offline in store 12";

registry.category("web_tour.tours").add("itsm_portal_new_ticket", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "Open the new-ticket form",
            trigger: "form[action='/new/ticket'] button[name='create_new_ticket']:visible",
            run: "click",
        },
        {
            content: "Say what it is: a service request",
            trigger: "select[name='declaration_type']",
            run: "select service_request",
        },
        {
            content: "Choose the category",
            trigger: "select[name='category']",
            run: "selectByLabel Equipment / Real-time online production system",
        },
        {
            content: "Give a title",
            trigger: "input[name='subject']",
            run: `edit ${TITLE}`,
        },
        {
            content: "The customer states the urgency; the desk assesses the impact",
            trigger: ".o_itsm_urgency_legend:contains(part of the service is unavailable)",
        },
        {
            content: "It can wait a little",
            trigger: "select[name='urgency']",
            run: "select medium",
        },
        {
            content: "Describe the problem",
            trigger: "textarea[name='description']",
            run: "edit The four tills of store 12 show 'no connection' since 9:00.",
        },
        {
            content: "Send the ticket",
            trigger: "form[action='/submitted/ticket'] button[type='submit']",
            run: "click",
        },
        {
            content: "The ticket page shows its type",
            trigger: ".o_itsm_declaration_type:contains(Service Request)",
        },
        {
            content: "… its priority, set by the desk once it has assessed the impact",
            trigger: ".o_itsm_priority:contains(To be assessed)",
        },
        {
            content: "Back to the ticket list",
            trigger: ".o_portal_submenu a[href^='/my/tickets']",
            run: "click",
        },
        {
            content: "The list shows the ticket with its type",
            trigger: `tr:has(a:contains(${TITLE})) td.o_itsm_declaration_type:contains(Service Request)`,
        },
        {
            content: "… and its priority still to assess",
            trigger: `tr:has(a:contains(${TITLE})) td.o_itsm_priority:contains(To be assessed)`,
        },
    ],
});
