from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .itsm_change import RISKS

MANAGER = "itsm_change.group_itsm_change_manager"


# One concern a file on purpose (the change's schedule is another).
# pylint: disable=consider-merging-classes-inherited
class ItsmChange(models.Model):
    """The change's risk (CHG-1): from its risk questionnaire (the score of
    the risky answers against the thresholds of the settings), or set by a
    change manager with a reason, which then prevails."""

    _inherit = "itsm.change"

    risk = fields.Selection(
        RISKS,
        compute="_compute_risk",
        store=True,
        readonly=True,
        help="From the risk questionnaire, unless a change manager set it "
        "with a reason.",
    )
    risk_answer_ids = fields.One2many(
        "itsm.change.risk.answer", "change_id", string="Risk questionnaire"
    )
    risk_score = fields.Integer(compute="_compute_risk_score", store=True)
    risk_override = fields.Selection(
        RISKS,
        string="Risk set by a change manager",
        tracking=True,
        copy=False,
        help="Prevails over the questionnaire; with its reason.",
    )

    @api.depends("risk_answer_ids.score")
    def _compute_risk_score(self):
        for change in self:
            change.risk_score = sum(change.risk_answer_ids.mapped("score"))

    @api.depends("risk_override", "risk_answer_ids.answer", "risk_score")
    def _compute_risk(self):
        medium, high = self._itsm_risk_thresholds()
        for change in self:
            answers = change.risk_answer_ids
            if change.risk_override:
                change.risk = change.risk_override
            elif answers and all(answers.mapped("answer")):
                change.risk = (
                    "high"
                    if change.risk_score >= high
                    else "medium"
                    if change.risk_score >= medium
                    else "low"
                )
            else:
                # Not all answered yet: as before, medium by default.
                change.risk = change.risk or "medium"

    @api.model
    def _itsm_risk_thresholds(self):
        # sudo: settings every change's risk depends on.
        params = self.env["ir.config_parameter"].sudo()
        return (
            int(params.get_param("itsm_change.risk_medium_score", 3)),
            int(params.get_param("itsm_change.risk_high_score", 6)),
        )

    @api.model_create_multi
    def create(self, vals_list):
        questions = None
        for vals in vals_list:
            if "risk_answer_ids" not in vals:
                if questions is None:
                    questions = self.env["itsm.change.risk.question"].search(
                        [("company_id", "in", [False, self.env.company.id])]
                    )
                vals["risk_answer_ids"] = [
                    (0, 0, {"question_id": question.id}) for question in questions
                ]
        self._itsm_check_risk_override(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._itsm_check_risk_override([vals], self)
        return super().write(vals)

    def _itsm_check_risk_override(self, vals_list, changes=None):
        """Only a change manager sets the risk by hand, with its reason."""
        if self.env.su:
            return
        for vals in vals_list:
            if not vals.get("risk_override"):
                continue
            if not self.env.user.has_group(MANAGER):
                raise AccessError(
                    self.env._(
                        "The risk comes from the questionnaire; only a change "
                        "manager sets it by hand."
                    )
                )
            reasons = (
                [vals.get("risk_reason")]
                if "risk_reason" in vals
                else (changes.mapped("risk_reason") if changes else [None])
            )
            if not all((reason or "").strip() for reason in reasons):
                raise UserError(
                    self.env._("Say why the risk is set by hand (the reason).")
                )
