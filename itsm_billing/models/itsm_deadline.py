from odoo import fields, models


class ItsmDeadline(models.Model):
    _inherit = "itsm.deadline"

    # The billing and settlement runs' deadlines (BIL-5): the run finished,
    # its check report signed, before 00:00 on the 2nd and the 10th.
    kind = fields.Selection(
        selection_add=[
            ("billing", "Billing finished"),
            ("settlement", "Settlement finished"),
        ],
        ondelete={"billing": "cascade", "settlement": "cascade"},
    )
