from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import STEP

# The context key under which the last tier's validation approves the
# change: its value is STEP (an object no RPC call can send), so only
# ``_validate_tier`` (which checked that the user is the tier's reviewer)
# approves without the CAB role.
TIERS_DONE = "itsm_change_tiers_done"
# What decides which tiers apply: a change of them while the change waits
# re-chooses its tiers (``_itsm_change_follow_tiers``).
TIER_FIELDS = {"change_type", "risk_override", "risk_answer_ids"}


# One concern a file (itsm_incident's readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmChange(models.Model):
    """The approval of a change by tiers (CHG-6), on ``base_tier_validation``:
    the seeded tier definitions (data, editable) choose by type and risk who
    approves a submitted change, in order: the requester's department
    manager (org chart), the CAB (the emergency CAB for an emergency
    change), the division leader for a high-risk one. A standard change
    prepared from an approved maintenance plan has no tier (the plan's
    approval is the change's). The requester never approves their own
    change (``tier.review._get_reviewers``); a tier nobody can approve is
    refused at submission. The last tier's validation approves the change
    through ``action_approve``, which stays the only way into *Approved* and
    refuses while a tier is pending or was rejected."""

    _name = "itsm.change"
    _inherit = ["itsm.change", "tier.validation"]

    _state_from = ["submitted"]
    _state_to = ["approved"]
    _cancel_state = "cancelled"
    # The tier widget is placed by hand in the change's form
    # (itsm_change_approval_views.xml): the automatic one would make every
    # field of an approved change read-only.
    _tier_validation_manual_config = True

    approval_department_manager_id = fields.Many2one(
        "res.users",
        string="Requester's department manager",
        compute="_compute_approval_people",
        help="Approves the first tier: the manager of the requester's "
        "department (org chart).",
    )
    approval_division_leader_id = fields.Many2one(
        "res.users",
        string="Requester's division leader",
        compute="_compute_approval_people",
        help="Approves high-risk changes: the manager of the parent "
        "department of the requester's department (org chart).",
    )
    cab_event_ids = fields.Many2many(
        "calendar.event",
        "calendar_event_itsm_change_rel",
        "change_id",
        "event_id",
        string="CAB meetings",
        readonly=True,
        copy=False,
    )

    @api.depends("requester_id")
    def _compute_approval_people(self):
        """From the suite's one org-chart resolver (``res.users
        ._itsm_org_chart``), for all the changes' requesters at once."""
        chart = self.requester_id._itsm_org_chart()
        Users = self.env["res.users"]
        for change in self:
            people = chart.get(change.requester_id.id, {})
            change.approval_department_manager_id = (
                people.get("department_manager") or self.env["res.partner"]
            ).user_ids[:1] or Users
            change.approval_division_leader_id = (
                people.get("division_leader") or self.env["res.partner"]
            ).user_ids[:1] or Users

    def _compute_hide_reviews(self):
        # The approval trail stays on the change after its approval (and
        # after a rejection sent it back to draft).
        self.hide_reviews = False

    def _get_to_validate_message_name(self):
        return self.env._("Change")

    # ------------------------------------------------------------------
    # The tiers
    # ------------------------------------------------------------------

    def _itsm_change_tiers(self):
        """The tier definitions that apply to this change now."""
        return self._itsm_matching_tiers()

    def _itsm_change_request_tiers(self):
        """Ask the approvals of the tiers that apply (a change without any,
        such as a standard change of an approved plan, is approved by the
        change manager or a CAB member alone). A tier nobody may approve is
        a clear error: nothing is submitted."""
        self.invalidate_recordset(["need_validation"])
        to_review = self.filtered(lambda change: change._itsm_change_tiers())
        if not to_review:
            return self.env["tier.review"]
        reviews = to_review.with_context(
            skip_check_state_condition=True
        ).request_validation()
        reviews._itsm_check_reviewers()
        # The first step's turn (tier.validation settles it lazily).
        reviews._compute_can_review()
        to_review.invalidate_recordset(["need_validation"])
        return reviews

    def _itsm_change_follow_tiers(self):
        """The tiers follow the change while it waits: a tier that now
        applies (the risk became high, say) is added after the others; one
        that no longer applies is dropped if nobody decided it yet."""
        for change in self.filtered(lambda c: c.state == "submitted" and c.review_ids):
            change._itsm_follow_tiers(change._itsm_change_tiers())

    def _itsm_change_tier_blockers(self):
        """Why the change may not be approved yet (a sentence), or ''."""
        self.ensure_one()
        reviews = self.review_ids
        rejected = reviews.filtered(lambda r: r.status == "rejected")
        if rejected:
            review = rejected[:1]
            comment = f" ({review.comment})" if review.comment else ""
            return self.env._(
                "%(change)s was rejected at the step “%(step)s” by %(by)s%(comment)s: "
                "take it back to draft to rework it, or cancel it.",
                change=self.display_name,
                step=review.name,
                by=review.done_by.name or "-",
                comment=comment,
            )
        open_reviews = reviews.filtered(lambda r: r.status in ("waiting", "pending"))
        if open_reviews:
            steps = "; ".join(
                f"{review.name} ({review.todo_by or '-'})"
                for review in open_reviews.sorted("sequence")
            )
            return self.env._(
                "%(change)s is not approved by all its steps yet; waiting for: "
                "%(steps)s.",
                change=self.display_name,
                steps=steps,
            )
        if not reviews and self._itsm_change_tiers():
            return self.env._(
                "%s has approval steps that were never asked: take it back to "
                "draft and submit it again.",
                self.display_name,
            )
        return ""

    # ------------------------------------------------------------------
    # The steps
    # ------------------------------------------------------------------

    def write(self, vals):
        result = super().write(vals)
        if TIER_FIELDS & set(vals):
            self._itsm_change_follow_tiers()
        return result

    def action_submit(self):
        result = super().action_submit()
        self._itsm_change_request_tiers()
        return result

    def _itsm_check_approval(self, step):
        """Also refused, with nothing changed, while a tier is pending or
        after a rejection: the change is approved once every tier did."""
        result = super()._itsm_check_approval(step)
        self._itsm_change_follow_tiers()
        for change in self:
            blocker = change._itsm_change_tier_blockers()
            if blocker:
                raise UserError(blocker)
        return result

    def _itsm_check_role(self, step, requester=False, implementer=False, cab=False):
        # The last tier's reviewer approves the change through its tier
        # (``_validate_tier`` checked they are that tier's reviewer).
        if cab and self.env.context.get(TIERS_DONE) is STEP:
            return
        return super()._itsm_check_role(
            step, requester=requester, implementer=implementer, cab=cab
        )

    def action_draft(self):
        """Back to draft: the steps nobody decided are withdrawn (they are
        asked again at the next submission); the decided ones stay as the
        trail until then."""
        undecided = self.review_ids.filtered(
            lambda r: r.status in ("waiting", "pending")
        )
        result = super().action_draft()
        # sudo: the withdrawal of undecided steps, by the step's own checks.
        undecided.sudo().write({"status": "cancel"})
        return result

    def validate_tier(self):
        self._itsm_change_check_reviewer()
        return super().validate_tier()

    def reject_tier(self):
        self._itsm_change_check_reviewer()
        return super().reject_tier()

    def _itsm_change_check_reviewer(self):
        """Only the reviewer of the current step decides it (tier.validation
        would otherwise mark the later steps as pending)."""
        for change in self:
            if change.state != "submitted":
                raise UserError(
                    self.env._("%s is not waiting for approval.", change.display_name)
                )
            if not change.can_review:
                raise UserError(
                    self.env._(
                        "You are not the approver of %(change)s at this step "
                        "(%(todo)s).",
                        change=change.display_name,
                        todo=change.next_review or "-",
                    )
                )

    def _validate_tier(self, tiers=False):
        result = super()._validate_tier(tiers)
        if (
            self.state == "submitted"
            and self.validation_status == "validated"
            and self.env.context.get(TIERS_DONE) is not STEP
        ):
            self._itsm_change_follow_tiers()
            if self.validation_status == "validated":
                self.with_context(**{TIERS_DONE: STEP}).action_approve()
        return result

    # While a change waits, its own rules (record rules by role and state,
    # the schedule's checks in ``write``) say who edits what: a change
    # manager reschedules a submitted change, a CAB member accepts its
    # conflicts; a change of its type or risk re-chooses its tiers.
    def _check_allow_write_under_validation(self, vals):
        return True

    # ------------------------------------------------------------------
    # Demo
    # ------------------------------------------------------------------

    @api.model
    def _itsm_demo_validate_tiers(self, xmlids, upto=None):
        """Demo data: the pending steps of these changes validated, each by
        its first reviewer, up to the step named ``upto`` (excluded), as
        the reviewers' buttons do."""
        for xmlid in xmlids:
            change = self.env.ref(xmlid)
            for review in change.review_ids.sorted("sequence"):
                if review.status not in ("waiting", "pending"):
                    continue
                if upto and review.definition_id == self.env.ref(upto):
                    break
                reviewer = review.reviewer_ids[:1]
                change.with_user(reviewer)._validate_tier(review)
                change.review_ids._compute_can_review()
