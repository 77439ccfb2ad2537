import threading
from datetime import timedelta

from odoo import SUPERUSER_ID, api
from odoo.tests.common import TransactionCase, tagged


# After the installation (the tag is inherited): these tests commit on
# connections of their own, and the notices they count are only marked once
# the registry is ready.
@tagged("post_install", "-at_install")
class RealTransactionsCase(TransactionCase):
    """Work in real transactions on their own database connections."""

    def environment(self, cr):
        """A superuser environment on ``cr``, a cursor of its own. Odoo's
        runner holds the registries' lock while it runs the tests, so a
        worker thread must not look the registry up by its name: the
        transaction is given the test's registry, and mails are queued
        rather than sent after the commit (from a registry looked up)."""
        cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {"mail_notify_force_send": False})

    def committed(self, work):
        """Run ``work`` in its own transaction on its own connection and
        commit it, so that the other connections see it."""
        with self.registry.cursor() as cr:
            result = work(self.environment(cr))
            cr.commit()  # pylint: disable=invalid-commit
            return result

    def race(self, work, workers=2):
        """Run ``work(env)`` in ``workers`` transactions started at the same
        moment and committed; their results, once no worker failed."""
        barrier = threading.Barrier(workers)
        results, errors = [], []

        def worker():
            try:
                with self.registry.cursor() as cr:
                    env = self.environment(cr)
                    barrier.wait(timeout=30)
                    results.append(work(env))
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        threads = [threading.Thread(target=worker) for _i in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertFalse(errors)
        return results

    def remove_committed_ticket(self, env, ticket_id, *records):
        """Clean up a committed ticket with its mails and clocks, then
        ``records``, (model, id) pairs, in their order (dependants first)."""
        ticket = env["helpdesk.ticket"].browse(ticket_id)
        env["mail.mail"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        ).unlink()
        env["itsm.deadline"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        ).unlink()
        ticket.unlink()
        for model, record_id in records:
            env[model].browse(record_id).unlink()


class TestConcurrentSweeps(RealTransactionsCase):
    """Two workers sweeping at the same moment, in two real transactions on
    two database connections: each rung fires once (INC-9, DESIGN §3)."""

    def setUp(self):
        super().setUp()

        def prepare(env):
            team = env["helpdesk.ticket.team"].create(
                {"name": "Concurrency team", "is_itsm": True}
            )
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

        self.addCleanup(
            self.committed,
            lambda env: self.remove_committed_ticket(
                env,
                self.ticket_id,
                ("itsm.escalation.rule", self.rule_id),
                ("helpdesk.ticket.team", self.team_id),
            ),
        )

    def test_two_sweeps_at_once_fire_the_rung_once(self):
        def sweep(env):
            rule = env["itsm.escalation.rule"].browse(self.rule_id)
            return rule._run_due(now=self.created + timedelta(minutes=6))

        fired = self.race(sweep)
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


class TestConcurrentAssigneeNotices(RealTransactionsCase):
    """Two cron workers sending the pending assignee notices at the same
    moment, in two real transactions: the assignee is told once (INC-7)."""

    def setUp(self):
        super().setUp()

        def prepare(env):
            team = env["helpdesk.ticket.team"].create(
                {
                    "name": "Notice race team",
                    "is_itsm": True,
                    "user_ids": [(6, 0, env.ref("base.user_admin").ids)],
                }
            )
            ticket = env["helpdesk.ticket"].create(
                {"name": "Notice race", "description": "x", "team_id": team.id}
            )
            return team.id, ticket.id

        self.team_id, self.ticket_id = self.committed(prepare)

        self.addCleanup(
            self.committed,
            lambda env: self.remove_committed_ticket(
                env, self.ticket_id, ("helpdesk.ticket.team", self.team_id)
            ),
        )

    def test_two_workers_send_the_notice_once(self):
        # The notices step of the follow-up cron: the database may hold other
        # tickets' pending follow-ups.
        sent = self.race(
            lambda env: env["helpdesk.ticket"]._itsm_send_assignee_notices(1000)[0]
        )
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
