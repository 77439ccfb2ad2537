import hashlib
import json
from datetime import datetime

from werkzeug.test import EnvironBuilder

from odoo.exceptions import AccessError
from odoo.http import HTTPRequest
from odoo.tests import HttpCase, tagged

from odoo.addons.itsm_incident.controllers.itsm_events import read_json

from .common import ItsmCase, close_the_loop, follow_up

ALERTMANAGER = "/itsm/events/alertmanager"
EVENTS = "/itsm/events"


def alert(fingerprint, status="firing", severity="critical", summary=None, **labels):
    """One alert as Alertmanager sends it in a version 4 webhook."""
    return {
        "status": status,
        "labels": {
            "alertname": "DiskFull",
            "severity": severity,
            "instance": "db1:9100",
            "job": "node",
            **labels,
        },
        "annotations": {
            "summary": summary or f"Disk almost full ({fingerprint})",
            "description": "Less than 5% free on /var.\nCleanup needed.",
        },
        "startsAt": "2026-11-21T08:00:00.123456789Z",
        "endsAt": (
            "0001-01-01T00:00:00Z" if status == "firing" else "2026-11-21T08:30:00Z"
        ),
        "generatorURL": "http://prometheus:9090/graph?g0.expr=disk&g0.tab=1",
        "fingerprint": fingerprint,
    }


def webhook(*alerts):
    return {
        "version": "4",
        "groupKey": '{}:{alertname="DiskFull"}',
        "truncatedAlerts": 0,
        "status": alerts[0]["status"] if alerts else "firing",
        "receiver": "itsm",
        "groupLabels": {"alertname": "DiskFull"},
        "commonLabels": {"alertname": "DiskFull"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": list(alerts),
    }


def event(fingerprint="web1-http", status="firing", **values):
    return {
        "source": "zabbix",
        "fingerprint": fingerprint,
        "status": status,
        "severity": "warning",
        "summary": "Web shop does not answer",
        "description": "HTTP check failed 3 times.",
        "service": "Shop",
        "labels": {"host": "web1", "check": "http"},
        **values,
    }


@tagged("post_install", "-at_install")
class TestMonitoringEvents(HttpCase, ItsmCase):
    """Monitoring tools post alerts over HTTP; the desk finds incidents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["itsm.event.source"].create(
            {
                "name": "Prometheus production",
                "team_id": cls.network_team.id,
                "max_new_incidents": 5,
                "flood_window_minutes": 10,
            }
        )
        cls.token = cls.source._itsm_new_token()
        cls.closed_stage = cls.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )

    def post(self, path, payload=None, token=True, raw=None, content_type=None):
        headers = {"Content-Type": content_type or "application/json"}
        if token:
            headers["Authorization"] = (
                f"Bearer {self.token if token is True else token}"
            )
        data = raw if raw is not None else json.dumps(payload)
        self.env.flush_all()
        response = self.url_open(path, data=data, headers=headers)
        self.env.invalidate_all()
        return response

    def incidents(self):
        return (
            self.env["helpdesk.ticket"]
            .with_context(active_test=False)
            .search([("event_source_id", "=", self.source.id)], order="id")
        )

    def all_ticket_count(self):
        return (
            self.env["helpdesk.ticket"].with_context(active_test=False).search_count([])
        )

    def log(self, ticket):
        """The chatter of a ticket, as one text."""
        return "\n".join(ticket.message_ids.mapped("body"))

    def assert_refused(self, response, status, message_part):
        self.assertEqual(response.status_code, status, response.text)
        self.assertIn(message_part, response.json()["error"])

    # ------------------------------------------------------------------
    # Creating incidents
    # ------------------------------------------------------------------

    def test_alertmanager_webhook_opens_incidents(self):
        response = self.post(
            ALERTMANAGER, webhook(alert("fp-db1"), alert("fp-db2", severity="warning"))
        )
        self.assertEqual(response.status_code, 200, response.text)
        summary = response.json()
        self.assertEqual((summary["created"], summary["repeated"]), (2, 0))
        critical, warning = incidents = self.incidents()
        self.assertEqual(
            [e["ticket"] for e in summary["events"]], incidents.mapped("number")
        )
        self.assertEqual(critical.name, "Disk almost full (fp-db1)")
        self.assertEqual(critical.declaration_type, "incident")
        self.assertEqual(
            critical.channel_id,
            self.env.ref("itsm_incident.helpdesk_ticket_channel_monitoring"),
        )
        self.assertEqual(critical.team_id, self.network_team)
        self.assertEqual((critical.impact, critical.urgency), ("severe", "high"))
        self.assertEqual(critical.itsm_priority, "1")
        self.assertEqual((warning.impact, warning.urgency), ("moderate", "medium"))
        self.assertEqual(warning.itsm_priority, "3")
        self.assertEqual(
            critical.occurrence_date, datetime(2026, 11, 21, 8, 0, 0, 123456)
        )
        self.assertEqual(critical.event_count, 1)
        self.assertFalse(critical.event_recovered)
        self.assertIn(
            "Less than 5% free on /var.<br>Cleanup needed.", critical.description
        )
        self.assertIn("db1:9100", critical.description)
        self.assertIn(
            'href="http://prometheus:9090/graph?g0.expr=disk&amp;g0.tab=1"',
            critical.description,
        )
        self.assertEqual(self.source.events_received, 2)
        self.assertEqual(self.source.incident_count, 2)

    def test_a_delivery_served_again_reads_its_body_again(self):
        """Two deliveries on one source at once: Odoo serves the second
        again after the serialization failure, on the same request, whose
        stream is spent by then. The alert is read again, not refused as an
        empty body (seen under load, tests/load)."""
        document = {"fingerprint": "db1-disk", "status": "firing"}
        httprequest = HTTPRequest(
            EnvironBuilder(method="POST", path=EVENTS, json=document).get_environ()
        )
        self.assertEqual(read_json(httprequest), document)
        self.assertEqual(read_json(httprequest), document)

    def test_generic_event_opens_an_incident_with_escaped_text(self):
        response = self.post(
            EVENTS,
            event(
                summary="Checkout <b>down</b> & <script>alert(1)</script>",
                labels={"host": "<img src=x onerror=alert(2)>", "port": 443},
            ),
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["created"], 1)
        incident = self.incidents()
        self.assertEqual(
            incident.name, "Shop: Checkout <b>down</b> & <script>alert(1)</script>"
        )
        self.assertEqual((incident.impact, incident.urgency), ("moderate", "medium"))
        description = incident.description
        self.assertIn(
            "Checkout &lt;b&gt;down&lt;/b&gt; &amp; &lt;script&gt;", description
        )
        self.assertIn("&lt;img src=x onerror=alert(2)&gt;", description)
        self.assertNotIn("<b>down", description)
        self.assertNotIn("<img", description)
        self.assertIn("zabbix", description)
        self.assertIn("443", description)

    def test_incidents_are_not_assigned_to_the_technical_user(self):
        self.env.company.helpdesk_mgmt_ticket_auto_assign = True
        self.source.team_id = False
        self.post(EVENTS, event())
        incident = self.incidents()
        self.assertTrue(incident)
        self.assertNotEqual(incident.user_id, self.source.user_id)
        self.assertEqual(incident.create_uid, self.source.user_id)

    def test_generic_events_in_a_list(self):
        response = self.post(EVENTS, [event("a"), event("b", severity="CRITICAL")])
        self.assertEqual(response.json()["created"], 2)
        self.assertEqual(self.incidents().mapped("impact"), ["moderate", "severe"])

    def test_unknown_severity_takes_the_default_levels(self):
        self.source.write({"default_impact": "minor", "default_urgency": "high"})
        self.post(EVENTS, event(severity="disaster"))
        incident = self.incidents()
        self.assertEqual((incident.impact, incident.urgency), ("minor", "high"))

    # ------------------------------------------------------------------
    # Repeats, recovery, recurrence
    # ------------------------------------------------------------------

    def test_repeat_counts_on_the_open_incident(self):
        self.post(EVENTS, event())
        incident = self.incidents()
        messages = len(incident.message_ids)
        for _repeat in range(3):
            response = self.post(EVENTS, event())
        self.assertEqual(response.json()["repeated"], 1)
        self.assertEqual(response.json()["events"][0]["ticket_id"], incident.id)
        self.assertEqual(self.incidents(), incident, "no duplicate incident")
        self.assertEqual(incident.event_count, 4)
        self.assertTrue(incident.event_last_seen)
        self.assertEqual(
            len(incident.message_ids), messages, "repeats do not flood the chatter"
        )
        self.assertEqual(self.source.events_received, 4)

    def test_same_fingerprint_from_another_source_is_another_incident(self):
        other = self.env["itsm.event.source"].create({"name": "Zabbix"})
        self.post(EVENTS, event())
        self.post(EVENTS, event(), token=other._itsm_new_token())
        self.assertEqual(len(self.incidents()), 1)
        self.assertEqual(self.incidents().event_count, 1)

    def test_resolved_marks_recovered_without_closing(self):
        self.post(ALERTMANAGER, webhook(alert("fp-db1")))
        incident = self.incidents()
        response = self.post(ALERTMANAGER, webhook(alert("fp-db1", status="resolved")))
        self.assertEqual(response.json()["recovered"], 1)
        self.assertTrue(incident.event_recovered)
        self.assertEqual(incident.event_recovered_date, datetime(2026, 11, 21, 8, 30))
        self.assertFalse(incident.stage_id.closed, "the desk verifies and closes")
        self.assertIn("reports it recovered", self.log(incident))
        # The alert fires again while the incident is still open.
        response = self.post(ALERTMANAGER, webhook(alert("fp-db1")))
        self.assertEqual(response.json()["reopened"], 1)
        self.assertEqual(self.incidents(), incident)
        self.assertFalse(incident.event_recovered)
        self.assertFalse(incident.event_recovered_date)
        self.assertEqual(incident.event_count, 2)

    def test_resolved_without_open_incident_creates_nothing(self):
        count = self.all_ticket_count()
        response = self.post(EVENTS, event(status="resolved"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["ignored"], 1)
        self.assertEqual(self.all_ticket_count(), count)

    def test_firing_after_closure_opens_a_new_incident(self):
        self.post(EVENTS, event())
        first = self.incidents()
        close_the_loop(first).stage_id = self.closed_stage
        response = self.post(EVENTS, event())
        self.assertEqual(response.json()["created"], 1)
        second = self.incidents() - first
        self.assertEqual(len(second), 1)
        self.assertEqual(second.event_fingerprint, first.event_fingerprint)
        self.assertEqual((first.event_count, second.event_count), (1, 1))
        self.assertTrue(first.stage_id.closed)
        self.assertFalse(second.stage_id.closed)

    def test_resolved_and_firing_in_one_request(self):
        response = self.post(
            ALERTMANAGER,
            webhook(alert("x"), alert("x", status="resolved"), alert("x")),
        )
        summary = response.json()
        self.assertEqual(
            [e["action"] for e in summary["events"]],
            ["created", "recovered", "reopened"],
        )
        incident = self.incidents()
        self.assertEqual(len(incident), 1)
        self.assertEqual(incident.event_count, 2)
        self.assertEqual(incident.event_reopen_count, 1)
        self.assertFalse(incident.event_recovered)

    def test_an_alert_firing_again_after_recovery_recurs(self):
        """Issue 12.8: the alert's repeat counter feeds the recurrence rule.
        Repeats while firing are one occurrence; each time the alert fires
        again after its recovery, the fault recurred, and at the threshold a
        problem is proposed, as for incidents reported by people."""
        self.source.category_id = self.env["helpdesk.ticket.category"].create(
            {"name": "Database"}
        )
        self.post(ALERTMANAGER, webhook(alert("fp-db1", severity="warning")))
        self.post(ALERTMANAGER, webhook(alert("fp-db1", severity="warning")))
        follow_up(self.env)
        incident = self.incidents()
        self.assertEqual((incident.event_count, incident.recurrence_count), (2, 1))
        for occurrence in (2, 3):
            self.post(ALERTMANAGER, webhook(alert("fp-db1", status="resolved")))
            response = self.post(
                ALERTMANAGER, webhook(alert("fp-db1", severity="warning"))
            )
            self.assertEqual(response.json()["reopened"], 1)
            self.assertTrue(incident.itsm_follow_up_pending)
            follow_up(self.env)
            self.assertEqual(incident.event_reopen_count, occurrence - 1)
            self.assertEqual(incident.recurrence_count, occurrence)
        self.assertEqual(self.incidents(), incident, "still one incident")
        self.assertIn("recurrence 2, alert sent 4 times", self.log(incident))
        self.assertEqual(incident.problem_proposal_ids.reason, "recurrence")
        self.assertFalse(
            incident.problem_proposal_ids.partner_id, "a monitored fault, no customer"
        )

    def test_the_same_alert_after_closure_is_a_recurrence(self):
        self.post(EVENTS, event())
        first = self.incidents()
        self.post(EVENTS, event(status="resolved"))
        self.post(EVENTS, event())
        close_the_loop(first).stage_id = self.closed_stage
        self.post(EVENTS, event())
        self.post(EVENTS, event(fingerprint="web2-http"))
        follow_up(self.env)
        second, other = self.incidents() - first
        self.assertEqual(first.recurrence_count, 2, "fired again once recovered")
        self.assertEqual(second.recurrence_count, 3, "the third occurrence")
        self.assertEqual(other.recurrence_count, 1, "another alert")

    # ------------------------------------------------------------------
    # Refused requests create nothing
    # ------------------------------------------------------------------

    def test_bad_token_is_refused(self):
        count = self.all_ticket_count()
        response = self.post(EVENTS, event(), token="not-the-token")
        self.assert_refused(response, 401, "Invalid token")
        self.assertIn("Bearer", response.headers["WWW-Authenticate"])
        self.source.active = False
        response = self.post(EVENTS, event())
        self.assert_refused(response, 401, "Invalid token")
        self.assertEqual(self.all_ticket_count(), count)
        self.assertEqual(self.source.events_received, 0)

    def test_missing_token_is_refused(self):
        count = self.all_ticket_count()
        self.assert_refused(self.post(EVENTS, event(), token=False), 401, "Bearer")
        response = self.url_open(
            ALERTMANAGER,
            data=json.dumps(webhook(alert("fp"))),
            headers={
                "Content-Type": "application/json",
                "Authorization": "Basic dXNlcjpwYXNz",
            },
        )
        self.assert_refused(response, 401, "Missing token")
        self.assertEqual(self.all_ticket_count(), count)

    def test_regenerated_token_replaces_the_old_one(self):
        old = self.token
        action = self.source.with_user(self.users["manager"]).action_regenerate_token()
        # Shown once, in a notification that stays until it is closed.
        self.assertEqual(action["tag"], "display_notification")
        self.assertTrue(action["params"]["sticky"])
        self.token = action["params"]["message"].rpartition(" ")[2]
        self.assertNotEqual(self.token, old)
        self.assertGreaterEqual(len(self.token), 40)
        self.assert_refused(self.post(EVENTS, event(), token=old), 401, "Invalid")
        self.assertEqual(self.post(EVENTS, event()).status_code, 200)

    def test_malformed_json_is_refused(self):
        count = self.all_ticket_count()
        response = self.post(EVENTS, raw='{"fingerprint": "a", "status": ')
        self.assert_refused(response, 400, "not valid JSON")
        response = self.post(ALERTMANAGER, raw="[1, 2")
        self.assert_refused(response, 400, "not valid JSON")
        self.assertEqual(self.all_ticket_count(), count)

    def test_wrong_content_is_refused(self):
        count = self.all_ticket_count()
        response = self.post(
            EVENTS, event(), content_type="application/x-www-form-urlencoded"
        )
        self.assert_refused(response, 400, "Content-Type must be application/json")
        self.assert_refused(self.post(EVENTS, "firing"), 400, "event object")
        self.assert_refused(self.post(EVENTS, []), 400, "no event")
        self.assert_refused(
            self.post(ALERTMANAGER, dict(webhook(alert("a")), version="3")),
            400,
            '"version" must be "4"',
        )
        self.assert_refused(
            self.post(ALERTMANAGER, dict(webhook(alert("a")), alerts={"a": 1})),
            400,
            '"alerts" must be a list',
        )
        bad_date = dict(alert("a"), startsAt="yesterday")
        self.assert_refused(
            self.post(ALERTMANAGER, webhook(bad_date)), 400, "alerts[0].startsAt"
        )
        self.assertEqual(self.all_ticket_count(), count)

    def test_missing_fingerprint_refuses_the_whole_payload(self):
        count = self.all_ticket_count()
        no_fingerprint = alert("b")
        del no_fingerprint["fingerprint"]
        response = self.post(ALERTMANAGER, webhook(alert("a"), no_fingerprint))
        self.assert_refused(response, 400, '"alerts[1].fingerprint" is required')
        del_fingerprint = event()
        del del_fingerprint["fingerprint"]
        response = self.post(EVENTS, [event("ok"), del_fingerprint])
        self.assert_refused(response, 400, '"[1].fingerprint" is required')
        self.assertEqual(self.all_ticket_count(), count)
        self.assertEqual(self.source.events_received, 0)

    def test_bad_status_refuses_the_whole_payload(self):
        count = self.all_ticket_count()
        response = self.post(
            ALERTMANAGER, webhook(alert("a"), alert("b", status="pending"))
        )
        self.assert_refused(
            response, 400, '"alerts[1].status" must be "firing" or "resolved"'
        )
        response = self.post(EVENTS, event(status="down"))
        self.assert_refused(response, 400, '"status" must be "firing" or "resolved"')
        response = self.post(EVENTS, event(labels={"nested": {"a": 1}}))
        self.assert_refused(response, 400, '"labels.nested" must be a string')
        self.assertEqual(self.all_ticket_count(), count)

    # ------------------------------------------------------------------
    # Flood guard
    # ------------------------------------------------------------------

    def test_flood_guard_counts_the_rest_on_one_storm_incident(self):
        alerts = [alert(f"fp-{n:02d}") for n in range(12)]
        response = self.post(ALERTMANAGER, webhook(*alerts))
        summary = response.json()
        self.assertEqual((summary["created"], summary["storm"]), (5, 7))
        incidents = self.incidents()
        storm = incidents.filtered("event_storm")
        self.assertEqual(len(incidents), 6, "5 incidents and 1 alert storm")
        self.assertEqual(len(storm), 1)
        self.assertEqual(storm.event_count, 7, "nothing is lost")
        self.assertEqual(
            (incidents - storm).mapped("event_fingerprint"),
            [f"fp-{n:02d}" for n in range(5)],
        )
        self.assertIn("Alert storm from Prometheus production", storm.name)
        self.assertEqual((storm.impact, storm.urgency), ("severe", "high"))
        log = self.log(storm)
        for n in range(5, 12):
            self.assertIn(f"fp-{n:02d}", log)
        self.assertEqual(self.source.events_received, 12)

        # The storm goes on: more new alerts are counted on the same incident,
        # while repeats of known alerts still go to their own incident.
        response = self.post(
            ALERTMANAGER, webhook(alert("fp-20"), alert("fp-21"), alert("fp-00"))
        )
        self.assertEqual(
            [e["action"] for e in response.json()["events"]],
            ["storm", "storm", "repeated"],
        )
        self.assertEqual(len(self.incidents()), 6)
        self.assertEqual(storm.event_count, 9)

        # After the window, new alerts open their own incidents again.
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = create_date - interval '1 hour',"
            " event_last_seen = event_last_seen - interval '1 hour'"
            " WHERE event_source_id = %s",
            [self.source.id],
        )
        self.env.invalidate_all()
        response = self.post(ALERTMANAGER, webhook(alert("fp-30")))
        self.assertEqual(response.json()["created"], 1)
        self.assertEqual(len(self.incidents()), 7)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def test_only_the_tokens_hash_is_kept(self):
        """The token is shown once (security review L1): the database keeps
        its SHA-256 only, readable by nobody but the system, and nobody sets
        a token of their choosing."""
        self.post(EVENTS, event())
        incident = self.incidents()
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT * FROM itsm_event_source WHERE id = %s", [self.source.id]
        )
        row = self.env.cr.dictfetchone()
        self.assertNotIn(self.token, [str(value) for value in row.values()])
        self.assertEqual(
            row["token_hash"], hashlib.sha256(self.token.encode()).hexdigest()
        )
        for role in ("manager", "agent", "resolver", "reporter", "portal"):
            source = self.source.with_user(self.users[role])
            with self.subTest(role=role), self.assertRaises(AccessError):
                source.read(["token_hash"])
        manager_view = self.source.with_user(self.users["manager"])
        self.assertTrue(manager_view.has_token)
        with self.assertRaises(AccessError):
            manager_view.write({"token_hash": "0" * 64})
        with self.assertRaises(ValueError):
            manager_view.write({"token": "weak"})
        with self.assertRaises(AccessError):
            self.env["itsm.event.source"].with_user(self.users["manager"]).create(
                {"name": "Chosen token", "token_hash": "0" * 64}
            )
        # Only a user who may change the source gives it a new token.
        with self.assertRaises(AccessError):
            self.source.with_user(self.users["agent"])._itsm_new_token()
        self.assertEqual(self.post(EVENTS, event("still-valid")).status_code, 200)
        # The desk sees which source opened an incident, never a token.
        agent_incident = incident.with_user(self.users["agent"])
        values = agent_incident.web_read(
            {"event_source_id": {"fields": {"display_name": {}}}}
        )[0]
        self.assertEqual(
            values["event_source_id"]["display_name"], "Prometheus production"
        )

    def test_manager_configures_the_source_from_the_menu(self):
        menus = self.visible_menus("manager")
        self.assertIn("itsm_incident.menu_itsm_config_event_sources", menus)
        self.assertNotIn(
            "itsm_incident.menu_itsm_config_event_sources", self.visible_menus("agent")
        )
        source = (
            self.env["itsm.event.source"]
            .with_user(self.users["manager"])
            .create({"name": "Nagios"})
        )
        # No token until the manager generates it, shown once.
        self.assertFalse(source.has_token)
        action = source.action_regenerate_token()
        self.assertTrue(source.has_token)
        self.assertIn("not shown again", action["params"]["message"])
        self.assertEqual(
            sorted(source.severity_ids.mapped("severity")),
            ["critical", "info", "warning"],
        )
        self.assertTrue(source.alertmanager_url.endswith(ALERTMANAGER))

    def test_a_chinese_desk_reads_the_alert_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        self.source.user_id.lang = "zh_CN"
        self.post(EVENTS, event())
        incident = self.incidents().with_context(lang="zh_CN")
        self.assertIn("监控工具", incident.description)
        self.assertIn("指纹", incident.description)
        self.assertEqual(incident.channel_id.name, "监控")
        menu = self.env.ref("itsm_incident.menu_itsm_config_event_sources")
        self.assertEqual(menu.with_context(lang="zh_CN").name, "监控事件源")
