from odoo import fields, models


class ItsmChangeConflict(models.Model):
    """A conflict between two changes accepted with a reason (CHG-8): the
    change may be approved although another overlaps it. Dropped when the
    schedule or the services of either change change."""

    _name = "itsm.change.conflict"
    _description = "ITSM Accepted Change Conflict"
    _order = "change_id, id"
    _check_company_auto = True

    change_id = fields.Many2one(
        "itsm.change", required=True, index=True, ondelete="cascade", readonly=True
    )
    other_id = fields.Many2one(
        "itsm.change",
        string="Conflicting change",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        related="change_id.company_id", store=True, index=True, precompute=True
    )
    reason = fields.Text(required=True, readonly=True)
    accepted_by_id = fields.Many2one("res.users", readonly=True)
    accepted_date = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "pair_unique",
            "unique(change_id, other_id)",
            "A conflict is accepted once.",
        ),
    ]
