from odoo import fields, models


class ItsmEscalationLog(models.Model):
    """Which rung fired for which record and when: one line per rule and
    record, ever (the unique constraint is the engine's lock). A rule
    watches one model, so (rule, record id) names the record."""

    _name = "itsm.escalation.log"
    _description = "ITSM Escalation Log"
    _order = "fired_at desc, id desc"

    rule_id = fields.Many2one(
        "itsm.escalation.rule", required=True, ondelete="cascade", index=True
    )
    res_model = fields.Char(string="Model", required=True, index=True)
    res_id = fields.Many2oneReference(
        string="Record", model_field="res_model", required=True, index=True
    )
    # The ticket, when the record is one: its KPIs count escalations, and
    # the log goes with a ticket the superuser deletes.
    ticket_id = fields.Many2one("helpdesk.ticket", ondelete="cascade", index=True)
    fired_at = fields.Datetime(required=True)

    _sql_constraints = [
        (
            "rule_record_unique",
            "unique(rule_id, res_id)",
            "A rule fires once per record.",
        ),
    ]
