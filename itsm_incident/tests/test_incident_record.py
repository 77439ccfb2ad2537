from datetime import timedelta

from lxml import html as lxml_html
from markupsafe import Markup

from odoo.tests import HttpCase, tagged
from odoo.tests.common import HOST
from odoo.tools import config
from odoo.tools.safe_eval import safe_eval, time

from .common import ItsmCase, close_the_loop

REPORT = "itsm_incident.action_report_helpdesk_ticket"
TITLE = "财务部打印机卡纸，无法打印发票"


class IncidentRecordCase(ItsmCase):
    """INC-15: a ticket with a story to tell on its incident record form
    (《事件记录单》)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The timeline is the ticket's history: tracking on, as in production.
        cls.env = cls.env(
            context={
                key: value
                for key, value in cls.env.context.items()
                if key != "tracking_disable"
            }
        )
        hardware = cls.env["helpdesk.ticket.category"].create({"name": "Hardware"})
        cls.printers = cls.env["helpdesk.ticket.category"].create(
            {"name": "Printers", "parent_id": hardware.id}
        )
        cls.nature = cls.env["itsm.event.nature"].create(
            {"name": "Business issue", "department_id": cls.it.id}
        )
        cls.ticket = cls.tell_the_story(TITLE)

    @classmethod
    def tell_the_story(cls, title):
        """A ticket screened, acknowledged, handled and commented on."""
        ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": title,
                "description": "<p>The printer jams on every second page.</p>",
                "partner_id": cls.users["reporter"].partner_id.id,
                "contact_name": "Wang Xiaoming",
                "contact_phone": "+86 10 8888 6666",
                "channel_id": cls.env.ref(
                    "helpdesk_mgmt.helpdesk_ticket_channel_phone"
                ).id,
                "category_id": cls.printers.id,
                "nature_id": cls.nature.id,
                "team_id": cls.desk_team.id,
                "user_id": cls.users["resolver"].id,
                "impact": "severe",
                "urgency": "high",
                "urgent": True,
            }
        )
        cls.flush_tracking()
        ticket.with_user(cls.users["agent"]).action_screen_valid()
        cls.flush_tracking()
        ticket.write(
            {
                "acknowledged_date": ticket.create_date + timedelta(minutes=10),
                "acknowledged_by_id": cls.users["resolver"].id,
            }
        )
        ticket.with_user(cls.users["resolver"]).write(
            {
                "stage_id": cls.env.ref(
                    "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
                ).id,
                "urgency": "medium",
            }
        )
        cls.flush_tracking()
        ticket.with_user(cls.users["resolver"]).message_post(
            body=Markup("<p>An engineer is on the way.</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        ticket.with_user(cls.users["resolver"]).message_post(
            body=Markup("<p>Toner ordered from the supplier.</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        cls.flush_tracking()
        return ticket

    @classmethod
    def flush_tracking(cls):
        """Tracking values are written when the transaction commits."""
        cls.env.flush_all()
        cls.env.cr.precommit.run()

    def render_text(self, tickets, lang="en_US"):
        html, report_type = (
            self.env["ir.actions.report"]
            .with_context(lang=lang)
            ._render_qweb_html(REPORT, tickets.ids)
        )
        self.assertEqual(report_type, "html")
        return " ".join(lxml_html.fromstring(html).text_content().split())

    def datetime_text(self, value):
        return self.env["ir.qweb.field.datetime"].value_to_html(
            value, {"hide_seconds": True}
        )


class TestIncidentRecord(IncidentRecordCase):
    """INC-15: the incident record form (《事件记录单》) and its timeline."""

    def test_the_form_prints_what_a_reader_looks_for(self):
        ticket = self.ticket
        self.assertTrue(ticket.resolution_deadline, "the SLA has set it")
        text = self.render_text(self.ticket)
        for expected in (
            f"Incident Record Form {self.ticket.number}",
            TITLE,
            "Urgent: emergency procedure",
            "Type Incident",
            "Screening Valid",
            "Urgent Yes",
            "Channel Phone",
            "Stage In Progress",
            f"Reporter {self.users['reporter'].name}",
            "Contact person Wang Xiaoming",
            "Contact phone +86 10 8888 6666",
            "Department Division / Business",
            "Responsible department Division / IT",
            "Category Hardware / Printers",
            "Nature Business issue",
            "Impact Severe",
            "Urgency Medium",
            "Priority P2 (Level 2)",
            "Resolution target Within 72 h",
            "Grade Important",
            "Team Desk",
            f"Handler {self.users['resolver'].name}",
            f"Acknowledged by {self.users['resolver'].name}",
            "Response time 10 min",
            f"Resolution deadline {self.datetime_text(ticket.resolution_deadline)}",
            "The printer jams on every second page.",
        ):
            self.assertIn(expected, text)

    def test_the_timeline_tells_the_story_in_order(self):
        entries = self.ticket._itsm_timeline()[self.ticket.id]
        self.assertEqual(
            [entry["kind"] for entry in entries],
            ["creation", "note", "change", "change", "message", "note"],
        )
        dates = [entry["date"] for entry in entries]
        self.assertEqual(dates, sorted(dates))
        # The urgent mark's notice to the emergency lead (X-1: a note).
        self.assertIn("start the emergency procedure", entries[1]["body"])
        screening, handling = entries[2], entries[3]
        self.assertEqual(screening["author"], self.users["agent"].name)
        self.assertEqual(
            screening["changes"],
            [{"field": "Screening", "old": "To Screen", "new": "Valid"}],
        )
        self.assertCountEqual(
            handling["changes"],
            [
                {"field": "ITSM Priority", "old": "P1", "new": "P2"},
                {"field": "Stage", "old": "New", "new": "In Progress"},
            ],
        )
        self.assertIn("An engineer is on the way.", entries[4]["body"])
        self.assertIn("Toner ordered", entries[5]["body"])

        text = self.render_text(self.ticket)
        for expected in (
            "Created",
            "Screening: To Screen → Valid",
            "ITSM Priority: P1 → P2",
            "Stage: New → In Progress",
            "Message An engineer is on the way.",
            "Note Toner ordered from the supplier.",
        ):
            self.assertIn(expected, text)
        self.assertLess(text.index("To Screen → Valid"), text.index("New → In"))
        self.assertLess(text.index("New → In"), text.index("An engineer"))

    def count_timeline_queries(self, tickets):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        timelines = tickets._itsm_timeline()
        return self.env.cr.sql_log_count - before, timelines

    def test_timelines_of_several_tickets_in_one_read(self):
        other = self.tell_the_story("Scanner offline")
        one, _timelines = self.count_timeline_queries(self.ticket)
        two, timelines = self.count_timeline_queries(self.ticket | other)
        self.assertEqual(one, two, "the queries do not grow with the tickets")
        self.assertEqual(len(timelines[self.ticket.id]), 6)
        self.assertEqual(len(timelines[other.id]), 6)
        timelines = (self.ticket | self.ticket_customer)._itsm_timeline()
        # Created with tracking off: the creation still has its date.
        self.assertEqual(
            [
                (entry["kind"], entry["date"])
                for entry in timelines[self.ticket_customer.id]
            ],
            [("creation", self.ticket_customer.create_date)],
        )

    def test_portal_customers_do_not_see_internal_notes(self):
        ticket = self.ticket_customer
        ticket.message_post(
            body=Markup("<p>We replaced the till printer.</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        ticket.message_post(
            body=Markup("<p>The customer's tills are out of warranty.</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.flush_tracking()
        bodies = {
            role: " ".join(
                entry["body"]
                for entry in ticket.with_user(self.users[role])._itsm_timeline()[
                    ticket.id
                ]
            )
            for role in ("portal", "agent")
        }
        self.assertIn("replaced the till printer", bodies["portal"])
        self.assertNotIn("warranty", bodies["portal"])
        self.assertIn("warranty", bodies["agent"])

    def test_the_form_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        text = self.render_text(self.ticket, lang="zh_CN")
        for expected in (
            f"事件记录单 {self.ticket.number}",
            TITLE,
            f"申报 编号 {self.ticket.number}",
            f"申报人 {self.users['reporter'].name}",
            "部门 Division / Business",
            "联系电话 +86 10 8888 6666",
            "日期 操作人 内容",
            "优先级 二级 解决时间",
            "更新 申报甄别: To Screen → Valid",
            "处理过程",
            "响应时间 10 分钟",
            "解决时间 72 小时内",
        ):
            self.assertIn(expected, text)


# An HTTP case after the installation: wkhtmltopdf loads the report's style
# sheets from the test server, which serves (in the test's transaction) only
# in an HTTP case, and under Odoo's runner only once the modules are installed.
@tagged("post_install", "-at_install")
class TestIncidentRecordPdf(HttpCase, IncidentRecordCase):
    """INC-15: the incident record of a closed ticket, printed as a PDF."""

    def test_the_pdf_of_a_closed_ticket_is_kept_with_it(self):
        # wkhtmltopdf loads the report's style sheets from this test server.
        self.env["ir.config_parameter"].set_param(
            "report.url", f"http://{HOST}:{config['http_port']}"
        )
        report = self.env.ref(REPORT)
        self.assertFalse(
            safe_eval(report.attachment, {"object": self.ticket, "time": time}),
            "an open ticket always prints its current state",
        )
        close_the_loop(self.ticket)
        self.ticket.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, report_type = Report._render_qweb_pdf(REPORT, self.ticket.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", self.ticket.id)]
        )
        self.assertEqual(len(attachment), 1)
        self.assertTrue(
            attachment.name.startswith(f"Incident record - {self.ticket.number}")
        )
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertEqual(attachment.raw, pdf)
        # Printed again: the kept form, not a second copy.
        again, _report_type = Report._render_qweb_pdf(REPORT, self.ticket.ids)
        self.assertEqual(again, pdf)
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", self.ticket.id)]
            ),
            1,
        )
