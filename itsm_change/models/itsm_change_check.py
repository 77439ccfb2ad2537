from odoo import api, fields, models
from odoo.exceptions import UserError

CHECK_RESULTS = [("ok", "Works"), ("failed", "Does not work")]


class ItsmChangeCheck(models.Model):
    """One line of a change's post-implementation check (CHG-9): a main
    business flow of a changed service, checked after the implementation,
    with its result and who checked it when. Results are given while the
    change is in review, by its implementers or a change manager."""

    _name = "itsm.change.check"
    _description = "ITSM Change Post-implementation Check"
    _order = "change_id, sequence, id"

    change_id = fields.Many2one(
        "itsm.change", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="change_id.company_id", store=True)
    service_id = fields.Many2one("itsm.service", readonly=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Business flow", required=True, readonly=True)
    result = fields.Selection(CHECK_RESULTS)
    note = fields.Char(help="What was seen; for a flow that does not work, how.")
    checked_by_id = fields.Many2one("res.users", string="Checked by", readonly=True)
    checked_date = fields.Datetime(string="Checked on", readonly=True)

    def write(self, vals):
        if {"result", "note"} & set(vals) and not self.env.su:
            for check in self:
                if check.change_id.state != "review":
                    raise UserError(
                        self.env._(
                            "%(change)s: the checks are given after its "
                            "implementation, while it is in review.",
                            change=check.change_id.display_name,
                        )
                    )
            self.change_id._itsm_check_role(
                self.env._("Checking the business flows"), implementer=True
            )
        if "result" in vals:
            vals = dict(
                vals,
                checked_by_id=self.env.uid if vals["result"] else False,
                checked_date=fields.Datetime.now() if vals["result"] else False,
            )
            # sudo: the stamps of the check, after the role check above.
            return super(ItsmChangeCheck, self.sudo()).write(vals)
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "The checks of a change come from its services' business "
                    "flows when the implementation finishes."
                )
            )
        return super().create(vals_list)
