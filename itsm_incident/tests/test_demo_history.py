# The generation's size and time are printed, not asserted.
# pylint: disable=print-used
import contextlib
import hashlib
import time
from datetime import datetime

from freezegun import freeze_time

from odoo.tests.common import TransactionCase

ANCHOR = datetime(2026, 11, 24)
# Small enough to run in a few seconds; the demo database gets 900.
SIZE = 120
MONTHS = 2


class _Rollback(Exception):
    pass


@freeze_time(datetime(2026, 11, 24, 2, 30))
class TestDemoHistory(TransactionCase):
    """The demo history (issue 12 point 13) on the test database, which has
    no demo data: the generator brings the organisation it needs."""

    def _generate(self):
        # The test database may hold the demo's own history: the tickets
        # of this one come after.
        self.env.cr.execute("SELECT COALESCE(max(id), 0) FROM helpdesk_ticket")
        self.first_id = self.env.cr.fetchone()[0] + 1
        History = self.env["itsm.demo.history"]
        # The clock is frozen: the time the process spent instead.
        started = time.process_time()
        summary = History._itsm_generate_demo_history(
            anchor=ANCHOR, months=MONTHS, size=SIZE, again=True
        )
        print(
            f"demo history, {SIZE} tickets over {MONTHS} months: {summary}, "
            f"{time.process_time() - started:.1f} s of CPU"
        )
        return summary

    def _tickets(self):
        return self.env["helpdesk.ticket"].search(
            [("is_itsm", "=", True), ("id", ">=", self.first_id)],
            order="create_date, id",
        )

    def _digest(self):
        rows = [
            (
                ticket.name,
                str(ticket.create_date),
                str(ticket.closed_date),
                ticket.itsm_priority,
                ticket.stage_id.name,
                ticket.user_id.login,
                ticket.partner_id.name or "",
                ticket.response_met,
                ticket.resolution_met,
                ticket.is_recurrence,
                ticket.rating_last_value,
            )
            for ticket in self._tickets()
        ]
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    def _generate_and_roll_back(self):
        digest = None
        with contextlib.suppress(_Rollback), self.env.cr.savepoint():
            self._generate()
            digest = self._digest()
            raise _Rollback()
        # The marker parameter is cached; the savepoint is gone.
        self.env.registry.clear_cache()
        self.env.invalidate_all()
        return digest

    def test_deterministic(self):
        """The same anchor and seed give the same history."""
        first = self._generate_and_roll_back()
        second = self._generate_and_roll_back()
        self.assertTrue(first)
        self.assertEqual(first, second)

    def test_history_shows_the_product(self):
        summary = self._generate()
        self.assertFalse(
            self.env["itsm.demo.history"]._itsm_generate_demo_history(),
            "generated once, unless asked again",
        )
        tickets = self._tickets()
        self.assertGreaterEqual(len(tickets), SIZE)
        self.assertEqual(summary["tickets"], len(tickets))
        # Every ticket is screened and has its priority from the matrix.
        self.assertFalse(tickets.filtered(lambda t: not t.itsm_priority))
        self.assertFalse(tickets.filtered(lambda t: t.screening_state == "to_screen"))
        self.assertEqual(set(tickets.mapped("itsm_priority")) - {"1"}, {"2", "3", "4"})
        self.assertEqual(
            set(tickets.mapped("declaration_type")) - {"security_incident"},
            {"incident", "service_request", "complaint"},
        )
        self.assertTrue(tickets.filtered("event_source_id"), "monitoring alerts")
        # Most are closed, through the closed loop: nothing the gate asks
        # for is missing; a handful are open in various stages.
        closed = tickets.filtered(lambda t: t.stage_id.closed)
        done = closed.filtered("stage_id.itsm_closed_loop")
        self.assertGreater(len(done), len(tickets) * 0.8)
        for ticket in done:
            # History: the reporters confirmed (or stayed silent) long ago.
            self.assertFalse(
                ticket.with_context(
                    itsm_closing_stage_id=ticket.stage_id.id, itsm_history=True
                )._itsm_closure_blockers(),
                ticket.name,
            )
            self.assertTrue(ticket.resolved_date, ticket.name)
            self.assertTrue(
                ticket.reporter_confirmed_date or ticket.auto_closed, ticket.name
            )
            self.assertTrue(ticket.resolution_lessons, "the summary")
            self.assertLessEqual(ticket.create_date, ticket.acknowledged_date)
            self.assertLess(ticket.acknowledged_date, ticket.closed_date)
            self.assertTrue(ticket.resolution_done_date)
        open_tickets = tickets - closed
        self.assertTrue(5 <= len(open_tickets) <= 30, len(open_tickets))
        self.assertGreater(len(open_tickets.stage_id), 1)
        self.assertTrue(done.filtered(lambda t: not t.resolution_met), "breaches")
        self.assertTrue(tickets.filtered("is_recurrence"))
        self.assertTrue(tickets.filtered("problem_id"))
        self.assertTrue(tickets.filtered("knowledge_article_ids"))
        ratings = done.rating_ids.filtered("consumed")
        self.assertTrue(ratings.filtered(lambda r: r.rating <= 1), "dissatisfied")
        self.assertTrue(ratings.filtered(lambda r: r.rating >= 5))
        # Majors closed with their approved review and improvement actions.
        for major in done.filtered("is_major"):
            self.assertEqual(major.review_state, "approved")
            self.assertTrue(major.improvement_action_ids)
        # Supervision: a spot check of the past month, scored.
        spot_checks = self.env["itsm.supervision.round"].search(
            [("date_from", ">=", "2026-09-01")]
        )
        self.assertTrue(spot_checks)
        self.assertTrue(all(r.state == "done" and r.score > 0 for r in spot_checks))

        # The dashboard's tiles and the monthly report show figures.
        data = self.env["itsm.kpi.dashboard"].get_dashboard_data()
        self.assertGreater(data["open_count"], 0)
        self.assertGreater(data["month"]["count"], 0)
        self.assertGreater(data["month"]["on_time_rate"], 0)
        self.assertTrue(data["top_categories"])
        # The months of this history (the demo's few tickets, if any, are
        # of the month the database was made).
        months = ("2026-09", "2026-10", "2026-11")
        trend = [point for point in data["trend"] if point["month"] in months]
        self.assertEqual(len(trend), 3)
        self.assertTrue(all(point["rate"] > 0 for point in trend))
        reports = self.env["itsm.kpi.monthly.report"].search(
            [("date_from", "in", ["2026-09-01", "2026-10-01"])]
        )
        self.assertEqual(len(reports), MONTHS)
        figures = reports[0]._itsm_figures()
        total = figures["total"]
        self.assertGreater(total["count"], 0)
        for measure in ("on_time_rate", "sla_rate", "satisfaction", "resolution_hours"):
            self.assertGreater(total[measure], 0, measure)
        self.assertGreater(len(figures["departments"]), 1)
        kpi = self.env["itsm.kpi.report"]._read_group(
            [("ticket_id", "in", tickets.ids)],
            [],
            ["__count", "satisfaction:avg", "recurrence_rate:avg"],
        )[0]
        self.assertEqual(kpi[0], len(tickets))
        self.assertGreater(kpi[1], 1)
        self.assertGreater(kpi[2], 0)
