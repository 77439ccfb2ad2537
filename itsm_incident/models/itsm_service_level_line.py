from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ItsmServiceLevelLine(models.Model):
    """The targets of one priority in a service level."""

    _name = "itsm.service.level.line"
    _description = "ITSM Service Level Target"
    _order = "priority_id"

    service_level_id = fields.Many2one(
        "itsm.service.level", required=True, ondelete="cascade", index=True
    )
    priority_id = fields.Many2one("itsm.priority", required=True, ondelete="cascade")
    response_hours = fields.Float(string="Response within (hours)", required=True)
    resolution_hours = fields.Float(string="Resolution within (hours)", required=True)
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Measured in",
        help="Working calendar of both targets; empty: the priority's.",
    )

    _sql_constraints = [
        (
            "priority_unique",
            "unique(service_level_id, priority_id)",
            "A service level has one line per priority.",
        ),
    ]

    @api.constrains("response_hours", "resolution_hours")
    def _check_hours(self):
        for line in self:
            if line.response_hours <= 0 or line.resolution_hours <= 0:
                raise ValidationError(
                    self.env._(
                        "%(level)s, %(priority)s: targets must be more than zero "
                        "hours.",
                        level=line.service_level_id.name,
                        priority=line.priority_id.name,
                    )
                )
            if line.response_hours > line.resolution_hours:
                raise ValidationError(
                    self.env._(
                        "%(level)s, %(priority)s: the response cannot come after "
                        "the resolution.",
                        level=line.service_level_id.name,
                        priority=line.priority_id.name,
                    )
                )
