from odoo import models

from ..tools import STEP


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingCheckItem(models.Model):
    """The check report ticked one item at a time with a toggle (the
    checker's phone screen): setting *Checked* is the Tick or Untick
    button, with its checks (a checker, not the run's operator, on a
    computed run), who and when recorded."""

    _inherit = "itsm.billing.check.item"

    def write(self, vals):
        if (
            not self
            or "done" not in vals
            or self.env.context.get("itsm_billing_step") is STEP
        ):
            return super().write(vals)
        vals = dict(vals)
        done = vals.pop("done")
        if set(vals) & {"done_by_id", "done_date"}:
            return super().write(dict(vals, done=done))  # refused there
        if vals:
            super().write(vals)
        to_change = self.filtered(lambda item: item.done != bool(done))
        if done:
            to_change.action_tick()
        else:
            to_change.action_untick()
        return True
