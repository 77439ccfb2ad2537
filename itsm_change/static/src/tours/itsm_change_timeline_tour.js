/** @odoo-module **/
// Copyright 2026 ITSM for Odoo contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// A change manager looks at the changes of a service on the timeline
// (CHG-8): a row for each service of the changes, the two changes that
// overlap on the hotline in red.
registry.category("web_tour.tours").add("itsm_change_timeline", {
    steps: () => [
        {
            content: "The timeline of the changes",
            trigger: ".o_switch_view.o_timeline",
            run: "click",
        },
        {
            content: "The timeline is shown",
            trigger: ".o_timeline_view .vis-timeline",
        },
        {
            content: "The search",
            trigger: ".o_searchview_input",
            run: "click",
        },
        {
            content: "Look for the timeline test's changes",
            trigger: ".o_searchview_input",
            run: "edit Timeline test",
        },
        {
            content: "Search them",
            trigger: ".o_menu_item.dropdown-item:contains(Search Title for):contains(Timeline test)",
            run: "click",
        },
        {
            content: "A row for the hotline",
            trigger: ".o_timeline_view .vis-label:contains(Customer service hotline)",
        },
        {
            content: "A row for the CRM",
            trigger: ".o_timeline_view .vis-label:contains(CRM (customer)",
        },
        {
            content: "The change on the hotline and the CRM conflicts: red",
            trigger:
                ".o_timeline_view .vis-item:contains(Timeline test: menu)[style*='236, 112, 99']",
        },
        {
            content: "The change it overlaps on the hotline: red too",
            trigger:
                ".o_timeline_view .vis-item:contains(Timeline test: IVR)[style*='236, 112, 99']",
        },
        {
            content: "The change alone on its service is not",
            trigger:
                ".o_timeline_view .vis-item:contains(Timeline test: reports):not([style*='236, 112, 99']):not([style*='ec7063'])",
        },
    ],
});
