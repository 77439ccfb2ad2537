from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from odoo.addons.itsm_incident.models.helpdesk_ticket_stamps import SYSTEM_FIELDS

from .common import ItsmCase, office_calendar, utc

# A value of each field type, to try writing a system-stamped field.
SAMPLE_VALUES = {
    "datetime": "2026-03-01 10:00:00",
    "date": "2026-03-01",
    "boolean": True,
    "integer": 7,
    "float": 1.0,
    "char": "forged",
    "many2one": False,
}


class TestSecurityReview(ItsmCase):
    """The findings of the security review (shared/reviews/security-review.md)
    as the roles that could exploit them meet them: H5, M5–M8, L2–L5."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.security_incident = cls.env["helpdesk.ticket"].create(
            {
                "name": "Phishing mail with the CFO's name",
                "description": "Credentials may have been entered.",
                "declaration_type": "security_incident",
                "partner_id": cls.users["other_reporter"].partner_id.id,
            }
        )

    def as_role(self, role, records):
        return records.with_user(self.users[role])

    # ------------------------------------------------------------------
    # H5 — the review's approval only through its actions
    # ------------------------------------------------------------------

    def new_review(self):
        return self.env["itsm.incident.review"].create(
            {
                "ticket_id": self.ticket_reporter.id,
                "cause": "<p>Spooler bug.</p>",
                "process": "<p>Restarted.</p>",
                "result": "<p>Restored.</p>",
                "lessons": "<p>Monitor memory use.</p>",
            }
        )

    def test_h5_resolver_cannot_approve_a_review_by_write(self):
        review = self.new_review()
        forged = {
            "state": "approved",
            "approved_by_id": self.users["manager"].id,
            "approved_date": "2026-03-01 10:00:00",
        }
        for vals in (forged, {"state": "approved"}, {"approved_date": "2026-03-01"}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                self.as_role("resolver", review).write(vals)
        self.assertEqual(review.state, "draft")
        self.assertFalse(review.approved_by_id)
        self.assertEqual(self.ticket_reporter.review_state, "draft")
        # Nor created approved.
        with self.assertRaises(AccessError):
            self.env["itsm.incident.review"].with_user(self.users["resolver"]).create(
                {"ticket_id": self.ticket_customer.id, **forged}
            )
        self.assertFalse(
            self.env["itsm.incident.review"].search(
                [("ticket_id", "=", self.ticket_customer.id)]
            )
        )

    def test_h5_department_head_cannot_reopen_an_approved_review_by_write(self):
        review = self.new_review()
        self.as_role("department_head", review).action_approve()
        self.assertEqual(review.approved_by_id, self.users["department_head"])
        with self.assertRaises(AccessError):
            self.as_role("department_head", review).write(
                {"state": "draft", "approved_by_id": False, "approved_date": False}
            )
        self.assertEqual(review.state, "approved")
        self.assertEqual(review.approved_by_id, self.users["department_head"])
        # The actions keep working for whom they are meant.
        with self.assertRaises(AccessError):
            self.as_role("department_head", review).action_reset_to_draft()
        self.as_role("manager", review).action_reset_to_draft()
        self.assertEqual(review.state, "draft")
        self.assertFalse(review.approved_by_id)

    # ------------------------------------------------------------------
    # M5 — system-stamped ticket fields
    # ------------------------------------------------------------------

    def sample_value(self, name):
        field = self.env["helpdesk.ticket"]._fields[name]
        if field.type == "selection":
            return field.get_values(self.env)[0]
        return SAMPLE_VALUES[field.type]

    def test_m5_every_system_field_is_refused_to_every_writing_role(self):
        # Each role on a ticket it may otherwise write: the reporter on the
        # one they reported, the resolver on their team's, risk control on
        # any.
        ticket = self.ticket_reporter
        before = ticket.read(sorted(SYSTEM_FIELDS))[0]
        for role in ("reporter", "resolver", "risk_control", "agent"):
            mine = self.as_role(role, ticket)
            mine.write({"description": f"<p>Written by {role}</p>"})
            for name in sorted(SYSTEM_FIELDS):
                with (
                    self.subTest(role=role, field=name),
                    self.assertRaises(AccessError),
                ):
                    mine.write({name: self.sample_value(name)})
        ticket.invalidate_recordset()
        self.assertEqual(ticket.read(sorted(SYSTEM_FIELDS))[0], before)

    def test_m5_resolver_cannot_backdate_the_acknowledgement(self):
        self.screen(self.ticket_reporter)
        with self.assertRaises(AccessError):
            self.as_role("resolver", self.ticket_reporter).write(
                {"acknowledged_date": self.ticket_reporter.create_date}
            )
        self.assertFalse(self.ticket_reporter.acknowledged_date)
        # The button does it, stamped now, by the resolver.
        self.as_role("resolver", self.ticket_reporter).action_acknowledge()
        self.assertEqual(
            self.ticket_reporter.acknowledged_by_id, self.users["resolver"]
        )

    def test_m5_reporter_cannot_acknowledge_or_screen(self):
        mine = self.as_role("reporter", self.ticket_reporter)
        with self.assertRaises(AccessError):
            mine.action_screen_valid()
        self.assertEqual(self.ticket_reporter.screening_state, "to_screen")
        self.screen(self.ticket_reporter)
        with self.assertRaises(AccessError):
            mine.action_acknowledge()
        self.assertFalse(self.ticket_reporter.acknowledged_date)

    def test_m5_reporter_cannot_fabricate_a_colleagues_breach(self):
        Ticket = self.env["helpdesk.ticket"].with_user(self.users["reporter"])
        count = Ticket.sudo().search_count([])
        with self.assertRaises(AccessError):
            Ticket.create(
                {
                    "name": "x",
                    "description": "x",
                    "user_id": self.users["resolver"].id,
                    "resolution_done_date": "2026-03-01 00:00:00",
                    "resolution_met": False,
                }
            )
        self.assertEqual(Ticket.sudo().search_count([]), count)

    # ------------------------------------------------------------------
    # M6 — tier definitions
    # ------------------------------------------------------------------

    def test_m6_itsm_manager_administers_only_itsm_tiers(self):
        Tier = self.env["tier.definition"]
        model = self.env["ir.model"]._get("itsm.problem.proposal")
        partner_model = self.env["ir.model"]._get("res.partner")
        foreign = Tier.create({"name": "Partners", "model_id": partner_model.id})
        as_manager = Tier.with_user(self.users["manager"])
        mine = as_manager.create({"name": "Proposals", "model_id": model.id})
        mine.name = "Proposals, first tier"
        self.assertIn(foreign, as_manager.search([]), "everyone reads them")
        with self.assertRaises(AccessError):
            foreign.with_user(self.users["manager"]).name = "Mine now"
        with self.assertRaises(AccessError):
            foreign.with_user(self.users["manager"]).unlink()
        with self.assertRaises(AccessError):
            as_manager.create({"name": "Partners 2", "model_id": partner_model.id})
        with self.assertRaises(AccessError):
            mine.write({"model_id": partner_model.id})
        self.assertEqual(foreign.name, "Partners")
        mine.unlink()

    # ------------------------------------------------------------------
    # M7 — no ticket-title oracle
    # ------------------------------------------------------------------

    def test_m7_resolver_cannot_link_an_article_to_an_unreadable_ticket(self):
        Article = self.env["itsm.knowledge.article"].with_user(self.users["resolver"])
        for ticket in (self.ticket_other, self.security_incident):
            with self.subTest(ticket=ticket.name), self.assertRaises(AccessError):
                Article.create({"name": "x", "ticket_id": ticket.id})
        article = Article.create({"name": "x", "ticket_id": self.ticket_reporter.id})
        with self.assertRaises(AccessError):
            article.ticket_id = self.ticket_other
        self.assertEqual(article.ticket_id, self.ticket_reporter)

    def test_m7_resolver_cannot_link_an_action_to_an_unreadable_ticket(self):
        Action = self.env["itsm.improvement.action"].with_user(self.users["resolver"])
        with self.assertRaises(AccessError):
            Action.create(
                {
                    "name": "x",
                    "ticket_id": self.ticket_other.id,
                    "user_id": self.users["resolver"].id,
                    "date_deadline": date(2026, 12, 31),
                }
            )

    def test_m7_supervisor_cannot_check_a_security_incident(self):
        spot_check = (
            self.env["itsm.supervision.round"]
            .with_user(self.users["supervisor"])
            .create(
                {
                    "name": "October",
                    "date_from": date(2026, 10, 1),
                    "date_to": date(2026, 10, 31),
                }
            )
        )
        Check = self.env["itsm.supervision.check"].with_user(self.users["supervisor"])
        with self.assertRaises(AccessError):
            Check.create(
                {"round_id": spot_check.id, "ticket_id": self.security_incident.id}
            )
        check = Check.create(
            {"round_id": spot_check.id, "ticket_id": self.ticket_other.id}
        )
        self.assertEqual(
            check.read(["ticket_id"])[0]["ticket_id"][0], check.ticket_id.id
        )

    # ------------------------------------------------------------------
    # M8 — a deleted ticket's clock never stops the sweep
    # ------------------------------------------------------------------

    def test_m8_deleting_a_ticket_with_a_running_clock_keeps_the_sweep_going(self):
        office = office_calendar(self.env, "Office 9-18")
        self.env["itsm.escalation.rule"].search([]).active = False
        plain_team = self.env["helpdesk.ticket.team"].create(
            {"name": "Facilities", "is_itsm": False}
        )
        gone = self.env["helpdesk.ticket"].create(
            {"name": "Light out", "description": "x", "team_id": plain_team.id}
        )
        Deadline = self.env["itsm.deadline"]
        clocks = Deadline._start(
            gone | self.ticket_reporter,
            "resolution",
            60,
            office,
            start=utc(2026, 11, 23, 9, 0),
        )
        live = clocks.filtered(lambda c: c.res_id == self.ticket_reporter.id)
        helpdesk_manager = new_test_user(
            self.env,
            login="test_helpdesk_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        gone.with_user(helpdesk_manager).unlink()
        self.assertFalse((clocks - live).exists(), "its clock went with it")
        with freeze_time(utc(2026, 11, 23, 10, 30)):
            Deadline._cron_sweep()
        self.assertEqual(live.breached_at, utc(2026, 11, 23, 10, 0))

    # ------------------------------------------------------------------
    # L2 — clocks and service levels stay in their company
    # ------------------------------------------------------------------

    def test_l2_another_companys_employee_reads_no_clock_or_service_level(self):
        other = self.env["res.company"].create({"name": "Other Bank"})
        outsider = new_test_user(
            self.env,
            login="test_outsider",
            groups="base.group_user",
            company_id=other.id,
            company_ids=[other.id],
        )
        colleague = new_test_user(self.env, login="test_colleague")
        clock = self.env["itsm.deadline"]._start(
            self.ticket_reporter,
            "resolution",
            60,
            office_calendar(self.env, "Office"),
            start=utc(2026, 11, 23, 9, 0),
        )
        self.assertEqual(clock.company_id, self.ticket_reporter.company_id)
        level = self.env["itsm.service.level"].create(
            {
                "name": "Gold",
                "partner_ids": [(4, self.portal_company.id)],
            }
        )
        for model, record in (("itsm.deadline", clock), ("itsm.service.level", level)):
            with self.subTest(model=model):
                Model = self.env[model]
                self.assertIn(record, Model.with_user(colleague).search([]))
                self.assertNotIn(record, Model.with_user(outsider).search([]))
                with self.assertRaises(AccessError):
                    record.with_user(outsider).read(["display_name"])

    # ------------------------------------------------------------------
    # L3 — a customer's service level is the ITSM manager's
    # ------------------------------------------------------------------

    def test_l3_only_an_itsm_manager_sets_a_customers_service_level(self):
        level = self.env["itsm.service.level"].create({"name": "Gold"})
        contact_creator = new_test_user(
            self.env,
            login="test_contact_creator",
            groups="base.group_user,base.group_partner_manager",
        )
        customer = self.portal_company.with_user(contact_creator)
        customer.phone = "+86 21 5555 0199"  # contacts stay theirs to edit
        for role_user in (contact_creator, self.users["agent"]):
            with self.subTest(user=role_user.login), self.assertRaises(AccessError):
                self.portal_company.with_user(role_user).write(
                    {"itsm_service_level_id": level.id}
                )
        self.assertFalse(self.portal_company.itsm_service_level_id)
        self.users["manager"].groups_id |= self.env.ref("base.group_partner_manager")
        self.portal_company.with_user(
            self.users["manager"]
        ).itsm_service_level_id = level
        self.assertEqual(self.portal_company.itsm_service_level_id, level)

    # ------------------------------------------------------------------
    # L4 — a personal leave does not clear every worker's caches
    # ------------------------------------------------------------------

    def test_l4_only_calendar_leaves_clear_the_caches(self):
        registry = self.env.registry
        resource = self.employees["reporter"].resource_id
        Leave = self.env["resource.calendar.leaves"]
        with patch.object(type(registry), "clear_cache") as cleared:
            own = Leave.with_user(self.users["reporter"]).create(
                {
                    "name": "Dentist",
                    "resource_id": resource.id,
                    "date_from": "2026-11-23 01:00:00",
                    "date_to": "2026-11-23 03:00:00",
                }
            )
            own.name = "Dentist, again"
            own.unlink()
            self.assertFalse(cleared.called, "a person's leave")
            holiday = Leave.create(
                {
                    "name": "Company day",
                    "calendar_id": self.env.company.resource_calendar_id.id,
                    "date_from": "2026-11-24 00:00:00",
                    "date_to": "2026-11-24 23:00:00",
                }
            )
            self.assertTrue(cleared.called, "a calendar's leave")
            cleared.reset_mock()
            holiday.name = "Company day off"
            self.assertTrue(cleared.called)

    # ------------------------------------------------------------------
    # L5 — a recorded spot check stays
    # ------------------------------------------------------------------

    def test_l5_supervisor_cannot_rewrite_or_delete_a_recorded_check(self):
        Round = self.env["itsm.supervision.round"].with_user(self.users["supervisor"])
        spot_check = Round.create(
            {
                "name": "October",
                "date_from": date(2026, 10, 1),
                "date_to": date(2026, 10, 31),
            }
        )
        check = (
            self.env["itsm.supervision.check"]
            .with_user(self.users["supervisor"])
            .create({"round_id": spot_check.id, "ticket_id": self.ticket_other.id})
        )
        check.action_done()  # no items: nothing to judge
        self.assertEqual(check.user_id, self.users["supervisor"])
        for vals in (
            {"state": "todo"},
            {"user_id": self.users["manager"].id},
            {"date_checked": "2026-10-01"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                check.write(vals)
        self.assertEqual(check.state, "done")
        with self.assertRaises(AccessError):
            spot_check.write({"state": "done"})
        self.assertEqual(spot_check.state, "draft")
        with self.assertRaises(UserError):
            spot_check.unlink()
        self.assertTrue(check.exists())
        # A spot check without a recorded check is still the supervisor's.
        Round.create(
            {
                "name": "Nov",
                "date_from": date(2026, 11, 1),
                "date_to": date(2026, 11, 30),
            }
        ).unlink()

    # ------------------------------------------------------------------
    # L6 — a customer does not call the fault ladder
    # ------------------------------------------------------------------

    def test_l6_a_customer_does_not_mark_a_fault(self):
        # As the portal form creates it: with sudo, for the portal user.
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.users["portal"])
            .sudo()
            .create(
                {
                    "name": "Tills slow",
                    "description": "x",
                    "partner_id": self.users["portal"].partner_id.id,
                    "urgency": "low",
                    "is_fault": True,
                }
            )
        )
        self.assertFalse(ticket.is_fault)

    # ------------------------------------------------------------------
    # L7 — a knowledge search is bounded
    # ------------------------------------------------------------------

    def test_l7_a_knowledge_search_uses_the_first_words_only(self):
        Article = self.env["itsm.knowledge.article"]
        domain = Article._itsm_search_domain(" ".join(["printer"] * 500 + ["x" * 999]))
        self.assertEqual(len([leaf for leaf in domain if leaf == "|"]), 3 * 8)
        self.assertTrue(all(len(leaf[2]) <= 64 for leaf in domain if leaf != "|"))
