from odoo import api, fields, models, tools
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
    priority_id = fields.Many2one("itsm.priority", required=True, ondelete="restrict")

    _sql_constraints = [
        (
            "cell_unique",
            "unique(impact, urgency)",
            "The matrix has one cell per impact and urgency.",
        ),
    ]

    @api.model
    def _check_monotonic(self, priorities=None):
        """A higher impact or urgency never gives a lower priority.

        :param priorities: {(impact, urgency): itsm.priority} to check instead
            of the stored matrix (so a refused change is never written)."""
        if priorities is None:
            priorities = self._priority_map()
        level = {cell: int(priority.level) for cell, priority in priorities.items()}
        for (impact, urgency), value in level.items():
            for (other_impact, other_urgency), other in level.items():
                if (
                    IMPACT_RANK[other_impact] >= IMPACT_RANK[impact]
                    and URGENCY_RANK[other_urgency] >= URGENCY_RANK[urgency]
                    and other > value
                ):
                    raise ValidationError(
                        self.env._(
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
        return self.env._(
            "impact %(impact)s × urgency %(urgency)s",
            impact=impacts[impact],
            urgency=urgencies[urgency],
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "The priority matrix must stay complete: change a cell, "
                "do not delete it."
            )
        )

    def write(self, vals):
        batch = self.env.context.get("itsm_matrix_batch")
        if "priority_id" in vals and not batch:
            future = self._priority_map()
            new = self.env["itsm.priority"].browse(vals["priority_id"])
            future.update({(cell.impact, cell.urgency): new for cell in self})
            self._check_monotonic(future)
        old = {cell.id: cell.priority_id for cell in self}
        result = super().write(vals)
        self.env.registry.clear_cache()
        changed = self.filtered(lambda cell: cell.priority_id != old[cell.id])
        if changed and not batch:
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
                self.env._(
                    "The priority matrix must be complete; give a priority to "
                    "%(cells)s.",
                    cells=", ".join(missing),
                )
            )
        self._check_monotonic(priorities)
        changed = self.browse()
        for cell in self.search([]):  # pylint: disable=no-search-all
            priority = priorities[(cell.impact, cell.urgency)]
            if cell.priority_id != priority:
                cell.with_context(itsm_matrix_batch=True).priority_id = priority
                changed |= cell
        if changed:
            self.env["helpdesk.ticket"]._itsm_follow_matrix(changed)
        return changed

    @api.model
    @tools.ormcache()
    def _level_map(self):
        """{(impact, urgency): level}, cached until a cell changes."""
        return {
            (impact, urgency): priority.level
            for (impact, urgency), priority in self._priority_map().items()
        }

    @api.model
    def _priority_map(self):
        """{(impact, urgency): itsm.priority} for the whole matrix."""
        return {
            (cell.impact, cell.urgency): cell.priority_id
            # sudo: the nine cells are configuration every ticket reader uses.
            for cell in self.sudo().search([])  # pylint: disable=no-search-all
        }
