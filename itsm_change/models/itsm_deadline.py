from odoo import fields, models


class ItsmDeadline(models.Model):
    _inherit = "itsm.deadline"

    # A request's deadlines (CHG-10, S4 时限要求): the first assessment fed
    # back, the request fulfilled.
    kind = fields.Selection(
        selection_add=[
            ("assessment", "First assessment"),
            ("fulfilment", "Fulfilment"),
        ],
        ondelete={"assessment": "cascade", "fulfilment": "cascade"},
    )
