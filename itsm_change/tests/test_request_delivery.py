import base64
import io
import re

import pyzipper
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.itsm_incident.tests.common import ItsmCase, utc

from .test_request import RefusedContext

RESULT = b"customer,revenue\nA,100\nB,250\n"


@tagged("post_install", "-at_install")
class TestRequestDelivery(HttpCase, ItsmCase):
    """A data extraction's result (S4 业务数据提取流程): delivered in an
    AES-256 zip whose password reaches the requester by SMS only, with its
    secrecy grade and the notice not to forward it; downloaded through a
    link its recipient (and the desk) may open, every download logged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.it.manager_id = env["hr.employee"].create(
            {"name": "IT head", "user_id": cls.users["manager"].id}
        )
        cls.extraction = env.ref("itsm_change.request_type_extraction")
        cls.extraction.write(
            {"approving_department_id": cls.it.id, "team_id": cls.desk_team.id}
        )
        cls.requester = cls.users["reporter"]
        cls.requester.partner_id.write(
            {"mobile": "+86 138 0013 8000", "email": "reporter@example.com"}
        )
        cls.colleague = new_test_user(
            env, login="test_colleague", groups="base.group_user"
        )
        with freeze_time(utc(2026, 11, 25, 10, 0)):
            cls.request = (
                env["helpdesk.ticket"]
                .with_user(cls.requester)
                .create(
                    {
                        "name": "Revenue per customer, November",
                        "description": "For the monthly review.",
                        "partner_id": cls.requester.partner_id.id,
                        "request_type_id": cls.extraction.id,
                        "request_purpose": "The monthly review of the sales team.",
                        "request_scope": "Revenue per customer, November 2026.",
                    }
                )
                .with_env(env)
            )

    def approve(self):
        manager = self.users["manager"]
        action = self.request.with_user(manager).action_request_approve()
        self.env["comment.wizard"].with_user(manager).with_context(
            **action["context"]
        ).create({"comment": "Agreed."}).add_comment()
        self.assertEqual(self.request.request_state, "approved")

    def deliver(self, user="agent", **vals):
        action = self.request.with_user(self.users[user]).action_request_deliver()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.users[user])
            .with_context(**action["context"])
            .create(
                {
                    "data": base64.b64encode(RESULT),
                    "filename": "revenue.csv",
                    "secrecy": "secret",
                    **vals,
                }
            )
        )
        return wizard.action_deliver()

    def test_the_result_reaches_the_requester_encrypted(self):
        self.approve()
        with freeze_time(utc(2026, 11, 26, 9, 0)):
            self.deliver()
        delivery = self.request.request_delivery_ids
        self.assertRecordValues(
            delivery,
            [
                {
                    "secrecy": "secret",
                    "recipient_id": self.requester.partner_id.id,
                    "mobile": "+86 138 0013 8000",
                    "sent_by_id": self.users["agent"].id,
                    "sent_date": utc(2026, 11, 26, 9, 0),
                }
            ],
        )
        self.assertEqual(self.request.request_secrecy, "secret")
        # The password: in the SMS to the requester's mobile, nowhere else.
        sms = self.env["sms.sms"].search(
            [("partner_id", "=", self.requester.partner_id.id)]
        )
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number, "+86 138 0013 8000")
        password = re.search(
            r"password of the file sent by e-mail is (\S+)\.", sms.body
        )
        self.assertTrue(password, sms.body)
        password = password.group(1)
        self.assertIn("do not forward", sms.body)
        mail = self.env["mail.mail"].search([("model", "=", "itsm.request.delivery")])
        self.assertEqual(mail.recipient_ids, self.requester.partner_id)
        self.assertIn("do not forward", mail.body_html)
        self.assertIn("Secret", mail.body_html)
        self.assertIn(delivery.download_url, mail.body_html)
        messages = self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", self.request.id)]
        )
        for text in [mail.body_html, *messages.mapped("body")]:
            self.assertNotIn(password, text)
        self.assertIn("revenue.csv", messages[0].body)
        # The zip opens with the password only; the file in clear is not kept.
        archive = pyzipper.AESZipFile(io.BytesIO(delivery.attachment_id.raw))
        with self.assertRaises(RuntimeError):
            archive.read("revenue.csv")
        archive.setpassword(password.encode())
        self.assertEqual(archive.read("revenue.csv"), RESULT)
        self.assertIn(b"Do not forward", archive.read("NOTICE.txt"))
        self.assertFalse(
            self.env["ir.attachment"].search_count([("name", "=", "revenue.csv")])
        )

    def test_downloads_are_the_recipients_and_logged(self):
        self.approve()
        self.deliver()
        delivery = self.request.request_delivery_ids
        url = delivery.download_url
        # Someone else: the file does not exist for them, nothing logged.
        self.authenticate("test_colleague", "test_colleague")
        self.assertEqual(self.url_open(url, allow_redirects=False).status_code, 404)
        self.assertFalse(delivery.download_ids)
        # The requester gets the encrypted file, logged.
        self.authenticate("test_reporter", "test_reporter")
        answer = self.url_open(url)
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.headers["Content-Type"], "application/zip")
        self.assertEqual(answer.content, delivery.attachment_id.raw)
        self.assertEqual(delivery.download_ids.user_id, self.requester)
        # The desk too (support), logged as well.
        self.authenticate("test_agent", "test_agent")
        self.assertEqual(self.url_open(url).status_code, 200)
        self.assertEqual(
            delivery.download_ids.user_id, self.requester | self.users["agent"]
        )
        # Nobody writes the log or the delivery by hand.
        with self.assertRaises(AccessError):
            delivery.with_user(self.users["agent"]).secrecy = "confidential"
        with self.assertRaises(AccessError):
            self.env["itsm.request.delivery.download"].with_user(
                self.users["agent"]
            ).create({"delivery_id": delivery.id, "user_id": self.requester.id})

    def test_what_cannot_be_delivered_is_refused(self):
        Delivery = self.env["itsm.request.delivery"]
        with RefusedContext(self, UserError, "after its last approval"):
            self.deliver()
        self.approve()
        with RefusedContext(self, UserError, "mobile"):
            self.deliver(mobile=" ")
        with RefusedContext(self, AccessError, "Deliver a Data Extraction"):
            self.deliver(user="reporter")
        self.assertFalse(Delivery.search([]))
        self.assertFalse(self.env["sms.sms"].search([("body", "like", "password")]))
