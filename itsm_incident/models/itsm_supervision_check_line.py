from odoo import fields, models

RESULTS = [("pass", "Passed"), ("fail", "Failed"), ("na", "Not applicable")]


class ItsmSupervisionCheckLine(models.Model):
    """One checklist item judged on one sampled incident; a failure is a
    finding that becomes a rectification action."""

    _name = "itsm.supervision.check.line"
    _description = "ITSM Supervision Check Item"
    _order = "check_id, sequence, id"

    check_id = fields.Many2one(
        "itsm.supervision.check",
        string="Supervision Check",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="check_id.company_id", store=True)
    item_id = fields.Many2one(
        "itsm.supervision.checklist.item",
        string="Check",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    sequence = fields.Integer(related="item_id.sequence", store=True)
    aspect = fields.Selection(related="item_id.aspect")
    result = fields.Selection(RESULTS)
    finding = fields.Text(help="What was found wrong, and what must be rectified.")
    action_user_id = fields.Many2one("res.users", string="Rectification owner")
    action_deadline = fields.Date(string="Rectify by")
    action_id = fields.Many2one(
        "itsm.improvement.action",
        string="Rectification Action",
        readonly=True,
        copy=False,
    )
    action_state = fields.Selection(related="action_id.state", string="Action status")

    def _itsm_missing(self):
        """What the line lacks before its check can be recorded, or ''."""
        self.ensure_one()
        if not self.result:
            return self.env._("no result")
        if self.result == "fail" and not (
            self.finding and self.action_user_id and self.action_deadline
        ):
            return self.env._("a failure needs a finding, an owner and a deadline")
        return ""

    def _itsm_action_vals(self):
        self.ensure_one()
        check = self.check_id
        return {
            "name": self.env._(
                "Rectify: %(item)s (%(ticket)s)",
                item=self.item_id.name,
                # sudo: only the ticket's name, for the action's title (a
                # security incident's checker may not read it).
                ticket=check.ticket_id.sudo().display_name,
            ),
            "description": self.finding,
            "ticket_id": check.ticket_id.id,
            "user_id": self.action_user_id.id,
            "date_deadline": self.action_deadline,
            "company_id": check.company_id.id,
        }
