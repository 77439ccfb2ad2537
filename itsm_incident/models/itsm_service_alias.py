from odoo import api, fields, models


class ItsmServiceAlias(models.Model):
    """A name monitoring tools give a service (issue 13): the `service` of a
    generic JSON event, the `service` or else `job` label of an Alertmanager
    alert. Stored lower case; events match it case-insensitively."""

    _name = "itsm.service.alias"
    _description = "ITSM Service Monitoring Name"
    _order = "name, id"

    name = fields.Char(
        string="Monitoring name",
        required=True,
        help="Label value as the monitoring tool sends it, e.g. billing or "
        "node-billing; upper and lower case are the same.",
    )
    service_id = fields.Many2one(
        "itsm.service", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="service_id.company_id", store=True, index=True, precompute=True
    )

    _sql_constraints = [
        (
            "name_company_unique",
            "unique(company_id, name)",
            "A monitoring name can only point to one service.",
        ),
    ]

    @api.model
    def _normalize(self, vals):
        if vals.get("name"):
            vals["name"] = vals["name"].strip().lower()
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._normalize(dict(vals)) for vals in vals_list])

    def write(self, vals):
        return super().write(self._normalize(dict(vals)))
