from odoo import api, fields, models
from odoo.exceptions import AccessError

CAB = "itsm_change.group_itsm_change_cab"


class CalendarEvent(models.Model):
    """A CAB meeting (CHG-6) is an Odoo calendar event marked as such: its
    attendees are invited, reminded and answer as for any meeting; its
    agenda lists the changes waiting for a CAB step, and the decision taken
    in the meeting is recorded on each change's CAB step (validated or
    rejected, with the meeting and its comment) through
    ``itsm.change.cab.decision``."""

    _inherit = "calendar.event"

    itsm_cab_meeting = fields.Boolean(
        string="CAB meeting",
        index=True,
        groups="itsm_incident.group_itsm_reporter",
        help="A meeting of the change advisory board: its agenda lists the "
        "changes waiting for the CAB.",
    )
    itsm_change_ids = fields.Many2many(
        "itsm.change",
        "calendar_event_itsm_change_rel",
        "event_id",
        "change_id",
        string="Agenda",
        groups="itsm_incident.group_itsm_reporter",
        help="The changes the meeting decides on.",
    )
    itsm_change_count = fields.Integer(
        compute="_compute_itsm_change_count",
        string="Changes on the agenda",
        groups="itsm_incident.group_itsm_reporter",
    )

    @api.depends("itsm_change_ids")
    def _compute_itsm_change_count(self):
        for event in self:
            event.itsm_change_count = len(event.itsm_change_ids)

    @api.model
    def _itsm_changes_awaiting_cab(self):
        """The submitted changes whose CAB step is still open, in the
        user's companies: one search of the open CAB steps."""
        reviews = self.env["tier.review"].search(
            [
                ("model", "=", "itsm.change"),
                ("definition_id.itsm_cab_tier", "=", True),
                ("status", "in", ("waiting", "pending")),
            ]
        )
        return self.env["itsm.change"].search(
            [("id", "in", reviews.mapped("res_id")), ("state", "=", "submitted")],
            order="planned_start, id",
        )

    def _itsm_check_cab(self):
        if not self.env.user.has_group(CAB):
            raise AccessError(
                self.env._("Only a CAB member prepares and records a CAB meeting.")
            )

    def action_itsm_fill_agenda(self):
        """Add the changes waiting for the CAB to the agenda (those already
        on it stay)."""
        self._itsm_check_cab()
        changes = self._itsm_changes_awaiting_cab()
        for event in self:
            event.write(
                {
                    "itsm_cab_meeting": True,
                    "itsm_change_ids": [(4, change.id) for change in changes],
                }
            )
        return True

    def action_itsm_record_decisions(self):
        """Record the meeting's decision on each change of its agenda."""
        self.ensure_one()
        self._itsm_check_cab()
        wizard = self.env["itsm.change.cab.decision"].create(
            {
                "event_id": self.id,
                "line_ids": [
                    (0, 0, {"change_id": change.id})
                    for change in self.itsm_change_ids.filtered(
                        lambda c: c.state == "submitted"
                    )
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decisions of %s", self.display_name),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_itsm_open_agenda(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Agenda of %s", self.display_name),
            "res_model": "itsm.change",
            "view_mode": "list,form",
            "domain": [("id", "in", self.itsm_change_ids.ids)],
            "context": {"create": False},
        }
