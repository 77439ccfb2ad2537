/** @odoo-module **/
// Copyright 2026 ITSM for Odoo contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import publicWidget from "@web/legacy/js/public/public_widget";

// The portal's request form shows what the chosen request type asks for,
// and only that (CHG-10): its description and its fields, the asked ones
// required. Without a type, no request field is shown. The server checks
// the same on submission (a browser without scripts sees every field).
publicWidget.registry.ItsmPortalRequestForm = publicWidget.Widget.extend({
    selector: ".o_itsm_portal_request",
    events: {
        "change select[name='request_type']": "_onTypeChange",
    },

    start() {
        this._apply();
        return this._super(...arguments);
    },

    _onTypeChange() {
        this._apply();
    },

    _apply() {
        const select = this.el.querySelector("select[name='request_type']");
        const option = select && select.selectedOptions[0];
        const typeId = (option && option.value) || "";
        const asks = ((option && option.dataset.itsmAsks) || "")
            .split(",")
            .filter(Boolean);
        for (const block of this.el.querySelectorAll("[data-itsm-field]")) {
            const shown = asks.includes(block.dataset.itsmField);
            block.classList.toggle("d-none", !shown);
            for (const input of block.querySelectorAll("input, select, textarea")) {
                // A hidden field is neither required nor sent.
                input.required = shown;
                input.disabled = !shown;
            }
        }
        for (const block of this.el.querySelectorAll("[data-itsm-type-description]")) {
            block.classList.toggle(
                "d-none",
                block.dataset.itsmTypeDescription !== typeId
            );
        }
    },
});
