from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request


class ItsmRequestDeliveryController(http.Controller):
    @http.route(
        "/itsm/delivery/<int:delivery_id>/download",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=False,
    )
    def itsm_delivery_download(self, delivery_id, **_kwargs):
        """The encrypted file of a delivery, to whoever may read it (its
        recipient, the desk), each download logged; to anyone else it does
        not exist."""
        delivery = request.env["itsm.request.delivery"].browse(delivery_id)
        try:
            delivery.check_access("read")
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        # sudo: the log and the file are the system's; the user may read
        # the delivery (checked above).
        request.env["itsm.request.delivery.download"].sudo().create(
            {
                "delivery_id": delivery.id,
                "user_id": request.env.uid,
                "date": fields.Datetime.now(),
                "address": request.httprequest.remote_addr,
            }
        )
        content = delivery.sudo().attachment_id.raw or b""
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/zip"),
                ("Content-Length", str(len(content))),
                ("Content-Disposition", content_disposition(delivery.name)),
                ("Cache-Control", "no-store"),
            ],
        )
