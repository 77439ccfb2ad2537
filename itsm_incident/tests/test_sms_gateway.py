import hashlib
import hmac
import json
import socket
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import common, new_test_user

from odoo.addons.sms.tools.sms_api import SmsApi

from .common import ItsmCase

NOW = datetime(2026, 3, 2, 8, 30)
NOW_TS = int(NOW.replace(tzinfo=timezone.utc).timestamp())
SECRET = "s3cr3t-never-shown"


class GatewayHandler(BaseHTTPRequestHandler):
    """Records each request and answers what the server's ``answer``
    (a function of the JSON received) says: ``(status, payload)`` or
    ``"slow"`` (no answer until the test ends)."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        body = json.loads(raw)
        self.server.requests.append(
            {
                "path": self.path,
                "headers": dict(self.headers),
                "raw": raw,
                "json": body,
            }
        )
        answer = self.server.answer(body)
        if answer == "slow":
            self.server.release.wait(5)
            return
        status, payload = answer
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the test asserts the requests instead."""


def accepted(body):
    return 200, {"Code": "OK", "Message": "OK", "BizId": f"BIZ-{body['OutId'][:8]}"}


class TestSmsGateway(ItsmCase):
    """The SMS sender chosen in Settings › ITSM › SMS: an HTTP gateway on the
    loopback that records what it receives, Odoo's IAP by default, and the
    trace of every message."""

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo raises every timeout below 10 s to 10 s in tests; the gateway
        # here is on the loopback and its timeout is part of what is tested.
        # Anything but the loopback stays blocked by Odoo's handler.
        if r.url.startswith("http://127.0.0.1:"):
            return common._super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), GatewayHandler)
        cls.server.daemon_threads = True
        cls.server.requests = []
        cls.server.answer = accepted
        cls.server.release = threading.Event()
        cls.server_thread = threading.Thread(
            target=cls.server.serve_forever, daemon=True
        )
        cls.server_thread.start()
        cls.addClassCleanup(cls._stop_server)
        cls.url = f"http://127.0.0.1:{cls.server.server_port}/sms/send"
        cls.recipient = cls.env["res.partner"].create(
            {"name": "Duty engineer", "mobile": "+86 138 0000 0001"}
        )
        cls.company = cls.env.company

    @classmethod
    def _stop_server(cls):
        cls.server.release.set()
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        super().setUp()
        self.server.requests.clear()
        self.server.answer = accepted
        self.server.release.clear()

    def configure(self, **values):
        settings = self.env["res.config.settings"].create(
            {
                "itsm_sms_provider": "http",
                "itsm_sms_gateway_url": self.url,
                "itsm_sms_access_key_id": "LTAI-test",
                "itsm_sms_access_key_secret": SECRET,
                "itsm_sms_sign_name": "运维服务台",
                "itsm_sms_template_code": "SMS_123456",
                "itsm_sms_template_param": "msg",
                "itsm_sms_timeout": 1,
                **values,
            }
        )
        settings.execute()

    def queue(self, body="Fault not removed yet: INC-1", number=None, **values):
        return self.env["sms.sms"].create(
            {
                "number": number or self.recipient.mobile,
                "partner_id": self.recipient.id,
                "body": body,
                **values,
            }
        )

    def traces(self, sms):
        return self.env["itsm.sms.trace"].search(
            [("sms_uuid", "in", sms.mapped("uuid"))]
        )

    def test_settings_show_and_save_the_gateway(self):
        self.configure()
        company = self.company
        self.assertEqual(company.itsm_sms_provider, "http")
        self.assertEqual(company.itsm_sms_gateway_url, self.url)
        self.assertEqual(company.itsm_sms_sign_name, "运维服务台")
        values = self.env["res.config.settings"].create({})
        self.assertEqual(values.itsm_sms_provider, "http")
        self.assertEqual(values.itsm_sms_template_code, "SMS_123456")
        self.assertEqual(values.itsm_sms_access_key_secret, SECRET)

    def test_the_gateway_receives_each_message(self):
        self.configure()
        sms = self.queue(body="故障未排除：INC-1") | self.queue(
            body="故障未排除：INC-1", number="+86 139-0000-0002"
        )
        with freeze_time(NOW):
            sms.send()
        self.assertEqual(len(self.server.requests), 2, "one request per message")
        first = next(
            r for r in self.server.requests if r["json"]["OutId"] == sms[0].uuid
        )
        self.assertEqual(first["path"], "/sms/send")
        self.assertEqual(
            first["json"],
            {
                "PhoneNumbers": "+8613800000001",
                "SignName": "运维服务台",
                "TemplateCode": "SMS_123456",
                "TemplateParam": json.dumps(
                    {"msg": "故障未排除：INC-1"}, ensure_ascii=False
                ),
                "OutId": sms[0].uuid,
            },
        )
        self.assertEqual(
            {r["json"]["PhoneNumbers"] for r in self.server.requests},
            {"+8613800000001", "+8613900000002"},
        )
        # The signature: HMAC-SHA256 of timestamp, nonce (the SMS UUID) and
        # body with the secret, which itself never travels.
        expected = hmac.new(
            SECRET.encode(),
            f"{NOW_TS}\n{sms[0].uuid}\n".encode() + first["raw"],
            hashlib.sha256,
        ).hexdigest()
        self.assertEqual(
            first["headers"]["Authorization"],
            f"ITSM-HMAC-SHA256 AccessKeyId=LTAI-test, Timestamp={NOW_TS}, "
            f"Nonce={sms[0].uuid}, Signature={expected}",
        )
        for request in self.server.requests:
            self.assertNotIn(SECRET.encode(), request["raw"])
            self.assertNotIn(SECRET, json.dumps(request["headers"]))
        # Sent as with IAP: "Sent" (pending delivery), deleted by the
        # autovacuum; the trace stays.
        self.assertEqual(set(sms.mapped("state")), {"pending"})
        self.assertTrue(all(sms.mapped("to_delete")))
        traces = self.traces(sms)
        self.assertEqual(len(traces), 2)
        trace = traces.filtered(lambda t: t.sms_uuid == sms[0].uuid)
        self.assertRecordValues(
            trace,
            [
                {
                    "date": NOW,
                    "number": "+86 138 0000 0001",
                    "partner_id": self.recipient.id,
                    "body": "故障未排除：INC-1",
                    "provider": "http",
                    "state": "sent",
                    "failure_type": False,
                    "failure_reason": False,
                    "gateway_message_id": f"BIZ-{sms[0].uuid[:8]}",
                    "company_id": self.company.id,
                }
            ],
        )
        self.env.flush_all()
        self.env["sms.sms"]._gc_device()
        self.assertFalse(sms.exists())
        self.assertEqual(len(self.traces(sms)), 2)

    def test_refusals_fail_with_the_gateway_code(self):
        self.configure()
        refusals = {
            "+8613800000001": {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "bad"},
            "+8613800000002": {
                "Code": "isv.BUSINESS_LIMIT_CONTROL",
                "Message": "limit",
            },
            # Tencent Cloud's answer shape.
            "+8613800000003": {
                "Response": {
                    "SendStatusSet": [
                        {
                            "Code": "FailedOperation.InsufficientBalanceInSmsPackage",
                            "Message": "no balance",
                        }
                    ]
                }
            },
            "+8613800000004": {
                "Response": {"SendStatusSet": [{"Code": "Ok", "SerialNo": "TX-9"}]}
            },
        }
        self.server.answer = lambda body: (200, refusals[body["PhoneNumbers"]])
        sms = [self.queue(number=number) for number in refusals]
        self.env["sms.sms"].browse([s.id for s in sms]).send()
        self.assertEqual(
            [(s.state, s.failure_type) for s in sms],
            [
                ("error", "sms_number_format"),
                ("error", "sms_server"),
                ("error", "sms_credit"),
                ("pending", False),
            ],
        )
        reasons = [self.traces(s).failure_reason for s in sms]
        self.assertEqual(
            reasons[1],
            "The SMS gateway refused the message: isv.BUSINESS_LIMIT_CONTROL limit",
        )
        self.assertIn("isv.MOBILE_NUMBER_ILLEGAL", reasons[0])
        self.assertEqual(self.traces(sms[3]).gateway_message_id, "TX-9")
        self.assertEqual(
            [self.traces(s).state for s in sms], ["error", "error", "error", "sent"]
        )

    def test_a_message_without_number_is_not_sent(self):
        self.configure()
        sms = self.env["sms.sms"].create({"number": " ", "body": "x"})
        sms.send()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_number_missing"))
        self.assertEqual(
            self.traces(sms).failure_reason, "The message has no phone number."
        )
        self.assertEqual(self.server.requests, [])

    def test_http_errors_and_timeouts_fail_the_messages_not_the_cron(self):
        self.configure()
        self.server.answer = lambda body: (500, b"<html>Internal Server Error</html>")
        broken = self.queue()
        self.env["sms.sms"]._process_queue(broken.ids)
        self.assertEqual((broken.state, broken.failure_type), ("error", "sms_server"))
        self.assertEqual(
            self.traces(broken).failure_reason, "The SMS gateway answered HTTP 500"
        )
        self.server.answer = lambda body: (
            503,
            {"Code": "ServiceUnavailable", "Message": "busy"},
        )
        busy = self.queue()
        self.env["sms.sms"]._process_queue(busy.ids)
        self.assertEqual(
            self.traces(busy).failure_reason,
            "The SMS gateway answered HTTP 503 ServiceUnavailable busy",
        )
        self.server.answer = lambda body: "slow"
        slow = self.queue() | self.queue(number="+86 139 0000 0002")
        self.env["sms.sms"]._process_queue(slow.ids)
        self.assertEqual(
            set(slow.mapped(lambda sms: (sms.state, sms.failure_type))),
            {("error", "sms_server")},
        )
        self.assertEqual(
            set(self.traces(slow).mapped("failure_reason")),
            {"The SMS gateway did not answer within 1 s."},
        )
        # One timeout is waited for, not one per message: the gateway is
        # taken as down for the rest of the batch.
        self.assertEqual(len(self.server.requests), 3)
        self.server.answer = lambda body: (200, b"not json")
        garbled = self.queue()
        garbled.send()
        self.assertEqual(garbled.failure_type, "sms_server")
        self.assertEqual(
            self.traces(garbled).failure_reason,
            "The SMS gateway's answer has no result code.",
        )
        self.assertEqual(len(self.server.requests), 4)

    def test_an_unreachable_gateway(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        self.configure(itsm_sms_gateway_url=f"http://127.0.0.1:{closed_port}/send")
        sms = self.queue()
        sms.send()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        self.assertEqual(
            self.traces(sms).failure_reason,
            "The SMS gateway could not be reached (ConnectionError).",
        )
        # raise_exception: as when IAP cannot be reached.
        again = self.queue()
        with self.assertRaisesRegex(UserError, "could not be reached"):
            again.send(raise_exception=True)

    def test_messages_from_the_chatter_update_their_notifications(self):
        self.configure()
        ticket = self.ticket_customer
        self.server.answer = lambda body: (200, {"Code": "isv.DAY_LIMIT_CONTROL"})
        message = ticket._message_sms(
            "Your ticket is being handled", partner_ids=self.recipient.ids
        )
        notification = message.notification_ids
        self.assertEqual(notification.notification_type, "sms")
        self.assertEqual(notification.notification_status, "exception")
        self.assertEqual(notification.failure_type, "sms_server")
        self.assertEqual(
            notification.failure_reason,
            "The SMS gateway refused the message: isv.DAY_LIMIT_CONTROL",
        )
        trace = self.env["itsm.sms.trace"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(trace.state, "error")
        self.assertEqual(trace.partner_id, self.recipient)
        self.server.answer = accepted
        message = ticket._message_sms("Resolved", partner_ids=self.recipient.ids)
        self.assertEqual(message.notification_ids.notification_status, "pending")

    def test_the_escalation_ladder_sends_through_the_gateway(self):
        self.configure()
        rule = self.env.ref("itsm_incident.escalation_rule_all_departments_30")
        ticket = self.ticket_customer
        rule._send_sms(ticket, {ticket.id: self.recipient})
        self.env["sms.sms"]._process_queue()
        bodies = [
            json.loads(r["json"]["TemplateParam"])["msg"] for r in self.server.requests
        ]
        self.assertEqual(len(bodies), 1)
        self.assertIn(ticket.number, bodies[0])
        self.assertIn("Fault not removed yet", bodies[0])
        trace = self.env["itsm.sms.trace"].search(
            [("partner_id", "=", self.recipient.id)]
        )
        self.assertEqual(trace.state, "sent")
        self.assertIn(ticket.number, trace.body)

    def test_iap_stays_the_default(self):
        self.assertEqual(self.company.itsm_sms_provider, "iap")

        def iap_answer(api, messages, delivery_reports_url=False):
            return [
                {"uuid": number["uuid"], "state": "success"}
                for message in messages
                for number in message["numbers"]
            ]

        sms = self.queue()
        with patch.object(SmsApi, "_send_sms_batch", iap_answer), freeze_time(NOW):
            sms.send()
        self.assertEqual(self.server.requests, [], "nothing reaches the gateway")
        self.assertEqual(sms.state, "pending")
        self.assertRecordValues(
            self.traces(sms),
            [{"provider": "iap", "state": "sent", "date": NOW, "number": sms.number}],
        )
        # IAP unreachable (as in tests): Odoo's failure, traced.
        failed = self.queue()
        failed.send()
        self.assertEqual((failed.state, failed.failure_type), ("error", "sms_server"))
        self.assertRecordValues(
            self.traces(failed),
            [{"provider": "iap", "state": "error", "failure_type": "sms_server"}],
        )
        self.assertEqual(self.server.requests, [])

    def test_incomplete_gateways_are_refused(self):
        for values in (
            {"itsm_sms_gateway_url": False},
            {"itsm_sms_gateway_url": "ftp://example.com"},
            {"itsm_sms_sign_name": False},
            {"itsm_sms_template_code": ""},
            {"itsm_sms_access_key_secret": False},
            {"itsm_sms_timeout": 0},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.configure(**values)
        self.assertEqual(self.company.itsm_sms_provider, "iap")
        with self.assertRaises(ValidationError):
            self.company.itsm_sms_provider = "http"
        # No access key at all is allowed (a relay on the local network).
        self.configure(itsm_sms_access_key_id=False, itsm_sms_access_key_secret=False)
        sms = self.queue()
        sms.send()
        self.assertNotIn("Authorization", self.server.requests[0]["headers"])
        self.assertEqual(sms.state, "pending")

    def test_a_gateway_without_url_fails_at_send_time(self):
        self.configure()
        # Bypassing the check, as a database edited by hand would.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_company SET itsm_sms_gateway_url = NULL WHERE id = %s",
            [self.company.id],
        )
        self.company.invalidate_recordset(["itsm_sms_gateway_url"])
        sms = self.queue() | self.queue()
        sms.send()
        self.assertEqual(set(sms.mapped("state")), {"error"})
        self.assertEqual(set(sms.mapped("failure_type")), {"sms_server"})
        self.assertEqual(
            set(self.traces(sms).mapped("failure_reason")),
            {"The HTTP SMS gateway has no URL (Settings › ITSM › SMS)."},
        )
        self.assertEqual(self.server.requests, [])

    def test_the_secret_stays_out_of_logs_and_traces(self):
        self.configure()
        self.server.answer = lambda body: (500, {"Code": "x", "Message": "y"})
        sms = self.queue()
        with self.assertLogs("odoo.addons.itsm_incident", "DEBUG") as logs:
            sms.send()
        self.assertNotIn(SECRET, "\n".join(logs.output))
        trace = self.traces(sms)
        self.assertNotIn(SECRET, json.dumps(trace.read()[0], default=str))
        # Not readable by those who are not administrators.
        manager = self.users["manager"]
        with self.assertRaises(AccessError):
            self.company.with_user(manager).read(["itsm_sms_access_key_secret"])

    def test_the_trace_is_for_itsm_managers_and_kept(self):
        sms = self.queue()
        sms.send()
        trace = self.traces(sms)
        manager = self.users["manager"]
        self.assertEqual(
            trace.with_user(manager).read(["number"])[0]["number"], sms.number
        )
        for role in ("agent", "resolver", "reporter"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                trace.with_user(self.users[role]).read(["number"])
        with self.assertRaises(AccessError):
            trace.with_user(manager).unlink()
        with self.assertRaises(AccessError):
            trace.with_user(manager).write({"state": "sent"})
        with self.assertRaises(AccessError):
            self.env["itsm.sms.trace"].with_user(manager).create(
                {"provider": "iap", "state": "sent", "company_id": self.company.id}
            )
        admin = new_test_user(self.env, login="sms_admin", groups="base.group_system")
        trace.with_user(admin).unlink()
        self.assertFalse(trace.exists())
        self.assertIn(
            "itsm_incident.menu_itsm_config_sms_trace", self.visible_menus("manager")
        )
        self.assertNotIn(
            "itsm_incident.menu_itsm_config_sms_trace", self.visible_menus("agent")
        )
