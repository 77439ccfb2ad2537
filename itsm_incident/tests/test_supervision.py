import random
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError

from .common import ItsmCase, close_the_loop, utc


class TestSupervision(ItsmCase):
    """Spot checks (INC-17): a reproducible random sample of the incidents
    closed in a period, checked against the checklist; failures become
    rectification actions; scores per department."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        reporters = [cls.users["reporter"], cls.users["other_reporter"]]
        with freeze_time(utc(2026, 10, 5, 10)):
            cls.closed = cls.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Incident {index}",
                        "description": "x",
                        "partner_id": reporters[index % 2].partner_id.id,
                        # Screened (INC-2): the round samples closed ones.
                        "screening_state": "valid",
                    }
                    for index in range(12)
                ]
            )
            close_the_loop(cls.closed).stage_id = done
        with freeze_time(utc(2026, 9, 5, 10)):
            cls.earlier = cls.env["helpdesk.ticket"].create(
                {"name": "September", "description": "x", "stage_id": done.id}
            )
            cls.earlier.stage_id = done
        cls.Round = cls.env["itsm.supervision.round"].with_user(cls.users["supervisor"])

    def new_round(self, seed=42, size=4, **vals):
        return self.Round.create(
            {
                "name": "October",
                "date_from": date(2026, 10, 1),
                "date_to": date(2026, 10, 31),
                "sample_size": size,
                "seed": seed,
                **vals,
            }
        )

    def test_the_sample_is_random_but_reproducible(self):
        first = self.new_round()
        first.action_draw_sample()
        self.assertEqual(first.state, "checking")
        self.assertEqual(len(first.check_ids), 4)
        population = (
            self.env["helpdesk.ticket"]
            .search(first._itsm_population_domain(), order="id")
            .ids
        )
        self.assertEqual(
            first.check_ids.ticket_id.ids,
            sorted(random.Random(42).sample(population, 4)),
        )
        self.assertNotIn(self.earlier, first.check_ids.ticket_id, "closed in September")
        again = self.new_round()
        again.action_draw_sample()
        self.assertEqual(again.check_ids.ticket_id, first.check_ids.ticket_id)
        other = self.new_round(seed=7)
        other.action_draw_sample()
        self.assertNotEqual(other.check_ids.ticket_id, first.check_ids.ticket_id)
        # Each check carries the whole checklist.
        items = self.env["itsm.supervision.checklist.item"].search([])
        self.assertEqual(
            set(first.check_ids[0].line_ids.item_id.mapped("aspect")),
            {"timeliness", "compliance", "effectiveness"},
        )
        self.assertEqual(first.check_ids[0].line_ids.item_id, items)

    def test_departments_narrow_the_population(self):
        spot_check = self.new_round(size=50, department_ids=[(6, 0, self.business.ids)])
        spot_check.action_draw_sample()
        self.assertEqual(len(spot_check.check_ids), 6)
        self.assertEqual(spot_check.check_ids.department_id, self.business)

    def test_wrong_state_or_period_is_refused(self):
        spot_check = self.new_round()
        spot_check.action_draw_sample()
        with self.assertRaises(UserError):
            spot_check.action_draw_sample()
        self.assertEqual(len(spot_check.check_ids), 4)
        with self.assertRaises(UserError):
            spot_check.action_done()  # nothing checked yet
        empty = self.new_round(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
        with self.assertRaises(UserError):
            empty.action_draw_sample()
        self.assertEqual(empty.state, "draft")
        with self.assertRaises(ValidationError):
            self.new_round(date_from=date(2026, 10, 31), date_to=date(2026, 10, 1))

    @freeze_time(utc(2026, 11, 3, 10))
    def test_findings_become_rectification_actions(self):
        spot_check = self.new_round(size=2)
        spot_check.action_draw_sample()
        check, second = spot_check.check_ids
        timeliness, compliance, effectiveness = check.line_ids
        timeliness.result = "pass"
        compliance.write({"result": "fail", "finding": "No screening reason"})
        effectiveness.result = "na"
        with self.assertRaises(UserError):
            check.action_done()  # a failure without owner and deadline
        self.assertEqual(check.state, "todo")
        self.assertFalse(
            self.env["itsm.improvement.action"].search(
                [("ticket_id", "=", check.ticket_id.id)]
            )
        )
        compliance.write(
            {
                "action_user_id": self.users["agent"].id,
                "action_deadline": date(2026, 11, 30),
            }
        )
        check.action_done()
        self.assertEqual(check.state, "done")
        self.assertEqual(check.user_id, self.users["supervisor"])
        self.assertEqual(check.score, 50)  # one passed of two judged
        action = compliance.action_id
        self.assertEqual(action.user_id, self.users["agent"])
        self.assertEqual(action.date_deadline, date(2026, 11, 30))
        self.assertEqual(action.ticket_id, check.ticket_id)
        self.assertEqual(check.open_action_count, 1)
        # A recorded check no longer changes.
        with self.assertRaises(AccessError):
            compliance.with_user(self.users["supervisor"]).result = "pass"
        with self.assertRaises(UserError):
            check.action_done()
        # The owner does it: the finding is followed up until done.
        action.with_user(self.users["agent"]).action_done()
        self.assertEqual(compliance.action_state, "done")
        self.assertEqual(check.open_action_count, 0)
        second.line_ids.write({"result": "pass"})
        second.action_done()
        spot_check.action_done()
        self.assertEqual(spot_check.state, "done")
        self.assertEqual(spot_check.score, 75)
        # Department scores: the average of their checks.
        scores = dict(
            self.env["itsm.supervision.check"]._read_group(
                [("round_id", "=", spot_check.id)], ["department_id"], ["score:avg"]
            )
        )
        self.assertEqual(
            scores[check.department_id],
            50 if check.department_id != second.department_id else 75,
        )

    def test_only_the_supervision_group_runs_spot_checks(self):
        for role in ("resolver", "agent", "reporter"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.env["itsm.supervision.round"].with_user(self.users[role]).create(
                    {
                        "name": "x",
                        "date_from": date(2026, 10, 1),
                        "date_to": date(2026, 10, 31),
                    }
                )
        spot_check = self.new_round()
        spot_check.action_draw_sample()
        # The desk reads the results, changes none.
        checks = spot_check.check_ids.with_user(self.users["agent"])
        self.assertEqual(len(checks.read(["score"])), 4)
        with self.assertRaises(AccessError):
            checks.line_ids.write({"result": "pass"})
