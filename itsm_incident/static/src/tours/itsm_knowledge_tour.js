/** @odoo-module **/
// Copyright 2026 ITSM for Odoo contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// An agent opens a new ticket, finds a suggested knowledge article and
// records that it solved the ticket (INC-11, INC-14).
registry.category("web_tour.tours").add("itsm_knowledge_apply_suggestion", {
    steps: () => [
        {
            content: "The ticket suggests the matching article",
            trigger:
                '.o_itsm_knowledge_suggestions .o_data_row:contains("Jammed printer")',
        },
        {
            content: "This article solved it",
            trigger:
                '.o_itsm_knowledge_suggestions .o_data_row:contains("Jammed printer") button[name="action_apply_to_ticket"]',
            run: "click",
        },
        {
            content: "Open the Knowledge tab",
            trigger: '.o_notebook .nav-link[name="itsm_knowledge"]',
            run: "click",
        },
        {
            content: "The article is recorded as the ticket's solution",
            trigger:
                '.o_field_widget[name="knowledge_article_ids"] .o_data_row:contains("Jammed printer")',
        },
        {
            content: "The chatter says so",
            trigger:
                '.o-mail-Message a[data-oe-model="itsm.knowledge.article"]:contains("Jammed printer")',
        },
    ],
});
