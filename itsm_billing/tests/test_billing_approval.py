from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from odoo.addons.itsm_change.tests.test_request import RefusedContext

from .common import RUN_TIME, BillingCase

CHECK = "itsm_billing.tier_billing_run_check"
REVIEW = "itsm_billing.tier_billing_run_review"


class ApprovalCase(BillingCase):
    def refused(self, exception, text):
        return RefusedContext(self, exception, text)

    def steps(self, run):
        return [
            (review.definition_id, review.status, review.done_by)
            for review in run.review_ids.sorted("sequence")
        ]

    def step(self, run, xmlid):
        return run.review_ids.filtered(
            lambda review: review.definition_id == self.env.ref(xmlid)
        )

    def awaiting(self, role):
        Run = self.env["itsm.billing.run"].with_user(self.billing[role])
        return Run.search(
            [("state", "in", ("computed", "checked")), ("can_review", "=", True)]
        )


class TestBillingApproval(ApprovalCase):
    """The four-eyes check (BIL-4) and the supervisor's review (BIL-6) as
    tiers of base_tier_validation: asked when the run is computed, decided
    by the run's own buttons, four eyes enforced where base_tier_validation
    does not (the operator reviews nothing, one person holds one step, no
    request without an eligible reviewer for each step)."""

    def test_check_and_review_as_the_roles(self):
        run = self.run_to("computed")
        check, review = self.step(run, CHECK), self.step(run, REVIEW)
        self.assertEqual(
            self.steps(run),
            [
                (self.env.ref(CHECK), "pending", self.env["res.users"]),
                (self.env.ref(REVIEW), "waiting", self.env["res.users"]),
            ],
        )
        self.assertEqual(check.requested_by, self.billing["operator"])
        self.assertTrue(
            run.message_ids.filtered(lambda m: "Check and review asked" in m.body)
        )
        # The operator reviews neither step.
        self.assertIn(self.billing["checker"], check.reviewer_ids)
        self.assertNotIn(self.billing["operator"], check.reviewer_ids)
        self.assertNotIn(self.billing["operator"], review.reviewer_ids)
        self.assertIn(self.billing["billing_supervisor"], review.reviewer_ids)
        # Runs awaiting me: the checker's, not the operator's.
        self.assertEqual(self.awaiting("checker"), run)
        self.assertFalse(self.awaiting("operator"))

        with freeze_time(RUN_TIME):
            self.tick_all(run)
            self.as_user(run, "checker").action_sign()
        self.assertEqual(run.state, "checked")
        self.assertEqual(check.status, "approved")
        self.assertEqual(check.done_by, self.billing["checker"])
        self.assertEqual(review.status, "pending")
        self.assertFalse(self.awaiting("checker"))
        self.assertEqual(self.awaiting("billing_supervisor"), run)
        # The signed check report, kept on the run and in its chatter.
        report = run.check_report_id
        self.assertTrue(report)
        self.assertEqual((report.res_model, report.res_id), (run._name, run.id))
        self.assertIn("check report signed", report.name)
        content = report.raw.decode()
        self.assertIn("Check report:", content)
        self.assertIn(f"Signed by {self.billing['checker'].name}", content)
        for item in run.report_item_ids:
            self.assertIn(item.name, content)
        self.assertIn(report, run.message_ids.attachment_ids)

        with freeze_time(RUN_TIME):
            self.as_user(run, "billing_supervisor").action_review()
        self.assertEqual(run.state, "reviewed")
        self.assertEqual(run.validation_status, "validated")
        self.assertEqual(review.done_by, self.billing["billing_supervisor"])
        self.assertTrue(
            run.message_ids.filtered(lambda m: "Supervisor's review" in m.body)
        )
        with freeze_time(RUN_TIME):
            self.as_user(run, "billing_supervisor").action_publish()
        self.assertEqual(run.state, "published")
        self.assertEqual(set(run.move_ids.mapped("state")), {"posted"})

    def test_the_operator_decides_no_step(self):
        # A checker runs it: a checker may operate too.
        run = self.new_run(user=self.billing["checker"])
        with freeze_time(RUN_TIME):
            self.as_user(run, "checker").action_check_data()
            self.as_user(run, "checker").action_run()
        check = self.step(run, CHECK)
        self.assertNotIn(self.billing["checker"], check.reviewer_ids)
        for item in run.report_item_ids:
            item.with_user(self.billing["checker2"]).action_tick()
        before = self.steps(run)
        as_operator = self.as_user(run, "checker")
        with self.refused(UserError, "four eyes"):
            as_operator.action_sign()
        with self.refused(UserError, "sign it"):
            as_operator.validate_tier()
        with self.refused(UserError, "four eyes"):
            as_operator.action_refuse()
        # Neither through tier.validation's methods nor by hand.
        with self.refused(UserError, "signing its check report"):
            as_operator._validate_tier(check)
        with self.refused(AccessError, "not written by hand"):
            check.with_user(self.billing["checker"]).write({"status": "approved"})
        self.assertEqual(self.steps(run), before)
        self.assertEqual(run.state, "computed")
        self.assertFalse(run.check_report_id)

    def test_one_person_holds_one_step(self):
        run = self.run_to("computed")
        # The supervisor checks it (a supervisor is a checker too)...
        self.tick_all(run, "billing_supervisor")
        self.as_user(run, "billing_supervisor").action_sign()
        review = self.step(run, REVIEW)
        # ...and leaves the review's reviewers.
        self.assertNotIn(self.billing["billing_supervisor"], review.reviewer_ids)
        self.assertIn(self.users["division_leader"], review.reviewer_ids)
        self.assertFalse(self.awaiting("billing_supervisor"))
        before = self.steps(run)
        with self.refused(UserError, "four eyes"):
            self.as_user(run, "billing_supervisor").action_review()
        with self.refused(UserError, "four eyes"):
            self.as_user(run, "billing_supervisor").validate_tier()
        self.assertEqual(self.steps(run), before)
        self.assertEqual(run.state, "checked")
        # Another supervisor reviews it.
        run.with_user(self.users["division_leader"]).action_review()
        self.assertEqual(run.state, "reviewed")

    def test_the_check_does_not_leave_the_review_to_nobody(self):
        """The only supervisor besides the operator may not sign the check:
        the review would be left to nobody."""
        company = self.env["res.company"].create({"name": "Small branch"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        operator, checker, supervisor = (
            new_test_user(
                self.env,
                login=f"branch_{role}",
                groups=f"itsm_billing.group_itsm_billing_{role}",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
            for role in ("operator", "checker", "supervisor")
        )
        Run = self.env["itsm.billing.run"].with_user(operator).with_company(company)
        with freeze_time(RUN_TIME):
            run = Run.create({"period_start": "2026-11-01"})
            run.action_check_data()
            run.action_run()
        self.assertEqual(run.state, "computed")
        for item in run.report_item_ids:
            item.with_user(supervisor).with_company(company).action_tick()
        left = "Nobody would be left for the step “Supervisor's review”"
        with self.refused(UserError, left):
            run.with_user(supervisor).with_company(company).action_sign()
        self.assertEqual(run.state, "computed")
        self.assertEqual(self.step(run, CHECK).status, "pending")
        run.with_user(checker).with_company(company).action_sign()
        run.with_user(supervisor).with_company(company).action_review()
        self.assertEqual(run.state, "reviewed")

    def test_no_request_without_eligible_reviewers(self):
        """A company whose only billing user is the operator: the run is
        refused (nothing computed) until a checker and then a supervisor,
        two people, can take the steps."""
        company = self.env["res.company"].create({"name": "Branch"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )

        def user(login, group):
            return new_test_user(
                self.env,
                login=login,
                groups=group,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        operator = user("branch_op", "itsm_billing.group_itsm_billing_operator")
        Run = self.env["itsm.billing.run"].with_user(operator).with_company(company)
        with freeze_time(RUN_TIME):
            run = Run.create({"period_start": "2026-11-01"})
            run.action_check_data()
        checker_group = "itsm_billing.group_itsm_billing_checker"
        supervisor_group = "itsm_billing.group_itsm_billing_supervisor"
        refusals = [
            (None, "Nobody can decide the step “Check (check report signed)”"),
            ((("branch_checker", checker_group),), "role “Billing Supervisor”"),
            # The supervisor alone would hold both steps.
            ((("branch_supervisor", supervisor_group),), "would hold two steps"),
        ]
        for new_users, text in refusals:
            for login, group in new_users or ():
                user(login, group)
            if text == "would hold two steps":
                Users = self.env["res.users"]
                Users.search([("login", "=", "branch_checker")]).active = False
            with self.subTest(text=text), self.refused(UserError, text):
                with freeze_time(RUN_TIME):
                    run.action_run()
            self.assertEqual(run.state, "data_checked")
            self.assertFalse(run.review_ids)
            self.assertFalse(run.move_ids)
        user("branch_checker2", checker_group)
        with freeze_time(RUN_TIME):
            run.action_run()
        self.assertEqual(run.state, "computed")
        self.assertEqual(
            self.step(run, REVIEW).reviewer_ids.mapped("login"), ["branch_supervisor"]
        )
        self.assertNotIn(operator, run.review_ids.reviewer_ids)

    def test_steps_out_of_order_are_refused(self):
        run = self.run_to("computed")
        before = self.steps(run)
        as_supervisor = self.as_user(run, "billing_supervisor")
        for step, text in (
            ("action_review", "review is not possible"),
            ("action_publish", "Publication is not possible"),
        ):
            with self.subTest(step=step), self.refused(UserError, text):
                getattr(as_supervisor, step)()
        # The tiers' own buttons: the check is signed, not validated.
        with self.refused(UserError, "sign it"):
            self.as_user(run, "checker").validate_tier()
        with self.refused(UserError, "restarted"):
            as_supervisor.restart_validation()
        with self.refused(UserError, "asked once"):
            as_supervisor.request_validation()
        self.assertEqual(self.steps(run), before)
        self.assertEqual(run.state, "computed")
        self.tick_all(run)
        self.as_user(run, "checker").action_sign()
        with self.refused(UserError, "Publication is not possible"):
            as_supervisor.action_publish()
        self.assertEqual(self.step(run, REVIEW).status, "pending")
        self.assertEqual(set(run.move_ids.mapped("state")), {"draft"})

    def test_a_refused_check_rolls_the_run_back(self):
        run = self.run_to("computed")
        moves = run.move_ids
        Wizard = self.env["itsm.billing.run.challenge"]
        action = self.as_user(run, "checker").action_refuse()
        self.assertEqual(action["res_model"], Wizard._name)
        wizard = Wizard.with_user(self.billing["checker"]).with_context(
            **action["context"]
        )
        with self.refused(UserError, "Give the reason"):
            wizard.create({"reason": " "}).action_confirm()
        with self.refused(AccessError, "not a Billing Checker"):
            self.as_user(run, "operator")._itsm_refuse("Looks wrong")
        self.assertEqual(run.state, "computed")
        with freeze_time(RUN_TIME):
            wizard.create({"reason": "Contract B billed twice"}).action_confirm()
        self.assertEqual(run.state, "rolled_back")
        self.assertFalse(moves.exists())
        check, review = self.step(run, CHECK), self.step(run, REVIEW)
        self.assertEqual(
            (check.status, check.done_by, check.comment),
            ("rejected", self.billing["checker"], "Contract B billed twice"),
        )
        self.assertEqual(review.status, "cancel")
        self.assertEqual(run.challenge_reason, "Contract B billed twice")
        self.assertTrue(run.message_ids.filtered(lambda m: "refused by" in m.body))
        # The re-run gets fresh reviews; the rolled-back run keeps its own.
        action = self.as_user(run, "operator").action_rerun()
        rerun = run.browse(action["res_id"])
        self.run_to("computed", rerun)
        self.assertEqual(
            [status for _tier, status, _by in self.steps(rerun)],
            ["pending", "waiting"],
        )
        self.assertFalse(rerun.review_ids & run.review_ids)
        self.assertEqual(check.status, "rejected")

    def test_a_challenged_run_keeps_its_signed_report(self):
        run = self.run_to("checked")
        report = run.check_report_id
        as_supervisor = self.as_user(run, "billing_supervisor")
        with freeze_time(RUN_TIME):
            as_supervisor._itsm_challenge("Totals differ from the ledger")
        self.assertEqual(run.state, "rolled_back")
        self.assertEqual(run.check_report_id, report)
        self.assertTrue(report.exists())
        self.assertEqual(
            [status for _tier, status, _by in self.steps(run)], ["approved", "cancel"]
        )
        # Nobody deletes it, nor replaces it by hand.
        with self.assertRaises(AccessError):
            report.with_user(self.billing["billing_supervisor"]).unlink()
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            report.sudo().unlink()
        with self.refused(UserError, "kept by the signature"):
            as_supervisor.write({"check_report_id": False})

    def test_ticked_with_a_toggle(self):
        run = self.run_to("computed")
        first, second = run.report_item_ids[:2]
        with freeze_time(RUN_TIME):
            self.as_user(run, "checker").write(
                {"report_item_ids": [Command.update(first.id, {"done": True})]}
            )
        self.assertEqual(
            (first.done, first.done_by_id), (True, self.billing["checker"])
        )
        with self.refused(AccessError, "Only a billing checker"):
            second.with_user(self.billing["operator"]).write({"done": True})
        self.billing["operator"].groups_id += self.env.ref(
            "itsm_billing.group_itsm_billing_checker"
        )
        with self.refused(UserError, "four eyes"):
            second.with_user(self.billing["operator"]).write({"done": True})
        with self.refused(UserError, "buttons"):
            second.with_user(self.billing["checker"]).write(
                {"done": True, "done_by_id": self.billing["operator"].id}
            )
        self.assertFalse(second.done)
        first.with_user(self.billing["checker"]).write({"done": False})
        self.assertFalse(first.done_by_id)

    def test_billing_supervisors_edit_the_billing_tiers_only(self):
        check = self.env.ref(CHECK)
        check.with_user(self.billing["billing_supervisor"]).write({"sequence": 25})
        self.assertEqual(check.sequence, 25)
        for role in ("operator", "checker"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                check.with_user(self.billing[role]).write({"sequence": 30})
        other = self.env["tier.definition"].create(
            {
                "name": "Proposals",
                "model_id": self.env["ir.model"]._get_id("itsm.problem.proposal"),
            }
        )
        with self.assertRaises(AccessError):
            other.with_user(self.billing["billing_supervisor"]).write({"sequence": 3})
