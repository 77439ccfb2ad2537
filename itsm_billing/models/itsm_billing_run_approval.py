from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_list

from ..tools import STEP
from .itsm_billing_run import CHECKER, SUPERVISOR

# The context key under which the run's own steps (Sign Check Report,
# Review, the refusal) decide its tiers: its value is STEP, an object no RPC
# call can send, so tier.validation's decisions go through those steps and
# their checks (the ticks, the order, four eyes).
TIER_STEP = "itsm_billing_tier_step"
# The context key under which a reviewer's refusal rolls the run back
# through the challenge (the refusal checked the reviewer instead of the
# supervisor's role).
REFUSAL = "itsm_billing_refusal"
OPEN = ("waiting", "pending")
DECIDED = ("approved", "rejected")


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRun(models.Model):
    """The four-eyes check (BIL-4) and the supervisor's review (BIL-6) as
    tiers of ``base_tier_validation``: seeded tier definitions (data the
    ITSM and billing managers edit) ask, when a run is computed, the check
    of a Billing Checker, then the review of a Billing Supervisor.

    base_tier_validation 18.0 lets the requester approve and one user hold
    two tiers; here the run's operator reviews none of its tiers, whoever
    decided one tier decides no other (``tier.review._get_reviewers``), and
    a request is refused when the tiers cannot each find a different
    eligible reviewer. The tiers are decided only by the run's own buttons:
    *Sign Check Report* validates the first (every item ticked; the signed
    report is kept as a PDF), *Review* the later ones, *Refuse* (the
    challenge wizard) rejects the current one and rolls the run back; a
    re-run asks fresh reviews."""

    _name = "itsm.billing.run"
    _inherit = ["itsm.billing.run", "tier.validation"]

    _state_from = ["computed", "checked"]
    _state_to = ["reviewed"]
    # Runs are never cancelled (rolled back, they keep their reviews).
    _cancel_state = "cancel"
    # The reviews are placed by hand in the run's form.
    _tier_validation_manual_config = True

    check_report_id = fields.Many2one(
        "ir.attachment",
        string="Signed check report",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The check report (出账/结算检查报告) as the checker signed it, "
        "kept as a PDF on the run, rolled back or not.",
    )

    def write(self, vals):
        if "check_report_id" in vals and (
            self.env.context.get("itsm_billing_step") is not STEP
        ):
            raise UserError(
                self.env._("The signed check report is kept by the signature only.")
            )
        return super().write(vals)

    # tier.validation computes it once per transaction: a run asks its
    # reviews in the middle of one (the run step), then is written again.
    @api.depends("review_ids", "state")
    def _compute_need_validation(self):
        return super()._compute_need_validation()

    def _get_to_validate_message_name(self):
        return self.env._("Billing run")

    def _compute_hide_reviews(self):
        # The trail of the check and the review stays on the run.
        self.hide_reviews = False

    # The run's own rules (WORKFLOW_FIELDS, record rules by state) say what
    # may change while its reviews are open.
    def _check_allow_write_under_validation(self, vals):
        return True

    def _allow_to_remove_reviews(self, values):
        # History is never deleted: a rolled-back run keeps its reviews.
        return False

    # ------------------------------------------------------------------
    # Asking the reviews
    # ------------------------------------------------------------------

    def _itsm_request_checks(self):
        """Ask the check and the review of the runs just computed (called
        at the end of the run step)."""
        runs = self.filtered(lambda run: run.state == "computed" and not run.review_ids)
        if not runs:
            return self.env["tier.review"]
        reviews = runs.request_validation()
        # The first tier's turn (tier.validation settles it lazily).
        reviews._compute_can_review()
        for run in runs:
            steps = run.review_ids.sorted("sequence")
            run.message_post(
                body=self.env._(
                    "Check and review asked: %s.",
                    "; ".join(
                        f"{review.name} ({review.todo_by or '-'})" for review in steps
                    ),
                )
            )
        return reviews

    def request_validation(self):
        for run in self:
            if run.state != "computed" or run.review_ids:
                raise UserError(
                    self.env._(
                        "The check and review of %s are asked once, when its "
                        "results are computed.",
                        run.display_name,
                    )
                )
            run._itsm_check_eligible_reviewers()
        # The steps are the system's, made from the tier definitions and
        # checked above (tier reviews are written by the system only).
        return super().request_validation()

    def restart_validation(self):
        raise UserError(
            self.env._(
                "The reviews of a run are not restarted: refuse or challenge "
                "its result; the re-run asks fresh reviews."
            )
        )

    def _itsm_check_eligible_checker(self):
        """The maker–checker rule, before the run: each tier of the run has
        an eligible reviewer, a different one each."""
        self.ensure_one()
        self._itsm_check_eligible_reviewers()

    def _itsm_tier_candidates(self, deciding=None):
        """[(tier definition, eligible users)] of the tiers still to decide
        (but ``deciding``): the open reviews, or the tiers that would be
        asked."""
        self.ensure_one()
        if self.review_ids:
            open_reviews = self.review_ids.filtered(lambda r: r.status in OPEN)
            open_reviews -= deciding or open_reviews.browse()
            return [
                (review.definition_id, review._get_reviewers())
                for review in open_reviews.sorted("sequence")
            ]
        Review = self.env["tier.review"]
        return [
            (
                definition,
                Review.new(
                    self._prepare_tier_review_vals(definition, sequence)
                )._get_reviewers(),
            )
            for sequence, definition in enumerate(self._itsm_matching_tiers(), 1)
        ]

    def _itsm_check_eligible_reviewers(self, exclude=None, deciding=None):
        """Refuse (a clear error naming the tier and the role to give) when
        the tiers still to decide cannot each have a different eligible
        reviewer: neither the operator nor whoever asks, nor one who
        decided another tier, nor ``exclude`` (who is about to decide
        ``deciding``)."""
        self.ensure_one()
        exclude = exclude or self.env["res.users"]
        candidates = self._itsm_tier_candidates(deciding)
        eligible = [users - exclude for _definition, users in candidates]
        owner = {}

        def assign(index, seen):
            for user in eligible[index]:
                if user.id in seen:
                    continue
                seen.add(user.id)
                if user.id not in owner or assign(owner[user.id], seen):
                    owner[user.id] = index
                    return True
            return False

        for index, (definition, users) in enumerate(candidates):
            if assign(index, set()):
                continue
            role = (
                definition.reviewer_group_id.name
                or definition.reviewer_id.name
                or definition.name
            )
            if users:
                raise UserError(
                    self.env._(
                        "Nobody would be left for the step “%(step)s” of "
                        "%(run)s: %(users)s would hold two steps, and one person "
                        "does not (four eyes). Let someone else decide this "
                        "step, or give another user the role “%(role)s”.",
                        step=definition.name,
                        run=self.display_name,
                        users=format_list(self.env, users.mapped("name")),
                        role=role,
                    )
                )
            raise UserError(
                self.env._(
                    "Nobody can decide the step “%(step)s” of %(run)s: its "
                    "operator may not (four eyes) and nobody else eligible has "
                    "the role. Give another user of the company the role "
                    "“%(role)s”.",
                    step=definition.name,
                    run=self.display_name,
                    role=role,
                )
            )

    # ------------------------------------------------------------------
    # Deciding the tiers: the run's own steps
    # ------------------------------------------------------------------

    def _itsm_current_review(self):
        self.ensure_one()
        return self.review_ids.filtered(lambda r: r.status in OPEN).sorted("sequence")[
            :1
        ]

    def _itsm_check_tier_turn(self, step, deciding=True):
        """Refuse ``step`` unless the user may decide the run's current
        tier: one of its reviewers, holding no other tier of the run; when
        ``deciding`` (a validation), the later tiers keep someone else."""
        user = self.env.user
        for run in self:
            if not run.review_ids and run.state == "computed":
                # A run computed before its tiers existed.
                run._itsm_request_checks()
            held = run.review_ids.filtered(
                lambda r: r.status in DECIDED and r.done_by == user
            )
            if held:
                raise UserError(
                    self.env._(
                        "%(step)s on %(run)s: you decided its step “%(held)s”; "
                        "someone else must decide this one (four eyes).",
                        step=step,
                        run=run.display_name,
                        held=held[:1].name,
                    )
                )
            review = run._itsm_current_review()
            if not review:
                raise UserError(
                    self.env._(
                        "%(step)s on %(run)s: none of its steps waits for a decision.",
                        step=step,
                        run=run.display_name,
                    )
                )
            if user not in review.reviewer_ids:
                raise UserError(
                    self.env._(
                        "%(step)s on %(run)s: its step “%(tier)s” is for "
                        "%(todo)s, not for you.",
                        step=step,
                        run=run.display_name,
                        tier=review.name,
                        todo=review.todo_by or "-",
                    )
                )
            if deciding:
                run._itsm_check_eligible_reviewers(exclude=user, deciding=review)

    def _itsm_decide_tier(self):
        """Validate the run's current tier as the user (checked by the
        step), through tier.validation's own method."""
        self.ensure_one()
        review = self._itsm_current_review()
        self.with_context(**{TIER_STEP: STEP})._validate_tier(review)
        self.review_ids._compute_can_review()
        return review

    def _validate_tier(self, tiers=False):
        if self.env.context.get(TIER_STEP) is not STEP:
            raise UserError(
                self.env._(
                    "A run's check is validated by signing its check report, "
                    "its review with Review."
                )
            )
        result = super()._validate_tier(tiers)
        self._itsm_refresh_reviewers()
        return result

    def _rejected_tier(self, tiers=False):
        if self.env.context.get(TIER_STEP) is not STEP:
            raise UserError(
                self.env._(
                    "A run's check or review is refused with Refuse, with a "
                    "reason: the run is rolled back."
                )
            )
        result = super()._rejected_tier(tiers)
        self._itsm_refresh_reviewers()
        return result

    def validate_tier(self):
        self.ensure_one()
        if self.state == "computed":
            raise UserError(
                self.env._(
                    "Tick the items of the check report of %s and sign it: the "
                    "signature validates the check.",
                    self.display_name,
                )
            )
        return self.action_review()

    def reject_tier(self):
        return self.action_refuse()

    def _itsm_refresh_reviewers(self):
        """Whoever decided a tier leaves the others' reviewers."""
        open_reviews = self.review_ids.filtered(lambda r: r.status in OPEN)
        if open_reviews:
            self.env.add_to_compute(open_reviews._fields["reviewer_ids"], open_reviews)
            open_reviews.mapped("reviewer_ids")

    def action_sign(self):
        step = self.env._("Signing the check report")
        self._itsm_step_check(("computed",), CHECKER, step)
        self._itsm_check_other_person(step, "operator_id")
        self._itsm_check_tier_turn(step)
        result = super().action_sign()
        for run in self:
            run._itsm_decide_tier()
        self._itsm_keep_check_report()
        return result

    def action_review(self):
        """The supervisor's review validates the run's current tier; the
        run is Reviewed once its last tier is."""
        step = self.env._("The supervisor's review")
        self._itsm_step_check(("checked",), SUPERVISOR, step)
        self._itsm_check_other_person(step, "operator_id", "checker_id")
        self._itsm_check_tier_turn(step)
        for run in self:
            review = run._itsm_decide_tier()
            run.message_post(
                body=self.env._(
                    "Step “%(step)s” validated by %(user)s.",
                    step=review.name,
                    user=self.env.user.name,
                )
            )
        done = self.filtered(lambda run: run.validation_status == "validated")
        if not done:
            return True
        return super(ItsmBillingRun, done).action_review()

    def action_publish(self):
        for run in self:
            if run.state == "reviewed" and run.validation_status != "validated":
                raise UserError(
                    self.env._(
                        "Publication of %s: its check and review are not all "
                        "validated.",
                        run.display_name,
                    )
                )
        return super().action_publish()

    # ------------------------------------------------------------------
    # Refusal: the challenge of the check or the review
    # ------------------------------------------------------------------

    def action_refuse(self):
        """Open the challenge wizard to refuse the current step with a
        reason (the run is rolled back, as after a challenge)."""
        self.ensure_one()
        self._itsm_check_refusal()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse the check or review"),
            "res_model": "itsm.billing.run.challenge",
            "view_mode": "form",
            "target": "new",
            "context": {"default_run_id": self.id, "default_refusal": True},
        }

    def _itsm_check_refusal(self):
        step = self.env._("A refusal")
        self._itsm_step_check(("computed", "checked"), CHECKER, step)
        self._itsm_check_other_person(step, "operator_id")
        self._itsm_check_tier_turn(step, deciding=False)

    def _itsm_refuse(self, reason):
        """The current tier's reviewer refuses it with a reason: the tier
        is rejected (tier.validation's method) and the run is rolled back
        as after a challenge; the operator re-runs the month."""
        reason = (reason or "").strip()
        self._itsm_check_refusal()
        if not reason:
            raise UserError(self.env._("Give the reason why you refuse it."))
        for run in self:
            review = run._itsm_current_review()
            # The reason is the review's comment (written before the decision,
            # as base_tier_validation's comment wizard does).
            review.write({"comment": reason})
            run.with_context(**{TIER_STEP: STEP})._rejected_tier(review)
            run.message_post(
                body=self.env._(
                    "Step “%(step)s” refused by %(user)s: %(reason)s",
                    step=review.name,
                    user=self.env.user.name,
                    reason=reason,
                )
            )
        return self.with_context(**{REFUSAL: STEP})._itsm_challenge(reason)

    def _itsm_check_challenge(self):
        if self.env.context.get(REFUSAL) is STEP:
            return  # checked by the refusal: the reviewer of the current step
        return super()._itsm_check_challenge()

    def _itsm_challenge(self, reason):
        result = super()._itsm_challenge(reason)
        undecided = self.review_ids.filtered(lambda r: r.status in OPEN)
        # sudo: the rolled-back run's undecided steps are withdrawn (tier
        # reviews are written by the system only); the decided ones stay.
        undecided.sudo().write({"status": "cancel"})
        return result

    # ------------------------------------------------------------------
    # The signed check report, kept as a PDF
    # ------------------------------------------------------------------

    def _itsm_keep_check_report(self):
        """Render the signed check report of each run, keep it on the run
        and post it in the chatter."""
        Report = self.env["ir.actions.report"]
        report = self.env.ref("itsm_billing.action_report_itsm_billing_check")
        for run in self:
            content, kind = Report._render_qweb_pdf(report.report_name, run.ids)
            # Odoo's test mode renders HTML unless PDF rendering is forced.
            extension = "pdf" if kind == "pdf" else "html"
            attachment = self.env["ir.attachment"].create(
                {
                    "name": self.env._(
                        "%(run)s - check report signed.%(ext)s",
                        run=run.name,
                        ext=extension,
                    ),
                    "raw": content,
                    "res_model": run._name,
                    "res_id": run.id,
                    "mimetype": "application/pdf" if kind == "pdf" else "text/html",
                }
            )
            run._itsm_step_write({"check_report_id": attachment.id})
            run.message_post(
                body=self.env._(
                    "The signed check report, kept on the run: %s.", attachment.name
                ),
                attachment_ids=attachment.ids,
            )
