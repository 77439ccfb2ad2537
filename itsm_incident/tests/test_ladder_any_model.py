from datetime import datetime, timedelta

from freezegun import freeze_time
from odoo_test_helper import FakeModelLoader

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user
from odoo.tools import SQL

from .common import ItsmCase, utc

START = datetime(2026, 11, 23, 1, 0)  # Monday 9:00 in Shanghai, in UTC


class TestLadderOnAnyModel(ItsmCase):
    """The tracked deadlines (DESIGN §2) and the escalation ladder (§3) on a
    model of their own, as the change, request and billing addons use them:
    the model declares a deadline kind, gives its targets, names who is
    responsible, and ships rules; nothing in itsm_incident changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .ladder_tester import ItsmDeadline, ItsmLadderTester

        cls.loader.update_registry((ItsmDeadline, ItsmLadderTester))
        cls.Tester = cls.env["itsm.ladder.tester"]
        cls.Rule = cls.env["itsm.escalation.rule"]
        cls.Log = cls.env["itsm.escalation.log"]
        # Only the rungs under test.
        cls.Rule.search([]).active = False
        cls.tester_model = cls.env["ir.model"]._get("itsm.ladder.tester")
        # Employees read the tester's records, as a model's access rights
        # would let them: the ladder tells only those who may read a record.
        cls.env["ir.model.access"].create(
            {
                "name": "access_itsm_ladder_tester_user",
                "model_id": cls.tester_model.id,
                "group_id": cls.env.ref("base.group_user").id,
                "perm_read": True,
            }
        )
        # The owner of the tester's records reports to the department head.
        cls.owner = new_test_user(
            cls.env, login="tester_owner", groups="base.group_user"
        )
        cls.env["hr.employee"].create(
            {
                "name": "Owner",
                "user_id": cls.owner.id,
                "department_id": cls.it.id,
                "parent_id": cls.employees["department_head"].id,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tester customer", "email": "customer@example.com"}
        )
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Tester notice",
                "model_id": cls.tester_model.id,
                "subject": "Tester notice: {{ object.name }}",
                "body_html": "<p>Rung: <t t-out='itsm_escalation_rule'/></p>",
            }
        )

    @classmethod
    def tearDownClass(cls):
        cls.loader.restore_registry()
        super().tearDownClass()

    def make(self, name="Reply to Zhang", **vals):
        with freeze_time(START):
            return self.Tester.create(
                {"name": name, "user_id": self.owner.id, "partner_id": self.customer.id}
                | vals
            )

    def rule(self, **vals):
        return self.Rule.create(
            {
                "name": "Tester rung",
                "model_id": self.tester_model.id,
                "threshold_minutes": 0,
                "recipient_type": "handler",
                "mail_template_id": self.template.id,
            }
            | vals
        )

    def sweep(self, at):
        with freeze_time(at):
            return self.env["itsm.deadline"]._cron_sweep()

    def clock(self, record):
        return self.env["itsm.deadline"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)]
        )

    def notices(self, record):
        return self.env["mail.mail"].search(
            [("model", "=", "itsm.ladder.tester"), ("res_id", "=", record.id)]
        )

    # ------------------------------------------------------------------
    # Tracked deadlines
    # ------------------------------------------------------------------

    def test_a_declared_kind_with_its_label(self):
        record = self.make()
        clock = self.clock(record)
        self.assertEqual(clock.kind, "tester_reply")
        self.assertEqual(clock.name, "Reply to the tester")
        self.assertEqual(clock.deadline, START + timedelta(hours=1))
        self.assertEqual(clock.warn_at, START + timedelta(minutes=45))
        self.assertEqual(clock.explanation, "the tester")
        # A kind nobody declared is refused, and nothing is created.
        count = self.env["itsm.deadline"].search_count([])
        with self.assertRaises(ValueError):
            self.env["itsm.deadline"]._start(
                record, "tester_typo", 60, self.env.ref("itsm_incident.calendar_24x7")
            )
        self.assertEqual(self.env["itsm.deadline"].search_count([]), count)

    def test_pause_resume_retarget_and_met(self):
        record = self.make()
        clock = self.clock(record)
        with freeze_time(START + timedelta(minutes=20)):
            record.state = "waiting"
        self.assertEqual(clock.status, "paused")
        self.assertEqual(clock.consumed_minutes, 20)
        with freeze_time(START + timedelta(hours=3)):
            record.state = "new"
        # 40 minutes left from 12:00 Shanghai (4:00 UTC).
        self.assertEqual(clock.deadline, START + timedelta(hours=3, minutes=40))
        with freeze_time(START + timedelta(hours=3, minutes=10)):
            record.reply_hours = 2
        # The 20 minutes used still count: 100 left from the resumption.
        self.assertEqual(clock.deadline, START + timedelta(hours=4, minutes=40))
        with freeze_time(START + timedelta(hours=4)):
            record.state = "done"
        self.assertEqual(clock.state, "done")
        self.assertEqual(record._itsm_deadline_met("tester_reply"), {record.id: True})
        self.assertEqual(clock.status, "met")

    # ------------------------------------------------------------------
    # The ladder
    # ------------------------------------------------------------------

    def test_rules_on_two_models_at_once(self):
        """A breach rule on the tester and one on tickets: one sweep fires
        each on its own records, once, with the notice of its own model."""
        tester_rule = self.rule(trigger="sla_breached", deadline_kind="tester_reply")
        supervisor_rule = self.rule(
            name="Tester rung for the supervisor",
            trigger="sla_breached",
            deadline_kind="any",
            recipient_type="supervisor",
            schedule_activity=True,
        )
        ticket_rule = self.Rule.create(
            {
                "name": "Ticket breach",
                "trigger": "sla_breached",
                "threshold_minutes": 0,
                "recipient_type": "users",
                "user_ids": [(6, 0, self.users["manager"].ids)],
            }
        )
        self.assertEqual(ticket_rule.model_name, "helpdesk.ticket")
        record = self.make()
        late = self.make("Late reply", reply_hours=10)
        # A ticket of an ITSM team with a 30-minute clock of its own.
        ticket = self.ticket_reporter
        self.assertTrue(ticket.is_itsm)
        self.env["itsm.deadline"]._start(
            ticket,
            "resolution",
            30,
            self.env.ref("itsm_incident.calendar_24x7"),
            start=START,
        )
        self.sweep(START + timedelta(minutes=61))
        self.sweep(START + timedelta(minutes=90))  # nothing fires twice
        logs = self.Log.search([("rule_id", "in", (tester_rule | supervisor_rule).ids)])
        self.assertEqual(
            {(log.rule_id, log.res_model, log.res_id) for log in logs},
            {
                (tester_rule, "itsm.ladder.tester", record.id),
                (supervisor_rule, "itsm.ladder.tester", record.id),
            },
        )
        self.assertFalse(logs.ticket_id)
        notices = self.notices(record)
        self.assertEqual(len(notices), 2)
        self.assertEqual(
            notices.recipient_ids,
            self.owner.partner_id | self.users["department_head"].partner_id,
        )
        self.assertIn("Tester rung", notices[0].body_html)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "itsm.ladder.tester"), ("res_id", "=", record.id)]
        )
        self.assertEqual(activity.user_id, self.users["department_head"])
        self.assertFalse(self.notices(late), "not yet due")
        # The ticket's rule ran in the same sweep on tickets only.
        ticket_logs = self.Log.search([("rule_id", "=", ticket_rule.id)])
        self.assertEqual(set(ticket_logs.mapped("res_model")), {"helpdesk.ticket"})
        self.assertEqual(ticket_logs.ticket_id, ticket)
        # The record's chatter says which rung fired and who was told.
        self.assertIn("Tester rung", " ".join(record.message_ids.mapped("body")))

    def test_a_state_that_lasts(self):
        """ "In a state for": a date of the record and conditions on the
        record (Odoo's domain), like base.automation's time triggers."""
        rule = self.rule(
            trigger="state_duration",
            threshold_minutes=30,
            date_field_id=self.env["ir.model.fields"]
            ._get("itsm.ladder.tester", "state_date")
            .id,
            filter_domain="[('state', '=', 'waiting')]",
        )
        waiting = self.make("Waiting")
        # The record says when it entered its state (the date the rule reads).
        with freeze_time(START + timedelta(minutes=5)):
            waiting.write(
                {"state": "waiting", "state_date": START + timedelta(minutes=5)}
            )
        self.make("Still new")
        self.sweep(START + timedelta(minutes=34))
        self.assertFalse(self.Log.search([("rule_id", "=", rule.id)]))
        self.sweep(START + timedelta(minutes=36))
        self.sweep(START + timedelta(minutes=50))
        logs = self.Log.search([("rule_id", "=", rule.id)])
        self.assertEqual(logs.mapped("res_id"), waiting.ids)
        self.assertEqual(len(self.notices(waiting)), 1)

    def test_customers_and_a_creation_wake_up(self):
        rule = self.rule(
            trigger="sla_warning",
            deadline_kind="tester_reply",
            recipient_type="customer",
        )
        record = self.make()
        self.sweep(START + timedelta(minutes=46))
        self.assertEqual(self.notices(record).recipient_ids, self.customer)
        self.assertEqual(self.Log.search([("rule_id", "=", rule.id)]).res_id, record.id)

    def test_a_record_gone_under_a_running_deadline(self):
        rule = self.rule(trigger="sla_breached", deadline_kind="any")
        kept, deleted, gone = self.make("Kept"), self.make("Deleted"), self.make("Gone")
        gone_id = gone.id
        # Deleted through the ORM: its clocks and log go with it.
        deleted_id = deleted.id
        deleted.unlink()
        self.assertFalse(
            self.env["itsm.deadline"]
            .search([("res_id", "=", deleted_id)])
            .filtered(lambda d: d.res_model == "itsm.ladder.tester")
        )
        # Deleted in SQL, behind the ORM's back: the sweep skips it, logs
        # it and goes on.
        self.env.flush_all()
        self.env.cr.execute(
            SQL("DELETE FROM itsm_ladder_tester WHERE id = %s", gone_id)
        )
        self.env.invalidate_all()
        with self.assertLogs("odoo.addons.itsm_incident.models.itsm_deadline") as log:
            self.sweep(START + timedelta(minutes=61))
        self.assertIn(str(gone_id), "\n".join(log.output))
        self.assertEqual(self.Log.search([("rule_id", "=", rule.id)]).res_id, kept.id)

    def test_a_burst_is_one_digest_per_recipient(self):
        """Seven records breach at once: the manager, told of each by one
        rung, gets one digest (the setting: above 5) listing them, by mail
        and by text, instead of seven notices; so does their one customer
        from a second rung. Each record's chatter still says it fired."""
        manager = self.users["manager"]
        manager.partner_id.write({"mobile": "+86 138 0000 0002", "lang": "en_US"})
        rule = self.rule(
            trigger="sla_breached",
            deadline_kind="tester_reply",
            recipient_type="users",
            user_ids=[(6, 0, manager.ids)],
            schedule_activity=True,
            sms_template_id=self.env["sms.template"]
            .create(
                {
                    "name": "Tester text",
                    "model_id": self.tester_model.id,
                    "body": "Late: {{ object.name }}",
                }
            )
            .id,
        )
        customers = self.rule(
            name="Each customer",
            trigger="sla_breached",
            deadline_kind="tester_reply",
            recipient_type="customer",
        )
        records = self.Tester
        for number in range(7):
            records |= self.make(f"Reply {number}")
        self.sweep(START + timedelta(minutes=61))
        digests = self.env["mail.mail"].search(
            [("recipient_ids", "in", manager.partner_id.ids)]
        )
        self.assertEqual(len(digests), 1)
        self.assertEqual(digests.subject, "Tester rung: 7 ITSM Ladder Tester records")
        for record in records:
            self.assertIn(record.name, digests.body_html)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "itsm.ladder.tester"), ("user_id", "=", manager.id)]
        )
        self.assertEqual(len(activities), 1, "one activity for the burst")
        self.assertIn("7 records", activities.summary)
        texts = self.env["sms.sms"].search([("partner_id", "=", manager.partner_id.id)])
        self.assertEqual(len(texts), 1)
        self.assertIn("7 ITSM Ladder Tester records", texts.body)
        # The customer is one partner for all seven: a digest too.
        customer_mails = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.customer.ids)]
        )
        self.assertEqual(len(customer_mails), 1)
        self.assertEqual(
            len(self.Log.search([("rule_id", "in", (rule | customers).ids)])), 14
        )
        self.assertIn("Tester rung", " ".join(records[0].message_ids.mapped("body")))

    def test_no_digest_below_the_setting(self):
        self.env["ir.config_parameter"].set_param(
            "itsm_incident.escalation_digest_from", 0
        )
        self.rule(trigger="sla_breached", deadline_kind="tester_reply")
        records = self.Tester
        for number in range(7):
            records |= self.make(f"Reply {number}")
        self.sweep(START + timedelta(minutes=61))
        mails = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.owner.partner_id.ids)]
        )
        self.assertEqual(sorted(mails.mapped("res_id")), sorted(records.ids))

    def test_bad_rules_are_refused_and_change_nothing(self):
        count = self.Rule.with_context(active_test=False).search_count([])
        cases = [
            # A ticket trigger on another model.
            ({"trigger": "unacknowledged"}, "does not apply"),
            # "In a state for" without its date.
            ({"trigger": "state_duration"}, "choose the date"),
            # Conditions that are not the model's.
            (
                {"trigger": "sla_breached", "filter_domain": "[('nope', '=', 1)]"},
                "conditions are not valid",
            ),
            (
                {"trigger": "sla_breached", "filter_domain": "[('state', '=='"},
                "conditions are not valid",
            ),
            # A model that is not on the ladder.
            (
                {
                    "trigger": "sla_breached",
                    "model_id": self.env["ir.model"]._get_id("res.partner"),
                },
                "not on the escalation ladder",
            ),
        ]
        for vals, message in cases:
            with (
                self.subTest(message=message),
                self.assertRaises(ValidationError) as refused,
            ):
                self.rule(**vals)
            self.assertIn(message, str(refused.exception))
        self.assertEqual(
            self.Rule.with_context(active_test=False).search_count([]), count
        )
        self.assertIn("itsm.ladder.tester", self.Rule._itsm_ladder_models())
        self.assertIn("helpdesk.ticket", self.Rule._itsm_ladder_models())
        self.assertIn("itsm.improvement.action", self.Rule._itsm_ladder_models())


class TestImprovementActionsOnTheLadder(ItsmCase):
    """An improvement action's deadline (INC-13) is a tracked deadline: the
    seeded rungs remind the owner at three quarters of the time and tell
    their supervisor when it passes (DESIGN §3)."""

    def test_owner_reminded_then_supervisor_told(self):
        owner = self.users["resolver"]
        owner.tz = "Asia/Shanghai"
        self.env["hr.employee"].create(
            {
                "name": "Resolver",
                "user_id": owner.id,
                "parent_id": self.employees["department_head"].id,
            }
        )
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            action = self.env["itsm.improvement.action"].create(
                {
                    "name": "Add a disk alarm",
                    "user_id": owner.id,
                    "date_deadline": "2026-11-26",
                }
            )
        clock = self.env["itsm.deadline"].search(
            [("res_model", "=", action._name), ("res_id", "=", action.id)]
        )
        self.assertEqual(clock.kind, "action_due")
        # Due at the end of 26 November in Shanghai.
        self.assertEqual(clock.deadline, utc(2026, 11, 27, 0, 0))

        def notices():
            return self.env["mail.mail"].search(
                [("model", "=", "itsm.improvement.action"), ("res_id", "=", action.id)]
            )

        # Three quarters of the 87 hours: 26 November, 2:15.
        with freeze_time(utc(2026, 11, 26, 2, 10)):
            self.env["itsm.deadline"]._cron_sweep()
        self.assertFalse(notices())
        with freeze_time(utc(2026, 11, 26, 2, 20)):
            self.env["itsm.deadline"]._cron_sweep()
        self.assertEqual(notices().recipient_ids, owner.partner_id)
        with freeze_time(utc(2026, 11, 27, 0, 5)):
            self.env["itsm.deadline"]._cron_sweep()
        self.assertEqual(
            notices().recipient_ids,
            owner.partner_id | self.users["department_head"].partner_id,
        )
        # A new deadline: the clock follows; done stops it.
        with freeze_time(utc(2026, 11, 27, 9, 0)):
            action.date_deadline = "2026-11-30"
            self.assertEqual(clock.deadline, utc(2026, 12, 1, 0, 0))
            action.with_user(owner).action_done()
        self.assertEqual(clock.state, "done")
        self.assertTrue(clock.met)
