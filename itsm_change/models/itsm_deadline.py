from odoo import fields, models


class ItsmDeadline(models.Model):
    _inherit = "itsm.deadline"

    # A request's deadlines (CHG-10, S4 时限要求): the first assessment fed
    # back, the request fulfilled.
    kind = fields.Selection(
        selection_add=[
            ("assessment", "First assessment"),
            ("fulfilment", "Fulfilment"),
            # A change's notices (CHG-7, S4 系统变更 时限要求).
            ("change_notice", "Change notice"),
            ("result_notice", "Result notice"),
            ("summary_report", "Summary report"),
        ],
        ondelete={
            "assessment": "cascade",
            "fulfilment": "cascade",
            "change_notice": "cascade",
            "result_notice": "cascade",
            "summary_report": "cascade",
        },
    )
