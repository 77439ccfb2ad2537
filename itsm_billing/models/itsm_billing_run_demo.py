import os

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRun(models.Model):
    """Demo data (loaded on a fresh install with demo data only): the month
    before last billed and settled and published, each step by its role;
    last month's billing run computed and waiting for its four-eyes
    check. Part of the demo's history: not made with
    ``ITSM_DEMO_HISTORY=0`` (the tests' database, whose runs are their
    own)."""

    _inherit = "itsm.billing.run"

    @api.model
    def _itsm_demo_runs(self, operator, checker, supervisor):
        """The runs, as the demo's billing operator, checker and supervisor
        (XML ids) take them."""
        if os.environ.get("ITSM_DEMO_HISTORY") == "0" and not self.env.context.get(
            "itsm_demo_history"
        ):
            return
        users = {
            role: self.env.ref(xmlid)
            for role, xmlid in (
                ("operator", operator),
                ("checker", checker),
                ("supervisor", supervisor),
            )
        }
        first = fields.Date.context_today(self).replace(day=1)
        before_last, last = (
            first - relativedelta(months=2),
            first - relativedelta(months=1),
        )
        for run_type in ("billing", "settlement"):
            run = self._itsm_demo_run(users, run_type, before_last)
            self._itsm_demo_steps(run, users, publish=True)
        run = self._itsm_demo_run(users, "billing", last)
        self._itsm_demo_steps(run, users, publish=False)

    @api.model
    def _itsm_demo_run(self, users, run_type, month):
        existing = self.search(
            [
                ("company_id", "=", self.env.company.id),
                ("run_type", "=", run_type),
                ("period_start", "=", month),
            ],
            limit=1,
        )
        return existing or self.with_user(users["operator"]).create(
            {"run_type": run_type, "period_start": month}
        )

    @api.model
    def _itsm_demo_steps(self, run, users, publish):
        if run.state != "draft":
            return
        run.with_user(users["operator"]).action_check_data()
        run.with_user(users["operator"]).action_run()
        if not publish:
            return
        run.report_item_ids.with_user(users["checker"]).action_tick()
        run.with_user(users["checker"]).action_sign()
        run.with_user(users["supervisor"]).action_review()
        run.with_user(users["supervisor"]).action_publish()
