import threading
from datetime import timedelta

from odoo import SUPERUSER_ID, api
from odoo.tests.common import TransactionCase


class TestConcurrentSweeps(TransactionCase):
    """Two workers sweeping at the same moment, in two real transactions on
    two database connections: each rung fires once (INC-9, DESIGN §3)."""

    def committed(self, work):
        """Run ``work`` in its own transaction on its own connection and
        commit it, so that the other connections see it."""
        with self.registry.cursor() as cr:
            result = work(api.Environment(cr, SUPERUSER_ID, {}))
            cr.commit()  # pylint: disable=invalid-commit
            return result

    def setUp(self):
        super().setUp()

        def prepare(env):
            team = env["helpdesk.ticket.team"].create({"name": "Concurrency team"})
            rule = env["itsm.escalation.rule"].create(
                {
                    "name": "Concurrency rung",
                    "trigger": "unacknowledged",
                    "threshold_minutes": 5,
                    "team_ids": [(6, 0, team.ids)],
                    "recipient_type": "users",
                    "user_ids": [(6, 0, env.ref("base.user_admin").ids)],
                    "mail_template_id": env.ref(
                        "itsm_incident.mail_template_escalation"
                    ).id,
                }
            )
            ticket = env["helpdesk.ticket"].create(
                {"name": "Race", "description": "x", "team_id": team.id}
            )
            return team.id, rule.id, ticket.id, ticket.create_date

        self.team_id, self.rule_id, self.ticket_id, self.created = self.committed(
            prepare
        )

        def cleanup(env):
            ticket = env["helpdesk.ticket"].browse(self.ticket_id)
            env["mail.mail"].search(
                [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
            ).unlink()
            env["itsm.deadline"].search(
                [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
            ).unlink()
            ticket.unlink()
            env["itsm.escalation.rule"].browse(self.rule_id).unlink()
            env["helpdesk.ticket.team"].browse(self.team_id).unlink()

        self.addCleanup(self.committed, cleanup)

    def test_two_sweeps_at_once_fire_the_rung_once(self):
        barrier = threading.Barrier(2)
        fired = []
        errors = []

        def sweep():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    rule = env["itsm.escalation.rule"].browse(self.rule_id)
                    barrier.wait(timeout=30)
                    fired.append(rule._run_due(now=self.created + timedelta(minutes=6)))
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        workers = [threading.Thread(target=sweep) for _i in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        self.assertFalse(errors)
        self.assertEqual(
            sorted(fired), [0, 1], "one worker fires, the other finds it done"
        )

        def count(env):
            logs = env["itsm.escalation.log"].search_count(
                [("ticket_id", "=", self.ticket_id), ("rule_id", "=", self.rule_id)]
            )
            mails = env["mail.mail"].search_count(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "=", self.ticket_id),
                    ("subject", "ilike", "Escalation"),
                ]
            )
            return logs, mails

        self.assertEqual(self.committed(count), (1, 1))


class TestConcurrentAssigneeNotices(TransactionCase):
    """Two cron workers sending the pending assignee notices at the same
    moment, in two real transactions: the assignee is told once (INC-7)."""

    committed = TestConcurrentSweeps.committed

    def setUp(self):
        super().setUp()

        def prepare(env):
            team = env["helpdesk.ticket.team"].create(
                {
                    "name": "Notice race team",
                    "user_ids": [(6, 0, env.ref("base.user_admin").ids)],
                }
            )
            ticket = env["helpdesk.ticket"].create(
                {"name": "Notice race", "description": "x", "team_id": team.id}
            )
            return team.id, ticket.id

        self.team_id, self.ticket_id = self.committed(prepare)

        def cleanup(env):
            ticket = env["helpdesk.ticket"].browse(self.ticket_id)
            env["mail.mail"].search(
                [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
            ).unlink()
            env["itsm.deadline"].search(
                [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
            ).unlink()
            ticket.unlink()
            env["helpdesk.ticket.team"].browse(self.team_id).unlink()

        self.addCleanup(self.committed, cleanup)

    def test_two_workers_send_the_notice_once(self):
        barrier = threading.Barrier(2)
        sent = []
        errors = []

        def send():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    barrier.wait(timeout=30)
                    sent.append(env["helpdesk.ticket"]._cron_send_assignee_notices())
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        workers = [threading.Thread(target=send) for _i in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        self.assertFalse(errors)
        self.assertEqual(len(sent), 2)
        self.assertIn(0, sent, "one worker claims it, the other finds none")

        def count(env):
            return env["mail.message"].search_count(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "=", self.ticket_id),
                    ("message_type", "=", "user_notification"),
                ]
            )

        self.assertEqual(self.committed(count), 1)
