from odoo import fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # ``itsm_`` fields: the ITSM manager edits them (itsm_incident).
    itsm_change_window_start = fields.Float(
        string="Change window from",
        config_parameter="itsm_change.window_start",
        default=0.0,
        help="User-impacting changes start and end within the daily change "
        "window, in the company's time zone (S4: after midnight).",
    )
    itsm_change_window_end = fields.Float(
        string="Change window to",
        config_parameter="itsm_change.window_end",
        default=6.0,
    )
    itsm_change_lead_user_impacting_days = fields.Float(
        string="Notice for user-impacting changes (working days)",
        config_parameter="itsm_change.lead_user_impacting_days",
        default=3.0,
        help="The maintenance departments are told at least this many working "
        "days before a user-impacting change starts.",
    )
    itsm_change_lead_cross_department_days = fields.Float(
        string="Notice for cross-department changes (working days)",
        config_parameter="itsm_change.lead_cross_department_days",
        default=5.0,
        help="The request and implementation plan of a change with "
        "collaborating departments are submitted at least this many working "
        "days before it starts.",
    )

    itsm_change_risk_medium_score = fields.Integer(
        string="Medium risk from a score of",
        config_parameter="itsm_change.risk_medium_score",
        default=3,
        help="The risk questionnaire's score from which a change is of medium risk.",
    )
    itsm_change_risk_high_score = fields.Integer(
        string="High risk from a score of",
        config_parameter="itsm_change.risk_high_score",
        default=6,
    )

    itsm_change_notice_hours_before_close = fields.Float(
        string="Change notice (hours before the end of the working day)",
        config_parameter="itsm_change.notice_hours_before_close",
        default=2.0,
        help="The change notice is due this many hours before the end of the "
        "working day of the change (of the working day before, for a change "
        "in a night window).",
    )
    itsm_change_result_notice_hours = fields.Float(
        string="Result notice (hours after the change)",
        config_parameter="itsm_change.result_notice_hours",
        default=12.0,
        help="The result notice is due this many hours after the change ends.",
    )
    itsm_change_summary_report_days = fields.Float(
        string="Summary report (working days after the change)",
        config_parameter="itsm_change.summary_report_days",
        default=3.0,
        help="The summary report of a complex change is due this many working "
        "days after it ends.",
    )

    def _itsm_check_change_settings(self):
        for settings in self:
            for hour in (
                settings.itsm_change_window_start,
                settings.itsm_change_window_end,
            ):
                if not 0 <= hour <= 24:
                    raise ValidationError(
                        self.env._("The change window's hours are from 00:00 to 24:00.")
                    )
            if settings.itsm_change_window_start == settings.itsm_change_window_end:
                raise ValidationError(
                    self.env._("The change window must last: give two different hours.")
                )
            if (
                settings.itsm_change_lead_user_impacting_days < 0
                or settings.itsm_change_lead_cross_department_days < 0
            ):
                raise ValidationError(
                    self.env._("A change's notice in working days cannot be negative.")
                )
            if not (
                0
                < settings.itsm_change_risk_medium_score
                <= settings.itsm_change_risk_high_score
            ):
                raise ValidationError(
                    self.env._(
                        "The risk thresholds: medium from a score above 0, high "
                        "from a score at least as high."
                    )
                )
            if (
                settings.itsm_change_notice_hours_before_close < 0
                or settings.itsm_change_result_notice_hours < 0
                or settings.itsm_change_summary_report_days < 0
            ):
                raise ValidationError(
                    self.env._(
                        "The deadlines of a change's notices cannot be negative."
                    )
                )

    def _itsm_check_values(self):
        result = super()._itsm_check_values()
        self._itsm_check_change_settings()
        return result
