from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user

from odoo.addons.itsm_incident.tests.common import ItsmCase, office_calendar, utc

FRIDAY_16H = utc(2026, 11, 27, 16, 0)
WEDNESDAY_10H = utc(2026, 11, 25, 10, 0)
HEAD = "itsm_incident.group_itsm_department_head"


class RefusedContext:
    def __init__(self, case, exception, text):
        self.case, self.exception, self.text = case, exception, text

    def __enter__(self):
        self.manager = self.case.assertRaises(self.exception)
        self.context = self.manager.__enter__()
        return self.context

    def __exit__(self, *exc_info):
        suppressed = self.manager.__exit__(*exc_info)
        self.case.assertIn(self.text, str(self.context.exception))
        return suppressed


class RequestCase(ItsmCase):
    """The organisation of S4's request types: their approving departments
    and managers, an office calendar, and helpers to file, approve and read
    a request's clocks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        calendar = office_calendar(
            env, "Office 8h", periods=((9, 12, "morning"), (13, 18, "afternoon"))
        )
        env.company.resource_calendar_id = calendar
        cls.calendar = calendar
        Department = env["hr.department"]
        Employee = env["hr.employee"]
        cls.marketing_manager = new_test_user(
            env,
            login="test_marketing",
            groups="itsm_incident.group_itsm_department_head",
        )
        cls.bizmgmt_manager = new_test_user(env, login="test_bizmgmt", groups=HEAD)
        cls.president = new_test_user(
            env, login="test_president", groups="itsm_change.group_itsm_president"
        )
        cls.marketing = Department.create(
            {
                "name": "Marketing",
                "parent_id": cls.division.id,
                "manager_id": Employee.create(
                    {"name": "Marketing head", "user_id": cls.marketing_manager.id}
                ).id,
            }
        )
        cls.bizmgmt = Department.create(
            {
                "name": "Business management",
                "parent_id": cls.division.id,
                "manager_id": Employee.create(
                    {"name": "Bizmgmt head", "user_id": cls.bizmgmt_manager.id}
                ).id,
            }
        )
        cls.it.manager_id = Employee.create(
            {"name": "IT head", "user_id": cls.users["manager"].id}
        )
        cls.employees["department_head"].department_id = cls.business
        cls.product = env.ref("itsm_change.request_type_product")
        cls.account = env.ref("itsm_change.request_type_account")
        cls.extraction = env.ref("itsm_change.request_type_extraction")
        cls.requirement = env.ref("itsm_change.request_type_requirement")
        for request_type, department in (
            (cls.product, cls.marketing),
            (cls.account, cls.bizmgmt),
            (cls.extraction, cls.it),
        ):
            request_type.approving_department_id = department
        (
            cls.product | cls.account | cls.extraction | cls.requirement
        ).team_id = cls.desk_team
        cls.crm = env.ref("itsm_incident.itsm_service_crm")

    def file(self, request_type, role="reporter", at=WEDNESDAY_10H, **vals):
        with freeze_time(at):
            return (
                self.env["helpdesk.ticket"]
                .with_user(self.users[role])
                .create(
                    {
                        "name": f"{request_type.name} request",
                        "description": "Please.",
                        "partner_id": self.users[role].partner_id.id,
                        "request_type_id": request_type.id,
                        **vals,
                    }
                )
            )

    def act(self, request, user, action="approve", at=FRIDAY_16H, opinion="Agreed."):
        """The approver's button, and their opinion in the wizard it opens."""
        with freeze_time(at):
            mine = request.with_user(user)
            result = getattr(mine, f"action_request_{action}")()
            if isinstance(result, dict) and result.get("res_model") == "comment.wizard":
                wizard = (
                    self.env["comment.wizard"]
                    .with_user(user)
                    .with_context(**result["context"])
                    .create({"comment": opinion})
                )
                wizard.add_comment()
            request.invalidate_recordset()
            return result

    def refused(self, exception, text):
        """assertRaises (rolled back) that checks the message too."""
        return RefusedContext(self, exception, text)

    def clock(self, request, kind):
        return self.env["itsm.deadline"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "=", request.id),
                ("kind", "=", kind),
            ]
        )

    def trail(self, request):
        return [
            (review.name, review.status, review.reviewer_ids)
            for review in request.review_ids.sorted("sequence")
        ]


class TestRequests(RequestCase):
    """Requests of S4's types (CHG-10): filed with what their type asks,
    approved tier by tier by the org chart's people (never by the
    requester), and fulfilled within working days counted from the last
    approval (时限要求); every refusal leaves the request as it was."""

    def test_a_product_request_from_filing_to_its_deadline(self):
        request = self.file(self.product, request_scope="Plan 500M in billing")
        self.assertEqual(request.declaration_type, "service_request")
        self.assertEqual(request.team_id, self.desk_team, "the type's team")
        self.assertEqual(request.request_state, "to_approve")
        self.assertEqual(
            self.trail(request),
            [
                ("Department manager", "pending", self.users["department_head"]),
                ("Marketing department manager", "waiting", self.marketing_manager),
            ],
        )
        # Out of turn, or not an approver: refused, nothing changes.
        for user in (self.marketing_manager, self.users["agent"]):
            with self.refused(UserError, "not the approver"):
                self.act(request, user)
            self.assertEqual(
                request.review_ids.mapped("status"), ["pending", "waiting"]
            )
        self.act(request, self.users["department_head"], at=utc(2026, 11, 26, 10, 0))
        self.assertEqual(request.request_state, "to_approve")
        self.assertFalse(self.clock(request, "fulfilment"), "not before the last")
        self.act(request, self.marketing_manager)
        self.assertEqual(request.request_state, "approved")
        self.assertEqual(request.request_approved_date, FRIDAY_16H)
        # 3 working days of 8 hours from Friday 16:00, over the weekend:
        # Wednesday 16:00 in Shanghai.
        fulfilment = self.clock(request, "fulfilment")
        self.assertEqual(fulfilment.deadline, utc(2026, 12, 2, 16, 0))
        self.assertEqual(fulfilment.calendar_id, self.calendar)

    def test_a_public_holiday_moves_the_deadline(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": utc(2026, 11, 30, 0, 0),  # Monday
                "date_to": utc(2026, 12, 1, 0, 0),
            }
        )
        request = self.file(self.product, request_scope="Plan 500M")
        self.act(request, self.users["department_head"], at=utc(2026, 11, 26, 10, 0))
        self.act(request, self.marketing_manager)
        self.assertEqual(
            self.clock(request, "fulfilment").deadline, utc(2026, 12, 3, 16, 0)
        )

    def test_what_the_type_asks_for_is_required(self):
        Ticket = self.env["helpdesk.ticket"]
        before = Ticket.search_count([])
        with self.refused(ValidationError, "Purpose"):
            self.file(self.extraction, request_scope="Churned customers")
        with self.refused(ValidationError, "Account action"):
            self.file(self.account, service_id=self.crm.id, request_scope="Sales")
        self.assertEqual(Ticket.search_count([]), before, "nothing filed")

    def test_nobody_to_approve_a_step_is_refused(self):
        self.product.approving_department_id = False
        Ticket = self.env["helpdesk.ticket"]
        before = Ticket.search_count([])
        with self.refused(UserError, "Nobody can approve"):
            self.file(self.product, request_scope="Plan")
        self.assertEqual(Ticket.search_count([]), before)

    def test_the_requester_never_approves_their_own_request(self):
        request = self.file(self.product, role="department_head", request_scope="P")
        first = request.review_ids.sorted("sequence")[0]
        self.assertEqual(
            first.reviewer_ids,
            self.users["division_leader"],
            "their own step passes to the division leader",
        )
        with self.refused(UserError, "not the approver"):
            self.act(request, self.users["department_head"])

    def test_an_account_beyond_the_departments_authority(self):
        request = self.file(
            self.account,
            service_id=self.crm.id,
            request_account_action="new",
            request_scope="Sales and refunds",
        )
        # Who approves is IT's decision, not the requester's.
        with self.assertRaises(UserError):
            request.with_user(self.users["reporter"]).request_exceeds_authority = True
        self.assertEqual(len(request.review_ids), 2)
        request.with_user(self.users["agent"]).request_exceeds_authority = True
        self.assertEqual(
            self.trail(request)[-1],
            (
                "Division leader (rights beyond the department's authority)",
                "waiting",
                self.users["division_leader"],
            ),
        )
        self.act(request, self.users["department_head"], at=utc(2026, 11, 26, 10))
        self.act(request, self.bizmgmt_manager, at=utc(2026, 11, 26, 11))
        self.assertEqual(request.request_state, "to_approve")
        self.act(request, self.users["division_leader"])
        self.assertEqual(request.request_state, "approved")
        # 1 working day from Friday 16:00: Monday 16:00.
        self.assertEqual(
            self.clock(request, "fulfilment").deadline, utc(2026, 11, 30, 16, 0)
        )

    def test_a_data_extraction_the_president_approves(self):
        request = self.file(
            self.extraction,
            request_purpose="Retention campaign",
            request_scope="Churned customers of Q3",
        )
        self.assertEqual(self.trail(request)[0][2], self.users["manager"])
        with self.assertRaises(UserError):
            request.with_user(self.users["agent"]).request_needs_president = True
        request.with_user(self.users["manager"]).request_needs_president = True
        self.act(request, self.users["manager"], at=utc(2026, 11, 25, 11))
        self.assertEqual(request.request_state, "to_approve")
        self.assertFalse(self.clock(request, "fulfilment"))
        self.act(request, self.president)
        self.assertEqual(request.request_state, "approved")
        # Three working days after the president's approval (S4).
        self.assertEqual(
            self.clock(request, "fulfilment").deadline, utc(2026, 12, 2, 16, 0)
        )

    def test_a_rejection_ends_the_request_and_keeps_its_trail(self):
        request = self.file(self.product, request_scope="Plan")
        self.act(request, self.users["department_head"], action="reject")
        self.assertEqual(request.request_state, "rejected")
        self.assertEqual(
            [(name, status) for name, status, _users in self.trail(request)],
            [
                ("Department manager", "rejected"),
                ("Marketing department manager", "cancel"),
            ],
        )
        self.assertEqual(request.review_ids.sorted("sequence")[0].comment, "Agreed.")
        self.assertEqual(len(request.review_ids), 2, "the trail stays (归档)")
        self.assertFalse(self.clock(request, "fulfilment"))
        with self.refused(UserError, "not waiting for approval"):
            self.act(request, self.marketing_manager)

    def test_a_requirement_is_assessed_within_three_working_days(self):
        request = self.file(
            self.requirement,
            at=FRIDAY_16H,
            service_id=self.crm.id,
            request_scope="Daily order report",
        )
        self.assertEqual(request.request_state, "approved", "no approval needed")
        self.assertEqual(
            self.clock(request, "assessment").deadline, utc(2026, 12, 2, 16, 0)
        )
        self.assertFalse(self.clock(request, "fulfilment"))
        self.assertFalse(self.clock(request, "resolution"), "the request's own")

    def test_under_approval_only_the_content_is_frozen(self):
        request = self.file(self.product, request_scope="Plan")
        with self.refused(ValidationError, "waits for approval: Scope cannot change"):
            request.with_user(self.users["agent"]).request_scope = "Another plan"
        self.assertEqual(request.request_scope, "Plan")
        request.with_user(self.users["agent"]).user_id = self.users["agent"]
        self.assertEqual(request.user_id, self.users["agent"], "the desk works on")

    def test_the_approval_is_only_its_actions(self):
        request = self.file(self.product, request_scope="Plan")
        for vals in ({"request_state": "approved"}, {"request_approved_date": False}):
            with self.assertRaises(AccessError):
                request.with_user(self.users["department_head"]).write(vals)
        self.assertEqual(request.request_state, "to_approve")
        with self.assertRaises(UserError):
            request.with_user(self.users["agent"]).request_type_id = self.account

    def test_plain_tickets_know_nothing_of_approvals(self):
        ticket = self.ticket_reporter
        self.assertFalse(ticket.request_state)
        self.assertEqual(ticket.validation_status, "no")
        ticket.with_user(self.users["agent"]).description = "Tray 2"
        self.assertFalse(ticket.review_ids)

    def test_an_approval_is_not_forged_by_hand(self):
        """base_tier_validation lets every employee write tier reviews: the
        suite's are decided only by their approvers' buttons."""
        request = self.file(self.product, request_scope="Plan")
        first = request.review_ids.sorted("sequence")[0]
        Review = self.env["tier.review"].with_user(self.users["reporter"])
        for forge in (
            lambda: first.with_user(self.users["reporter"]).write(
                {"status": "approved"}
            ),
            lambda: first.with_user(self.users["department_head"]).write(
                {"status": "approved", "done_by": self.users["department_head"].id}
            ),
            lambda: first.with_user(self.users["reporter"]).unlink(),
            lambda: Review.create(
                {
                    "model": "helpdesk.ticket",
                    "res_id": request.id,
                    "definition_id": first.definition_id.id,
                    "status": "approved",
                }
            ),
        ):
            with self.assertRaises(AccessError):
                forge()
        self.assertEqual(
            request.review_ids.sorted("sequence").mapped("status"),
            ["pending", "waiting"],
        )
        self.assertEqual(request.validation_status, "pending")

    def test_approvers_read_what_they_approve_and_no_more(self):
        request = self.file(self.product, request_scope="Plan")
        marketing = self.marketing_manager
        self.assertEqual(self.readable_by(marketing, request), request)
        self.assertFalse(
            self.readable_by(marketing, self.ticket_reporter),
            "not the department's other tickets",
        )
        extraction = self.file(
            self.extraction, request_purpose="Campaign", request_scope="Q3"
        )
        self.assertFalse(self.readable_by(self.president, extraction | request))
        extraction.with_user(self.users["manager"]).request_needs_president = True
        self.assertEqual(
            self.readable_by(self.president, extraction | request), extraction
        )
        with self.assertRaises(AccessError):
            extraction.with_user(self.president).write({"description": "All"})

    def readable_by(self, user, tickets):
        return (
            self.env["helpdesk.ticket"]
            .with_user(user)
            .search([("id", "in", tickets.ids)])
        )

    def test_the_demo_requests_were_decided_by_their_approvers(self):
        """The demo shows requests waiting, approved and rejected, each
        decided through the approvers' buttons (a real trail)."""
        approved = self.env.ref("itsm_change.request_account_rights")
        rejected = self.env.ref("itsm_change.request_product_weekend")
        waiting = self.env.ref("itsm_change.request_product_plan")
        self.assertEqual(approved.request_state, "approved")
        self.assertTrue(approved.request_approved_date)
        self.assertEqual(set(approved.review_ids.mapped("status")), {"approved"})
        self.assertTrue(self.clock(approved, "fulfilment"))
        self.assertEqual(rejected.request_state, "rejected")
        self.assertIn("rejected", rejected.review_ids.mapped("status"))
        decided = rejected.review_ids.filtered(lambda r: r.status == "rejected")
        self.assertTrue(decided.done_by)
        self.assertNotEqual(decided.done_by, rejected.request_requester_id)
        self.assertEqual(waiting.request_state, "to_approve")

    def test_the_demo_has_requests_of_every_type_done_and_in_progress(self):
        """Fulfilled and confirmed requests, a requirement delivered through
        a change and evaluated with the feedback form, a data correction
        assessed: every request type has demo requests, in several states."""
        fulfilled = self.env.ref("itsm_change.request_product_tourist")
        self.assertTrue(fulfilled.stage_id.closed)
        self.assertTrue(fulfilled.reporter_confirmed_date)
        self.assertTrue(fulfilled.acknowledged_date, "taken, then done")
        self.assertEqual(
            set(fulfilled.review_ids.mapped("status")), {"approved"}, "approved first"
        )
        requirement = self.env.ref("itsm_change.request_requirement_export")
        self.assertEqual(requirement.request_assessment_outcome, "implement")
        self.assertTrue(requirement.request_change_ids)
        self.assertEqual(requirement.request_feedback_result, "met")
        self.assertTrue(requirement.stage_id.closed)
        processing = self.env.ref("itsm_change.request_processing_refunds")
        self.assertTrue(processing.request_assessed_date)
        self.assertFalse(processing.stage_id.closed)
        requests = self.env["helpdesk.ticket"].search(
            [("request_type_id", "!=", False)]
        )
        self.assertEqual(
            set(requests.mapped("request_kind")),
            {"requirement", "product", "account", "extraction", "processing"},
        )
        self.assertEqual(
            set(requests.mapped("request_state")),
            {"to_approve", "approved", "rejected"},
        )
