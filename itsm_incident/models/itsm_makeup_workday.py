from odoo import fields, models

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class ItsmMakeupWorkday(models.Model):
    """A make-up working day (调休): a day off in the calendar, usually a
    weekend day, that is worked with the hours of another weekday."""

    _name = "itsm.makeup.workday"
    _inherit = ["itsm.config.cache.mixin"]
    _description = "Make-up Working Day"
    _order = "date desc"

    calendar_id = fields.Many2one(
        "resource.calendar", required=True, ondelete="cascade", index=True
    )
    name = fields.Char(required=True, translate=True)
    date = fields.Date(required=True)
    weekday = fields.Selection(
        WEEKDAYS,
        string="Worked like a",
        required=True,
        default="0",
        help="The day is worked with the hours this weekday has in the calendar.",
    )

    _sql_constraints = [
        (
            "date_unique",
            "unique(calendar_id, date)",
            "A calendar has one make-up working day per date.",
        ),
    ]
