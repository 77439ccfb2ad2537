from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.safe_eval import safe_eval

from ..tools import STEP

# The fields only the tick and untick buttons write.
TICK_FIELDS = {"done", "done_by_id", "done_date"}


class ItsmBillingCheckItem(models.Model):
    """A line of a run's check report (BIL-4): an automatic data check with
    what it found (``check_type`` auto), or an item of the report the
    checker — not the operator — ticks one by one before signing."""

    _name = "itsm.billing.check.item"
    _description = "ITSM Billing Check Item"
    _order = "run_id, check_type, sequence, id"

    run_id = fields.Many2one(
        "itsm.billing.run", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    check_type = fields.Selection(
        [("auto", "Data check"), ("manual", "Check report")],
        string="Type",
        required=True,
        readonly=True,
    )
    code = fields.Char(readonly=True)
    name = fields.Char(string="Check", required=True, readonly=True)
    description = fields.Text(readonly=True)
    found_count = fields.Integer(
        string="Found", readonly=True, help="Items the automatic check found."
    )
    blocking = fields.Boolean(
        readonly=True, help="The run cannot go on while this check finds items."
    )
    item_domain = fields.Char(readonly=True)
    passed = fields.Boolean(compute="_compute_passed")
    done = fields.Boolean(string="Checked", readonly=True)
    done_by_id = fields.Many2one("res.users", string="Checked by", readonly=True)
    done_date = fields.Datetime(string="Checked on", readonly=True)
    note = fields.Text(string="Comment")

    def _compute_passed(self):
        for item in self:
            item.passed = (
                item.done if item.check_type == "manual" else not item.found_count
            )

    def write(self, vals):
        if (
            TICK_FIELDS & set(vals)
            and self.env.context.get("itsm_billing_step") is not STEP
        ):
            raise UserError(
                self.env._("Check items are ticked with their buttons only.")
            )
        return super().write(vals)

    def _check_can_tick(self):
        if not self.env.user.has_group("itsm_billing.group_itsm_billing_checker"):
            raise AccessError(
                self.env._("Only a billing checker ticks the check report.")
            )
        for item in self:
            run = item.run_id
            if run.state != "computed" or item.check_type != "manual":
                raise UserError(
                    self.env._(
                        "“%(check)s”: the check report of %(run)s is ticked once "
                        "its results are computed and before it is signed.",
                        check=item.name,
                        run=run.display_name,
                    )
                )
            if run.operator_id == self.env.user:
                raise UserError(
                    self.env._(
                        "You ran %s: its check is someone else's (four eyes).",
                        run.display_name,
                    )
                )

    def action_tick(self):
        self._check_can_tick()
        self.with_context(itsm_billing_step=STEP).write(
            {
                "done": True,
                "done_by_id": self.env.user.id,
                "done_date": fields.Datetime.now(),
            }
        )

    def action_untick(self):
        self._check_can_tick()
        self.with_context(itsm_billing_step=STEP).write(
            {"done": False, "done_by_id": False, "done_date": False}
        )

    def action_open_items(self):
        self.ensure_one()
        run = self.run_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "itsm_billing.itsm_billing_item_action"
        )
        action["domain"] = run._itsm_item_domain() + (
            safe_eval(self.item_domain) if self.item_domain else []
        )
        action["name"] = self.name
        return action
