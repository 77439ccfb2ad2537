import logging
import time

from odoo import models, tools
from odoo.exceptions import UserError

from ..tools import sms_gateway

_logger = logging.getLogger(__name__)


class SmsSms(models.Model):
    """The sender of a batch of text messages is chosen per company in
    Settings › ITSM › SMS: Odoo's IAP service (Odoo's ``_send``) or an HTTP
    SMS gateway, one request per message. Either way each message leaves a
    line in ``itsm.sms.trace``."""

    _inherit = "sms.sms"

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        # sudo: the company's sender settings are the administrators'; this
        # reads which sender to use for messages the caller may send.
        by_company = self.grouped(
            lambda sms: (sms.mail_message_id.record_company_id or self.env.company)
        )
        via_iap = self.browse()
        for company, batch in by_company.items():
            if company.sudo().itsm_sms_provider == "http":
                batch._itsm_send_http(
                    company,
                    unlink_failed=unlink_failed,
                    unlink_sent=unlink_sent,
                    raise_exception=raise_exception,
                )
            else:
                via_iap |= batch
        if not via_iap:
            return None
        # The trace's values are read before Odoo's _send, which marks the
        # messages for deletion; their outcome after it.
        before = {
            sms.uuid: sms._itsm_trace_values("iap", company)
            for company, batch in by_company.items()
            for sms in batch & via_iap
        }
        result = super(SmsSms, via_iap)._send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            raise_exception=raise_exception,
        )
        done = (
            self.sudo()
            .search([("uuid", "in", list(before))])
            .filtered(lambda sms: sms.state not in ("outgoing", "canceled"))
        )
        self._itsm_trace(
            [
                {
                    **before[sms.uuid],
                    "state": "error" if sms.state == "error" else "sent",
                    "failure_type": sms.failure_type or False,
                }
                for sms in done
            ]
        )
        return result

    def _itsm_send_http(self, company, unlink_failed, unlink_sent, raise_exception):
        """Send each message through the company's HTTP gateway, then update
        the messages, their notifications and the trace as Odoo's ``_send``
        does with IAP's answers. The gateway's faults (unreachable, slow,
        HTTP errors, refusals) fail the messages with their reason."""
        # sudo: the gateway's settings and secret are the administrators';
        # they are read to send messages the caller may send, and go no
        # further than the request.
        company_sudo = company.sudo()
        config = sms_gateway.GatewayConfig(
            url=(company_sudo.itsm_sms_gateway_url or "").strip(),
            access_key_id=company_sudo.itsm_sms_access_key_id or "",
            access_key_secret=company_sudo.itsm_sms_access_key_secret or "",
            sign_name=company_sudo.itsm_sms_sign_name or "",
            template_code=company_sudo.itsm_sms_template_code or "",
            template_param=company_sudo.itsm_sms_template_param or "content",
            timeout=company_sudo.itsm_sms_timeout or 10,
        )
        results = {}
        down = None
        for sms in self:
            # A gateway without URL, unreachable or too slow fails the rest
            # of the batch at once rather than making the cron wait a timeout
            # per message; the next run tries again.
            results[sms] = result = down or sms_gateway.send(
                config, sms.number, sms.body, sms.uuid, int(time.time())
            )
            if result.error in sms_gateway.GATEWAY_DOWN:
                down = result
            _logger.info(
                "SMS %s via the HTTP gateway: %s",
                sms.id,
                "accepted" if result.ok else result.error,
            )
            if raise_exception and result.transport:
                raise UserError(self._itsm_gateway_reason(result))
        # sudo: as Odoo's _send, the states of the messages and of the
        # notifications that track them are written whoever sends.
        all_sms_sudo = self.sudo().with_context(sms_skip_msg_notification=True)
        sent = all_sms_sudo.filtered(lambda sms: results[sms].ok)
        if sent:
            sent.sms_tracker_id._action_update_from_sms_state("pending")
            sent.write(
                {
                    "state": "pending",
                    "failure_type": False,
                    **({"to_delete": True} if unlink_sent else {}),
                }
            )
        failed = all_sms_sudo - sent
        reasons = {sms: self._itsm_gateway_reason(results[sms]) for sms in failed}
        for (failure_type, reason), sms_group in tools.groupby(
            failed, key=lambda sms: (results[sms].failure_type, reasons[sms])
        ):
            sms_group = all_sms_sudo.browse([sms.id for sms in sms_group])
            sms_group.sms_tracker_id._action_update_from_sms_state(
                "error", failure_type=failure_type, failure_reason=reason
            )
            sms_group.write(
                {
                    "state": "error",
                    "failure_type": failure_type,
                    **({"to_delete": True} if unlink_failed else {}),
                }
            )
        self._itsm_trace(
            [
                {
                    **sms._itsm_trace_values("http", company),
                    "state": "sent" if results[sms].ok else "error",
                    "failure_type": results[sms].failure_type or False,
                    "failure_reason": reasons.get(sms, False),
                    "gateway_message_id": results[sms].message_id or False,
                }
                for sms in self
            ]
        )
        all_sms_sudo.mail_message_id._notify_message_notification_update()

    def _itsm_trace_values(self, provider, company):
        self.ensure_one()
        message = self.mail_message_id
        return {
            "company_id": company.id,
            "provider": provider,
            "number": self.number,
            "partner_id": self.partner_id.id,
            "body": self.body,
            "sms_uuid": self.uuid,
            "res_model": message.model or False,
            "res_id": message.res_id or False,
        }

    def _itsm_trace(self, values):
        # sudo: nobody may write the trace but the sending code; the
        # messages traced are the ones the caller just sent.
        self.env["itsm.sms.trace"].sudo().create(values)

    def _itsm_gateway_reason(self, result):
        """The sentence of a gateway failure, in the sender's language."""
        detail, error = result.detail, result.error
        if error == "no_url":
            return self.env._(
                "The HTTP SMS gateway has no URL (Settings › ITSM › SMS)."
            )
        if error == "no_number":
            return self.env._("The message has no phone number.")
        if error == "timeout":
            return self.env._(
                "The SMS gateway did not answer within %(seconds)s s.",
                seconds=detail["seconds"],
            )
        if error == "unreachable":
            return self.env._(
                "The SMS gateway could not be reached (%(exception)s).",
                exception=detail["exception"],
            )
        if error == "http":
            return self.env._(
                "The SMS gateway answered HTTP %(status)s %(code)s",
                status=detail["status"],
                code=detail["code"],
            ).strip()
        if error == "refused":
            return self.env._(
                "The SMS gateway refused the message: %(code)s", code=detail["code"]
            )
        return self.env._("The SMS gateway's answer has no result code.")
