/** @odoo-module **/
// Copyright 2026 ITSM for Odoo contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// A customer files a request of a type on the portal: the form shows what
// the type asks for, and only that (CHG-10).
registry.category("web_tour.tours").add("itsm_portal_request_form", {
    steps: () => [
        {
            content: "A service request",
            trigger: "select[name='declaration_type']",
            run: "select service_request",
        },
        {
            content: "Choose the category",
            trigger: "select[name='category']",
            run: "selectByLabel Equipment / Real-time online production system",
        },
        {
            content: "Without a type, no request field is shown",
            trigger:
                ".o_itsm_portal_request:has([data-itsm-field='request_scope'].d-none):has([data-itsm-field='service'].d-none)",
        },
        {
            content: "Choose the report subscription",
            trigger: "select[name='request_type']",
            run: "selectByLabel [RPT] Report subscription",
        },
        {
            content: "Its description shows",
            trigger: "[data-itsm-type-description]:not(.d-none):contains(Reports mailed every month)",
        },
        {
            content: "It asks for the system and the scope, not the purpose",
            trigger:
                ".o_itsm_portal_request:has([data-itsm-field='service']:not(.d-none)):has([data-itsm-field='request_scope']:not(.d-none)):not(:has([data-itsm-field='request_purpose']:not(.d-none)))",
        },
        {
            content: "The system",
            trigger: "select[name='service']",
            run: "selectByLabel CRM",
        },
        {
            content: "The scope",
            trigger: "textarea[name='request_scope']",
            run: "edit Revenue per store, every month.",
        },
        {
            content: "The subject",
            trigger: "input[name='subject']",
            run: "edit Monthly revenue report",
        },
        {
            content: "The description",
            trigger: "textarea[name='description']",
            run: "edit Please send us the monthly revenue report.",
        },
        {
            content: "Submit",
            trigger: "form[action='/submitted/ticket'] button[type='submit']",
            run: "click",
        },
        {
            content: "The request is filed: its page shows it",
            trigger: ".o_itsm_declaration_type:contains(Service Request)",
        },
    ],
});
