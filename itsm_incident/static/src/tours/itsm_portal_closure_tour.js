/** @odoo-module **/
// Copyright 2026 ITSM for Odoo contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// The reporter reads the resolution of their ticket, confirms it and rates
// the service from the ticket page (INC-12).
registry.category("web_tour.tours").add("itsm_portal_confirm_resolution", {
    steps: () => [
        {
            content: "The ticket page shows the resolution record",
            trigger: ".o_itsm_resolution:contains(The print server's spooler crashed.)",
        },
        {
            content: "… with the prevention advice",
            trigger: ".o_itsm_resolution:contains(Monitor the spooler)",
        },
        {
            content: "The reporter is satisfied",
            trigger: ".o_itsm_confirm_form input#itsm_rate_5",
            run: "click",
        },
        {
            content: "… and says so",
            trigger: ".o_itsm_confirm_form textarea[name='feedback']",
            run: "edit Printing works again, thank you.",
        },
        {
            content: "Confirm the resolution",
            trigger: ".o_itsm_confirm_form button.o_itsm_confirm_button",
            run: "click",
        },
        {
            content: "The confirmation is recorded",
            trigger: ".o_itsm_confirmed",
        },
        {
            content: "… the ticket is closed",
            trigger: ".badge:contains(Done)",
        },
        {
            content: "… and nothing is left to confirm",
            trigger: "body:not(:has(.o_itsm_confirm_form))",
        },
    ],
});
