from odoo import api, fields, models

from .itsm_priority_matrix import IMPACTS, URGENCIES

# The severities Prometheus rules use most; each source starts with them.
DEFAULT_SEVERITIES = [
    ("critical", "severe", "high"),
    ("warning", "moderate", "medium"),
    ("info", "minor", "low"),
]


class ItsmEventSeverity(models.Model):
    """How a monitoring tool's severity label maps to the impact and urgency
    of the incidents it opens (and so to their priority, INC-5)."""

    _name = "itsm.event.severity"
    _description = "ITSM Monitoring Severity Mapping"
    _order = "source_id, sequence, id"

    sequence = fields.Integer(default=10)
    source_id = fields.Many2one(
        "itsm.event.source",
        string="Event Source",
        required=True,
        ondelete="cascade",
        index=True,
    )
    severity = fields.Char(
        required=True,
        help="Severity sent by the monitoring tool (the `severity` label of a "
        "Prometheus alert), compared without regard to case.",
    )
    impact = fields.Selection(IMPACTS, required=True)
    urgency = fields.Selection(URGENCIES, required=True)

    _sql_constraints = [
        (
            "severity_unique",
            "unique(source_id, severity)",
            "Each severity is mapped once per event source.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("severity"):
                vals["severity"] = vals["severity"].strip().lower()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("severity"):
            vals["severity"] = vals["severity"].strip().lower()
        return super().write(vals)
