from odoo.exceptions import AccessError, UserError

from .common import ChangeCase
from .test_request import RefusedContext


class TestChangeRisk(ChangeCase):
    """A change's risk (CHG-1): the requester answers the short risk
    questionnaire an ITSM manager edits; the score of the risky answers
    against the settings' thresholds gives low, medium or high; a change
    manager may set it by hand, with a reason, and that prevails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Question = cls.env["itsm.change.risk.question"]
        Question.search([]).active = False
        cls.users_question, cls.rollback_question = Question.create(
            [
                {"name": "Interrupts users?", "risky_answer": "yes", "weight": 3},
                {"name": "Rollback possible?", "risky_answer": "no", "weight": 4},
            ]
        )
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("itsm_change.risk_medium_score", 3)
        params.set_param("itsm_change.risk_high_score", 6)

    def refused(self, exception, text):
        return RefusedContext(self, exception, text)

    def answer(self, change, **answers):
        for line in change.risk_answer_ids:
            key = "users" if line.question_id == self.users_question else "rollback"
            if key in answers:
                line.answer = answers[key]

    def test_the_questionnaire_gives_the_risk(self):
        change = self.make_change()
        self.assertEqual(
            change.risk_answer_ids.question_id,
            self.users_question | self.rollback_question,
            "the active questions, asked at once",
        )
        self.assertEqual(change.risk, "medium", "unanswered: medium")
        self.answer(change, users="no", rollback="yes")
        self.assertEqual((change.risk_score, change.risk), (0, "low"))
        self.answer(change, users="yes")
        self.assertEqual((change.risk_score, change.risk), (3, "medium"))
        self.answer(change, rollback="no")
        self.assertEqual((change.risk_score, change.risk), (7, "high"))
        # The thresholds are the settings'.
        self.env["ir.config_parameter"].sudo().set_param(
            "itsm_change.risk_high_score", 8
        )
        self.answer(change, users="no")
        self.answer(change, users="yes")
        self.assertEqual(change.risk, "medium")

    def test_a_change_manager_sets_the_risk_with_a_reason(self):
        change = self.make_change()
        self.answer(change, users="no", rollback="yes")
        self.assertEqual(change.risk, "low")
        with self.refused(AccessError, "only a change manager sets it"):
            change.write({"risk_override": "high", "risk_reason": "Month end."})
        manager = change.with_user(self.users["change_manager"])
        with self.refused(UserError, "Say why the risk is set by hand"):
            manager.risk_override = "high"
        self.assertEqual((change.risk, change.risk_override), ("low", False))
        manager.write({"risk_override": "high", "risk_reason": "Month-end load."})
        self.assertEqual(change.risk, "high")
        self.answer(change, users="no")
        self.assertEqual(change.risk, "high", "the manager's risk prevails")
        manager.risk_override = False
        self.assertEqual(change.risk, "low", "back to the questionnaire")

    def test_the_answers_are_the_drafts(self):
        change = self.make_change()
        self.answer(change, users="yes", rollback="yes")
        # Submitted (its schedule is not this test's concern).
        change._itsm_step_write({"state": "submitted"})
        line = change.risk_answer_ids[0]
        with self.refused(UserError, "no longer a draft"):
            line.with_user(self.users["reporter"]).answer = "no"
        line.with_user(self.users["change_manager"]).answer = "no"
        self.assertEqual(line.answer, "no", "a change manager corrects it")

    def test_the_thresholds_are_checked(self):
        settings = self.env["res.config.settings"].create(
            {"itsm_change_risk_medium_score": 5, "itsm_change_risk_high_score": 4}
        )
        with self.refused(Exception, "risk thresholds"):
            settings.execute()
