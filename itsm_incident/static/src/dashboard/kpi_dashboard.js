/** @odoo-module **/
// The service desk manager's dashboard (INC-16): KPI tiles that open the
// tickets behind them; one column on a phone.
import {Component, onWillStart, useState} from "@odoo/owl";
import {deserializeDateTime, formatDateTime} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {Layout} from "@web/search/layout";

export class ItsmKpiDashboard extends Component {
    static template = "itsm_incident.KpiDashboard";
    static components = {Layout};
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({data: null});
        this.titles = {
            open: _t("Open tickets"),
            atRisk: _t("At risk"),
            breached: _t("Breached"),
        };
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call(
            "itsm.kpi.dashboard",
            "get_dashboard_data",
            []
        );
    }

    get refreshedAt() {
        const value = this.state.data.refreshed_at;
        return value ? formatDateTime(deserializeDateTime(value)) : "";
    }

    percent(value) {
        return `${(value || 0).toFixed(1)} %`;
    }

    barStyle(rate) {
        return `height: ${Math.max(rate || 0, 2)}%;`;
    }

    openTickets(name, domain) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: "helpdesk.ticket",
            domain,
            views: [
                [false, "list"],
                [false, "kanban"],
                [false, "form"],
            ],
        });
    }

    openActions() {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Overdue improvement actions"),
            res_model: "itsm.improvement.action",
            domain: this.state.data.overdue_domain,
            views: [
                [false, "list"],
                [false, "form"],
            ],
        });
    }

    openKpis() {
        this.action.doAction("itsm_incident.itsm_kpi_report_action");
    }
}

registry.category("actions").add("itsm_kpi_dashboard", ItsmKpiDashboard);
