from odoo import fields, models
from odoo.exceptions import UserError


class ItsmChangeConflictAccept(models.TransientModel):
    """Accept a change's conflicts with a reason, so that it may be approved
    (CHG-8)."""

    _name = "itsm.change.conflict.accept"
    _description = "Accept Change Conflicts"

    change_id = fields.Many2one("itsm.change", required=True, readonly=True)
    open_conflict_ids = fields.Many2many(
        related="change_id.open_conflict_ids", string="Conflicts"
    )
    reason = fields.Text(required=True)

    def action_accept(self):
        self.ensure_one()
        change = self.change_id
        change._itsm_check_role(self.env._("Accepting conflicts"), cab=True)
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason the conflicts are accepted."))
        others = change._itsm_conflicts() - change._itsm_accepted()
        if not others:
            raise UserError(
                self.env._("%s has no conflict left to accept.", change.display_name)
            )
        now = fields.Datetime.now()
        # sudo: a change manager or CAB member accepts (checked above); the
        # acceptances are written by this wizard only.
        self.env["itsm.change.conflict"].sudo().create(
            [
                {
                    "change_id": change.id,
                    "other_id": other.id,
                    "reason": self.reason,
                    "accepted_by_id": self.env.user.id,
                    "accepted_date": now,
                }
                for other in others
            ]
        )
        change.message_post(
            body=self.env._(
                "Conflicts with %(others)s accepted: %(reason)s",
                # sudo: the chatter names the changes accepted (names only).
                others=", ".join(others.sudo().mapped("display_name")),
                reason=self.reason,
            )
        )
        return {"type": "ir.actions.act_window_close"}
