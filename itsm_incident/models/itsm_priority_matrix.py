from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

IMPACTS = [("minor", "Minor"), ("moderate", "Moderate"), ("severe", "Severe")]
URGENCIES = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
IMPACT_RANK = {key: rank for rank, (key, _label) in enumerate(IMPACTS)}
URGENCY_RANK = {key: rank for rank, (key, _label) in enumerate(URGENCIES)}


class ItsmPriorityMatrix(models.Model):
    """One cell of the impact × urgency matrix (S2 §5.4.3).

    The nine cells are seeded; one cell per pair and no deletion keep the
    matrix complete.
    """

    _name = "itsm.priority.matrix"
    _description = "ITSM Priority Matrix Cell"
    _order = "urgency desc, impact desc"

    impact = fields.Selection(IMPACTS, required=True, readonly=True)
    urgency = fields.Selection(URGENCIES, required=True, readonly=True)
    priority_id = fields.Many2one(
        "itsm.priority", string="Priority", required=True, ondelete="restrict"
    )

    _sql_constraints = [
        (
            "cell_unique",
            "unique(impact, urgency)",
            "The matrix has one cell per impact and urgency.",
        ),
    ]

    @api.model
    def _check_monotonic(self):
        """A higher impact or urgency never gives a lower priority."""
        cells = self.search([])
        level = {(c.impact, c.urgency): int(c.priority_id.level) for c in cells}
        for (impact, urgency), value in level.items():
            for (other_impact, other_urgency), other in level.items():
                if (
                    IMPACT_RANK[other_impact] >= IMPACT_RANK[impact]
                    and URGENCY_RANK[other_urgency] >= URGENCY_RANK[urgency]
                    and other > value
                ):
                    raise ValidationError(
                        _(
                            "Contradictory priority matrix: %(worse)s gives P%(low)s "
                            "but the less serious %(better)s gives P%(high)s. A higher "
                            "impact or urgency must never lower the priority.",
                            worse=self._cell_label(other_impact, other_urgency),
                            low=other,
                            better=self._cell_label(impact, urgency),
                            high=value,
                        )
                    )

    @api.model
    def _cell_label(self, impact, urgency):
        impacts = dict(self._fields["impact"]._description_selection(self.env))
        urgencies = dict(self._fields["urgency"]._description_selection(self.env))
        return _(
            "impact %(impact)s × urgency %(urgency)s",
            impact=impacts[impact],
            urgency=urgencies[urgency],
        )

    def unlink(self):
        raise UserError(
            _(
                "The priority matrix must stay complete: change a cell, do not delete it."
            )
        )

    def write(self, vals):
        old = {cell.id: cell.priority_id for cell in self}
        result = super().write(vals)
        changed = self.filtered(lambda cell: cell.priority_id != old[cell.id])
        if changed and not self.env.context.get("itsm_matrix_batch"):
            self._check_monotonic()
            self.env["helpdesk.ticket"]._itsm_follow_matrix(changed)
        return result

    @api.model
    def _set_matrix(self, priorities):
        """Set the whole matrix at once: {(impact, urgency): itsm.priority}.

        Checked as a whole, so that several cells can move together; refused
        when a cell is missing or the result is contradictory."""
        missing = [
            self._cell_label(impact, urgency)
            for impact, _label in IMPACTS
            for urgency, _label2 in URGENCIES
            if not priorities.get((impact, urgency))
        ]
        if missing:
            raise ValidationError(
                _(
                    "The priority matrix must be complete; give a priority to "
                    "%(cells)s.",
                    cells=", ".join(missing),
                )
            )
        changed = self.browse()
        for cell in self.search([]):
            priority = priorities[(cell.impact, cell.urgency)]
            if cell.priority_id != priority:
                cell.with_context(itsm_matrix_batch=True).priority_id = priority
                changed |= cell
        if changed:
            self._check_monotonic()
            self.env["helpdesk.ticket"]._itsm_follow_matrix(changed)
        return changed

    @api.model
    def _priority_map(self):
        """{(impact, urgency): itsm.priority} for the whole matrix."""
        return {
            (cell.impact, cell.urgency): cell.priority_id
            for cell in self.sudo().search([])
        }
