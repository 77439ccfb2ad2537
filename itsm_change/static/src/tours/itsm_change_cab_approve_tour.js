/** @odoo-module **/
// Copyright 2026 ITSM for Odoo contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// On a phone, a CAB member opens the changes awaiting them, opens one and
// validates its CAB step with an opinion: the change is approved (CHG-6).
registry.category("web_tour.tours").add("itsm_change_cab_approve_phone", {
    url: "/odoo/action-itsm_change.itsm_change_action_awaiting_me",
    steps: () => [
        {
            content: "Open the change awaiting me",
            trigger: ".o_data_row .o_data_cell:contains(Tour change)",
            run: "click",
        },
        {
            content: "Validate its CAB step",
            trigger: ".o_form_view button[name='validate_tier']",
            run: "click",
        },
        {
            content: "Give the opinion",
            trigger: ".modal div[name='comment'] input",
            run: "edit Agreed at the CAB.",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name='add_comment']",
            run: "click",
        },
        {
            content: "The change is approved",
            trigger:
                ".o_form_view:not(:has(.modal)) .o_field_widget[name='state']:contains(Approved)",
        },
    ],
});
