"""A throw-away model for the tests of the tracked deadlines and the
escalation ladder on their own (loaded with odoo-test-helper's
FakeModelLoader, as base_tier_validation tests its mixin): what the change,
request and billing addons do to put a model on the ladder."""

from odoo import api, fields, models


class ItsmDeadline(models.Model):
    _inherit = "itsm.deadline"

    # A kind of the tester's, declared as an addon declares its own.
    kind = fields.Selection(
        selection_add=[("tester_reply", "Reply to the tester")],
        ondelete={"tester_reply": "cascade"},
    )


class ItsmLadderTester(models.Model):
    _name = "itsm.ladder.tester"
    _description = "ITSM Ladder Tester"
    _inherit = ["mail.thread", "itsm.escalation.mixin"]

    name = fields.Char(required=True)
    user_id = fields.Many2one("res.users")
    partner_id = fields.Many2one("res.partner")
    state = fields.Selection(
        [("new", "New"), ("waiting", "Waiting"), ("done", "Done")], default="new"
    )
    state_date = fields.Datetime(default=fields.Datetime.now)
    reply_hours = fields.Float(default=1.0)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._itsm_deadline_start()
        return records

    def write(self, vals):
        result = super().write(vals)
        if "reply_hours" in vals:
            self._itsm_deadline_retarget()
        if vals.get("state") == "waiting":
            self._itsm_deadline_pause()
        elif vals.get("state") == "new":
            self._itsm_deadline_resume()
        elif vals.get("state") == "done":
            self._itsm_deadline_stop()
        return result

    def _itsm_deadline_targets(self):
        self.ensure_one()
        calendar = self.env.ref("itsm_incident.calendar_24x7")
        return {"tester_reply": (self.reply_hours * 60, calendar, "the tester")}

    def _itsm_deadline_group_key(self):
        return self.reply_hours
