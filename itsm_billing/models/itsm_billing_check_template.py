from odoo import fields, models

# The kinds of runs a check (report item, data check) applies to.
FOR_RUN_TYPES = [
    ("both", "Billing and settlement"),
    ("billing", "Billing"),
    ("settlement", "Settlement"),
]


class ItsmBillingCheckTemplate(models.Model):
    """An item of the check report (《出账/结算检查报告》, BIL-4) that the
    checker ticks on every run: what the department requires to be checked.
    Supervisors edit the list; each run copies it when its results are
    ready."""

    _name = "itsm.billing.check.template"
    _description = "ITSM Billing Check Report Item"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True, translate=True)
    description = fields.Text(translate=True)
    run_type = fields.Selection(
        FOR_RUN_TYPES,
        string="For",
        required=True,
        default="both",
    )
    active = fields.Boolean(default=True)
