from odoo import fields, models


class ItsmEscalationLog(models.Model):
    """Which rung fired for which ticket and when: one line per rule and
    ticket, ever (the unique constraint is the engine's lock)."""

    _name = "itsm.escalation.log"
    _description = "ITSM Escalation Log"
    _order = "fired_at desc, id desc"

    rule_id = fields.Many2one(
        "itsm.escalation.rule", required=True, ondelete="cascade", index=True
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    fired_at = fields.Datetime(required=True)

    _sql_constraints = [
        (
            "rule_ticket_unique",
            "unique(rule_id, ticket_id)",
            "A rule fires once per ticket.",
        ),
    ]
