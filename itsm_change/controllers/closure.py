from odoo.addons.itsm_incident.controllers.closure import ItsmClosurePortal


class ItsmRequirementClosurePortal(ItsmClosurePortal):
    """A business requirement's requester confirms its delivery with the
    feedback form (《业务需求实现反馈表》): their evaluation goes with the
    confirmation; a function that does not meet the requirement is
    rejected as any resolution is."""

    def _itsm_confirm_values(self, kw):
        values = super()._itsm_confirm_values(kw)
        if "evaluation" in kw:
            values["evaluation"] = kw.get("evaluation")
        return values
