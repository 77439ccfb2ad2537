/** @odoo-module **/
// Copyright 2026 ITSM for Odoo contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// On a phone, the checker opens the run awaiting them, ticks the items of
// its check report one by one and signs it (BIL-4).
registry.category("web_tour.tours").add("itsm_billing_check_phone", {
    url: "/odoo/action-itsm_billing.itsm_billing_run_action_awaiting_me",
    steps: () => [
        {
            content: "Open the run awaiting me",
            trigger: ".o_kanban_record:contains(Billing 2026-11)",
            run: "click",
        },
        {
            content: "Open the check report",
            trigger: ".o_notebook a[name='check_report']",
            run: "click",
        },
        ...[1, 2, 3, 4, 5].map((n) => ({
            content: `Tick item ${n}`,
            trigger: `.o_field_widget[name='report_item_ids'] .o_data_row:nth-child(${n}) .o_field_boolean_toggle input:not(:checked)`,
            run: "click",
        })),
        {
            content: "Every item is ticked",
            trigger:
                ".o_field_widget[name='report_item_ids']:not(:has(.o_field_boolean_toggle input:not(:checked)))",
        },
        {
            content: "Sign the check report",
            trigger: ".o_form_view .o_notebook button[name='action_sign']",
            run: "click",
        },
        {
            content: "The run is checked",
            trigger:
                ".o_form_view .o_field_widget[name='state'] .o_arrow_button_current:contains(Checked), .o_form_view .o_field_widget[name='state']:contains(Checked)",
        },
    ],
});
