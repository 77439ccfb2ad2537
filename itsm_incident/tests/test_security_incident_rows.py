from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import ItsmCase, close_the_loop, utc

SECURITY_GROUP = "itsm_incident.group_itsm_security"


class TestSecurityIncidentRows(ItsmCase):
    """Security review H3: a row of a related model that points at a
    security incident is as confidential as the incident (its link shows the
    incident's title, a review or a draft copies its content). Every role
    outside the security group, a plain employee included, finds none, and
    reading one by id is refused; the security group reads them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users["employee"] = new_test_user(
            cls.env, login="test_employee", groups="base.group_user"
        )
        cls.officer = new_test_user(
            cls.env,
            login="test_officer",
            groups=f"{SECURITY_GROUP},itsm_incident.group_itsm_agent,"
            "itsm_incident.group_itsm_supervisor",
        )
        Ticket = cls.env["helpdesk.ticket"]
        cls.breach = Ticket.create(
            {
                "name": "Customer database exfiltrated",
                "description": "Dump found on a paste site.",
                "declaration_type": "security_incident",
                "team_id": cls.desk_team.id,
                "partner_id": cls.users["reporter"].partner_id.id,
            }
        )
        # The same rows on an ordinary incident stay readable as before.
        cls.incident = cls.ticket_reporter
        cls.rows = {}
        for name, ticket in (("breach", cls.breach), ("incident", cls.incident)):
            cls.rows[name] = cls._rows_of(ticket)

    @classmethod
    def _rows_of(cls, ticket):
        """One row of each related model pointing at ``ticket``, made as
        the system makes them (sudo: the escalation log, the sampling and
        the rating are the system's)."""
        env = cls.env
        # Dates of the ticket's own day (not the real clock).
        reported = ticket.create_date.date()
        review = env["itsm.incident.review"].create(
            {"ticket_id": ticket.id, "cause": "Leaked credentials"}
        )
        action = env["itsm.improvement.action"].create(
            {
                "name": f"Rotate credentials ({ticket.number})",
                "ticket_id": ticket.id,
                "user_id": cls.users["resolver"].id,
                "date_deadline": reported + timedelta(days=7),
            }
        )
        spot_check = env["itsm.supervision.round"].create(
            {
                "name": f"Round of {ticket.number}",
                "date_from": reported,
                "date_to": reported,
            }
        )
        item = env["itsm.supervision.checklist.item"].search([], limit=1)
        check = env["itsm.supervision.check"].create(
            {
                "round_id": spot_check.id,
                "ticket_id": ticket.id,
                "line_ids": [(0, 0, {"item_id": item.id})],
            }
        )
        rule = env.ref("itsm_incident.escalation_rule_sla_warning_handler")
        log = env["itsm.escalation.log"].create(
            {
                "rule_id": rule.id,
                "res_model": "helpdesk.ticket",
                "res_id": ticket.id,
                "ticket_id": ticket.id,
                "fired_at": ticket.create_date,
            }
        )
        rating = env["rating.rating"].create(
            {
                "res_model_id": env["ir.model"]._get_id("helpdesk.ticket"),
                "res_id": ticket.id,
                "rating": 1,
                "feedback": "They lost my data",
                "consumed": True,
            }
        )
        article = env["itsm.knowledge.article"].create(
            {"name": f"Lessons of {ticket.number}", "ticket_id": ticket.id}
        )
        activity = env["mail.activity"].create(
            {
                "res_model_id": env["ir.model"]._get_id("helpdesk.ticket"),
                "res_id": ticket.id,
                "user_id": cls.officer.id,
                "summary": "Call the DPO",
                "activity_type_id": env.ref("mail.mail_activity_data_todo").id,
            }
        )
        return {
            "itsm.incident.review": review,
            "itsm.improvement.action": action,
            "itsm.supervision.check": check,
            "itsm.supervision.check.line": check.line_ids,
            "itsm.escalation.log": log,
            "rating.rating": rating,
            "itsm.knowledge.article": article,
            "mail.activity": activity,
        }

    def found(self, user, records):
        """What ``user`` finds of ``records`` by searching (nothing when the
        model is closed to them)."""
        try:
            return records.with_user(user).search([("id", "in", records.ids)])
        except AccessError:
            return records.browse()

    def test_no_role_outside_the_security_group_reads_a_row_of_one(self):
        roles = (
            "employee",
            "reporter",
            "resolver",
            "agent",
            "manager",
            "department_head",
            "risk_control",
            "supervisor",
        )
        for model, row in self.rows["breach"].items():
            for role in roles:
                with self.subTest(model=model, role=role):
                    user = self.users[role]
                    self.assertFalse(self.found(user, row))
                    with self.assertRaises(AccessError):
                        row.with_user(user).read(["display_name"])
            with self.subTest(model=model, role="security officer"):
                self.assertEqual(self.found(self.officer, row), row)

    def test_the_rows_of_other_incidents_stay_readable(self):
        """The rules remove the security incidents' rows only: who read a
        row of an ordinary incident still does."""
        readers = {
            "itsm.incident.review": "resolver",
            "itsm.improvement.action": "resolver",
            "itsm.supervision.check": "supervisor",
            "itsm.supervision.check.line": "supervisor",
            "itsm.escalation.log": "employee",
            "rating.rating": "employee",
            "itsm.knowledge.article": "resolver",
        }
        for model, role in readers.items():
            with self.subTest(model=model):
                row = self.rows["incident"][model]
                self.assertEqual(self.found(self.users[role], row), row)

    def test_a_ticket_made_a_security_incident_takes_its_rows_along(self):
        """The rules follow the ticket's type as it is now: no copy to keep
        in step."""
        rows = self.rows["incident"]
        self.assertTrue(self.found(self.users["resolver"], rows["rating.rating"]))
        self.incident.sudo().declaration_type = "security_incident"
        for model, row in rows.items():
            with self.subTest(model=model):
                self.assertFalse(self.found(self.users["resolver"], row))

    def test_no_row_of_one_is_made_by_those_outside_the_group(self):
        """Creating a row pointing at one (to read its title back) is
        refused as reading it is, and nothing is created."""
        resolver = self.users["resolver"]
        unreviewed = self.env["helpdesk.ticket"].create(
            {
                "name": "Laptop stolen",
                "description": "x",
                "declaration_type": "security_incident",
                "team_id": self.desk_team.id,
            }
        )
        Review = self.env["itsm.incident.review"].with_user(resolver)
        Article = self.env["itsm.knowledge.article"].with_user(resolver)
        with self.assertRaises(AccessError):
            Review.create({"ticket_id": unreviewed.id, "name": "Probe"})
        with self.assertRaises(AccessError):
            Article.create({"name": "Probe", "ticket_id": unreviewed.id})
        self.assertFalse(Review.sudo().search([("ticket_id", "=", unreviewed.id)]))
        self.assertFalse(Article.sudo().search([("ticket_id", "=", unreviewed.id)]))

    def test_published_articles_of_one_stay_published(self):
        """An article the security team publishes from an incident is
        knowledge for all; only drafts stay theirs."""
        article = self.rows["breach"]["itsm.knowledge.article"]
        article.sudo().write({"state": "published"})
        self.assertEqual(self.found(self.users["resolver"], article), article)

    def test_supervision_does_not_draw_security_incidents(self):
        """The spot check samples closed incidents with sudo: a security
        incident is not among them, so no check, line or rectification
        action of the supervision group names one."""
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        with freeze_time(utc(2026, 10, 5, 10)):
            tickets = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": name,
                        "description": "x",
                        "declaration_type": kind,
                        "partner_id": self.users["reporter"].partner_id.id,
                        "screening_state": "valid",
                    }
                    for name, kind in (
                        ("Badge cloned", "security_incident"),
                        ("Printer jammed again", "incident"),
                    )
                ]
            )
            close_the_loop(tickets).stage_id = done
        spot_check = (
            self.env["itsm.supervision.round"]
            .with_user(self.users["supervisor"])
            .create(
                {
                    "name": "October",
                    "date_from": date(2026, 10, 1),
                    "date_to": date(2026, 10, 31),
                    "sample_size": 10,
                }
            )
        )
        spot_check.action_draw_sample()
        self.assertEqual(spot_check.sudo().check_ids.ticket_id, tickets[1])
