from odoo import fields, models
from odoo.exceptions import ValidationError

from .itsm_billing_run_background import (
    CHUNK_DEFAULT,
    CHUNK_PARAM,
    FOREGROUND_DEFAULT,
    FOREGROUND_PARAM,
)


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    itsm_billing_run_foreground_items = fields.Integer(
        string="Run in the foreground up to",
        config_parameter=FOREGROUND_PARAM,
        default=FOREGROUND_DEFAULT,
        help="A run whose month has at most this many items to invoice runs "
        "in the request; a larger one runs in the background, chunk by chunk.",
    )
    itsm_billing_run_chunk_size = fields.Integer(
        string="Contracts per chunk",
        config_parameter=CHUNK_PARAM,
        default=CHUNK_DEFAULT,
        help="How many contracts (partners, for settlement) a chunk of a run "
        "rates and invoices in one transaction.",
    )

    def _itsm_check_values(self):
        result = super()._itsm_check_values()
        for settings in self:
            if settings.itsm_billing_run_chunk_size < 1:
                raise ValidationError(
                    self.env._("A chunk of a run holds at least one contract.")
                )
            if settings.itsm_billing_run_foreground_items < 0:
                raise ValidationError(
                    self.env._(
                        "The number of items a run does in the foreground "
                        "cannot be negative."
                    )
                )
        return result
