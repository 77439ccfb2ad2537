from odoo import fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # ``itsm_`` fields: the ITSM manager edits them (itsm_incident).
    itsm_billing_due_day = fields.Integer(
        string="Billing due on day",
        config_parameter="itsm_billing.billing_due_day",
        default=2,
        help="A billing run must be finished, its check report signed, before "
        "00:00 on this day of the month after the one billed.",
    )
    itsm_settlement_due_day = fields.Integer(
        string="Settlement due on day",
        config_parameter="itsm_billing.settlement_due_day",
        default=10,
        help="The same for settlement runs.",
    )

    itsm_billing_outlier_share = fields.Float(
        string="Outlying beyond (%)",
        config_parameter="itsm_billing.outlier_share",
        default=50.0,
        help="The data check marks the items of a contract whose month "
        "differs from the previous month by more than this share.",
    )

    def _itsm_check_billing_settings(self):
        for settings in self:
            days = (settings.itsm_billing_due_day, settings.itsm_settlement_due_day)
            for day in days:
                if not 1 <= day <= 28:
                    raise ValidationError(
                        self.env._(
                            "A run's due day is a day of the month from 1 to 28."
                        )
                    )
            if settings.itsm_billing_outlier_share <= 0:
                raise ValidationError(
                    self.env._(
                        "The share beyond which a month is outlying is above 0%."
                    )
                )

    def _itsm_check_values(self):
        result = super()._itsm_check_values()
        self._itsm_check_billing_settings()
        return result
