from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ItsmEscalationRule(models.Model):
    """A change's own recipient on the ladder: its change manager (every
    change manager when it names none), told when a notice of the change is
    late (CHG-7)."""

    _inherit = "itsm.escalation.rule"

    recipient_type = fields.Selection(
        selection_add=[("change_manager", "The change's manager")],
        ondelete={"change_manager": "set default"},
    )

    @api.constrains("recipient_type", "model_id")
    def _check_change_manager_recipient(self):
        for rule in self:
            if (
                rule.recipient_type == "change_manager"
                and rule.model_name != "itsm.change"
            ):
                raise ValidationError(
                    self.env._(
                        "Rule “%s”: only the rules of changes tell the change's "
                        "manager.",
                        rule.name,
                    )
                )

    def _recipients(self, records):
        if self.recipient_type != "change_manager":
            return super()._recipients(records)
        # Those of them who may read the change, as for every rung.
        return self._itsm_only_readers(records, records._itsm_change_manager_partners())
