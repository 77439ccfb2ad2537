from odoo import api, fields, models


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The improvement actions of an incident (INC-13); a major incident
    may not close without one (INC-12, S1 §3.5.2)."""

    _inherit = "helpdesk.ticket"

    improvement_action_ids = fields.One2many(
        "itsm.improvement.action", "ticket_id", string="Improvement Actions"
    )
    improvement_action_count = fields.Integer(
        compute="_compute_improvement_action_count", string="Actions"
    )

    @api.depends("improvement_action_ids")
    def _compute_improvement_action_count(self):
        counts = dict(
            # sudo: only counted; the list itself follows the reader's rights.
            self.env["itsm.improvement.action"]
            .sudo()
            ._read_group([("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"])
        )
        for ticket in self:
            ticket.improvement_action_count = counts.get(ticket, 0)

    def _itsm_closure_blockers(self):
        blockers = super()._itsm_closure_blockers()
        stage = self._itsm_closing_stage()
        if stage and not stage.itsm_closed_loop:
            return blockers  # withdrawn or invalid: no closed loop to close
        # sudo: whether an action exists decides, not whether the closer
        # may read it.
        if self.is_major and not self.sudo().improvement_action_ids.filtered(
            lambda a: a.state != "cancelled"
        ):
            blockers.append(
                self.env._(
                    "a major incident needs at least one improvement action "
                    "(corrective or preventive)"
                )
            )
        return blockers

    def action_view_improvement_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "itsm_incident.itsm_improvement_action_action"
        )
        action.update(
            domain=[("ticket_id", "=", self.id)],
            context={
                "default_ticket_id": self.id,
                "default_problem_id": self.problem_id.id,
            },
        )
        return action
