from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.itsm_incident.models.tier_validation import DECISION

CAB = "itsm_change.group_itsm_change_cab"
DECISIONS = [
    ("approve", "Approve"),
    ("reject", "Reject"),
    ("defer", "Deferred"),
]


class ItsmChangeCabDecision(models.TransientModel):
    """The decisions of a CAB meeting (CHG-6), recorded after it by one CAB
    member who attended it (the meeting decides; one member records, see
    readme/CONFIGURE.md): each change approved or rejected with a comment
    validates or rejects its CAB step, which then names the meeting; a
    deferred change waits for the next meeting."""

    _name = "itsm.change.cab.decision"
    _description = "ITSM CAB Meeting Decisions"

    event_id = fields.Many2one("calendar.event", required=True, ondelete="cascade")
    line_ids = fields.One2many(
        "itsm.change.cab.decision.line", "wizard_id", string="Decisions"
    )

    def action_record(self):
        self.ensure_one()
        event = self.event_id
        user = self.env.user
        if not user.has_group(CAB):
            raise AccessError(
                self.env._("Only a CAB member records a CAB meeting's decisions.")
            )
        if user.partner_id not in event.partner_ids and event.user_id != user:
            raise UserError(
                self.env._(
                    "Only an attendee of %s records its decisions.",
                    event.display_name,
                )
            )
        decided = self.line_ids.filtered(lambda line: line.decision != "defer")
        for line in decided:
            line._itsm_check()
        for line in decided:
            line._itsm_apply()
        return {"type": "ir.actions.act_window_close"}


class ItsmChangeCabDecisionLine(models.TransientModel):
    _name = "itsm.change.cab.decision.line"
    _description = "ITSM CAB Meeting Decision"

    wizard_id = fields.Many2one(
        "itsm.change.cab.decision", required=True, ondelete="cascade"
    )
    change_id = fields.Many2one("itsm.change", required=True, readonly=True)
    decision = fields.Selection(DECISIONS, required=True, default="defer")
    comment = fields.Char(help="The meeting's reasons, kept on the CAB step.")

    def _itsm_cab_review(self):
        return self.change_id.review_ids.filtered(
            lambda r: r.definition_id.itsm_cab_tier
            and r.status in ("waiting", "pending")
        )[:1]

    def _itsm_check(self):
        """The CAB step of the change is open, its turn has come and the
        user may decide it (never their own change)."""
        change = self.change_id
        review = self._itsm_cab_review()
        if change.state != "submitted" or not review:
            raise UserError(
                self.env._(
                    "%s is not waiting for the CAB: it has no open CAB step.",
                    change.display_name,
                )
            )
        if not self.comment:
            raise UserError(
                self.env._(
                    "Give the meeting's comment on %s (its reasons).",
                    change.display_name,
                )
            )
        review._compute_can_review()
        if not review.can_review:
            raise UserError(
                self.env._(
                    "%(change)s still waits for an earlier step (%(next)s): the "
                    "CAB decides after it.",
                    change=change.display_name,
                    next=change.next_review or "-",
                )
            )
        if self.env.user not in review.reviewer_ids:
            raise UserError(
                self.env._(
                    "You may not decide the step “%(step)s” of %(change)s "
                    "(its reviewers: %(todo)s).",
                    step=review.name,
                    change=change.display_name,
                    todo=review.todo_by or "-",
                )
            )

    def _itsm_apply(self):
        change = self.change_id
        review = self._itsm_cab_review()
        event = self.wizard_id.event_id
        review.with_context(**{DECISION: True}).write(
            {
                "itsm_cab_event_id": event.id,
                "comment": f"{event.name}: {self.comment}",
            }
        )
        if self.decision == "approve":
            change._validate_tier(review)
        else:
            change._rejected_tier(review)
        change._update_counter({"review_deleted": True})
