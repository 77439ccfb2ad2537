"""The suite under load (issue 18): the people and tools of a service desk
at work on one Odoo in prefork mode, through its real HTTP interfaces.

- Portal reporters file incidents through the portal form and read their
  list and their tickets.
- Agents open the ticket list and forms, and take the filed incidents
  through: screen, acknowledge, record the fix, verify, resolve.
- A monitoring tool posts alerts to the webhook, each one several times
  (repeats must not make new incidents).
- A change manager reads the change calendar and approves the submitted
  changes prepared for the run.
- A billing operator reads this month's billing run and checks its data
  again.

Every request is named ``read: …`` or ``write: …`` for the report. What
clients were told was created (the portal's redirect to the new ticket, the
webhook's ticket per fingerprint) is written to ``$ITSM_LOAD_OUT`` at the
end, for ``check.py`` to find each exactly once. Run by ``tests/load/run``.
"""

import itertools
import json
import os
import random
import re
import uuid
from collections import deque

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

RUN = os.environ.get("ITSM_LOAD_RUN") or uuid.uuid4().hex[:8]
SETUP = json.loads(os.environ.get("ITSM_LOAD_SETUP") or "{}")
OUT = os.environ.get("ITSM_LOAD_OUT", "load_result.json")
# Seconds measured, from the moment every user is logged in.
MEASURE = int(os.environ.get("ITSM_LOAD_MEASURE") or 60)
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
CATEGORY = re.compile(r'<option\s+value="(\d+)"[^>]*>', re.S)
TICKET_URL = re.compile(r"/my/ticket/(\d+)")

# What the clients were told, shared by the users of this process (locust
# runs them as greenlets of one process).
FILED = {}  # marker -> ticket id the portal redirected to
ALERTS = {}  # fingerprint -> set of ticket ids the webhook answered
TO_HANDLE = deque()  # ticket ids filed on the portal, for the agents
TO_APPROVE = deque(SETUP.get("changes", []))
SEQUENCE = itertools.count(1)
FAILED = object()  # what call() returns for a failed request
# The figures count from the moment every user is logged in: logging in
# hashes the password (on purpose slow), 50 of them at once are a storm that
# says nothing of the desk's work. Set by the test_start listener.
WARM = {"expected": 0, "ready": 0, "environment": None}


def logged_in():
    """One more user ready; the last one starts the measured window."""
    WARM["ready"] += 1
    if WARM["ready"] == WARM["expected"]:
        runner = WARM["environment"].runner
        runner.stats.reset_all()
        gevent.spawn_later(MEASURE, runner.quit)
        WARM["environment"].events.request.fire(
            request_type="MARK",
            name="session: all users logged in",
            response_time=0,
            response_length=0,
            exception=None,
        )


RESOLUTION = {
    "fix_description": "Restarted the service.",
    "verification_result": "The reporter's screen works again.",
    "resolution_cause": "A stuck process.",
    "resolution_measures": "Restarted it.",
    "resolution_result": "The service works again.",
    "resolution_prevention": "Watch the process in monitoring.",
    "resolution_lessons": "Alert on the process before users notice.",
}


class JsonRpcUser(HttpUser):
    """A back-office user: a session of their own, JSON-RPC calls as the
    web client makes them."""

    abstract = True
    login = None

    def on_start(self):
        response = self.call(
            "/web/session/authenticate",
            {"db": SETUP["db"], "login": self.login, "password": self.login},
            name="session: log in",
        )
        if response is FAILED:
            raise StopUser()
        logged_in()

    def call(self, url, params, name):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(SEQUENCE),
            "params": params,
        }
        with self.client.post(url, json=payload, name=name, catch_response=True) as r:
            try:
                body = r.json()
            except ValueError:
                r.failure(f"not JSON (HTTP {r.status_code})")
                return FAILED
            if body.get("error"):
                data = body["error"].get("data") or {}
                r.failure(data.get("message") or body["error"].get("message"))
                return FAILED
            return body.get("result")

    def kw(self, model, method, args, name, **kwargs):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            name=name,
        )


class PortalReporter(HttpUser):
    """A customer on the portal: files incidents, reads their tickets."""

    weight = 20
    wait_time = between(1, 3)

    def on_start(self):
        page = self.client.get("/web/login", name="session: login page")
        token = CSRF.search(page.text)
        response = self.client.post(
            "/web/login",
            data={
                "login": SETUP["portal_login"],
                "password": SETUP["portal_login"],
                "csrf_token": token and token.group(1),
                "redirect": "/my",
            },
            name="session: log in (portal)",
        )
        if "/web/login" in response.url:
            raise StopUser()
        self.mine = []
        logged_in()

    @task(2)
    def file_incident(self):
        page = self.client.get("/new/ticket", name="read: portal new ticket form")
        token = CSRF.search(page.text)
        category = CATEGORY.search(page.text)
        marker = f"LOAD-{RUN}-{uuid.uuid4().hex[:12]}"
        with self.client.post(
            "/submitted/ticket",
            data={
                "csrf_token": token and token.group(1),
                "subject": f"Tills slow at the counter {marker}",
                "description": "The tills take a minute to print a receipt.",
                "category": category.group(1) if category else "",
                "declaration_type": "incident",
                "urgency": "medium",
            },
            allow_redirects=False,
            name="write: portal file incident",
            catch_response=True,
        ) as response:
            found = TICKET_URL.search(response.headers.get("Location", ""))
            if response.status_code not in (302, 303) or not found:
                response.failure(f"no ticket (HTTP {response.status_code})")
                return
            ticket_id = int(found.group(1))
        FILED[marker] = ticket_id
        TO_HANDLE.append(ticket_id)
        self.mine.append(ticket_id)

    @task(3)
    def read_list(self):
        self.client.get("/my/tickets", name="read: portal ticket list")

    @task(3)
    def read_ticket(self):
        if self.mine:
            self.client.get(
                f"/my/ticket/{random.choice(self.mine)}", name="read: portal ticket"
            )


class Agent(JsonRpcUser):
    """A service desk agent: lists and forms, and the filed incidents taken
    through to resolved (each by one agent: taken from a shared queue)."""

    weight = 15
    wait_time = between(1, 3)

    @property
    def login(self):
        return SETUP["agent_login"]

    LIST_FIELDS = {
        "number": {},
        "name": {},
        "partner_id": {"fields": {"display_name": {}}},
        "stage_id": {"fields": {"display_name": {}}},
        "user_id": {"fields": {"display_name": {}}},
        "itsm_priority": {},
        "grade": {},
        "resolution_deadline": {},
    }
    FORM_FIELDS = dict(
        LIST_FIELDS,
        description={},
        impact={},
        urgency={},
        declaration_type={},
        screening_state={},
        acknowledged_date={},
        response_deadline={},
        message_follower_ids={},
        activity_ids={},
    )

    @task(4)
    def open_list(self):
        self.kw(
            "helpdesk.ticket",
            "web_search_read",
            [],
            name="read: agent ticket list",
            domain=[["stage_id.closed", "=", False]],
            specification=self.LIST_FIELDS,
            limit=80,
            order="itsm_priority, id desc",
            count_limit=10001,
        )

    @task(4)
    def open_form(self):
        if not TO_HANDLE:
            return
        self.kw(
            "helpdesk.ticket",
            "web_read",
            [[random.choice(TO_HANDLE)]],
            name="read: agent ticket form",
            specification=self.FORM_FIELDS,
        )

    @task(2)
    def handle(self):
        if not TO_HANDLE:
            return
        ticket = [TO_HANDLE.popleft()]
        steps = (
            ("action_screen_valid", "write: agent screen"),
            ("action_acknowledge", "write: agent acknowledge"),
        )
        for method, name in steps:
            if self.kw("helpdesk.ticket", method, [ticket], name=name) is FAILED:
                return
        if (
            self.kw(
                "helpdesk.ticket",
                "write",
                [ticket, RESOLUTION],
                name="write: agent record the fix",
            )
            is FAILED
        ):
            return
        for method, name in (
            ("action_verify_passed", "write: agent verify"),
            ("action_resolve", "write: agent resolve"),
        ):
            if self.kw("helpdesk.ticket", method, [ticket], name=name) is FAILED:
                return


class MonitoringTool(HttpUser):
    """A monitoring tool: alerts of a few dozen checks, each posted again
    and again while it fires."""

    weight = 6
    wait_time = between(1, 2)

    def on_start(self):
        self.checks = [f"load-{RUN}-{uuid.uuid4().hex[:8]}" for _i in range(4)]
        logged_in()

    @task
    def post_alert(self):
        fingerprint = random.choice(self.checks)
        with self.client.post(
            "/itsm/events",
            json={
                "fingerprint": fingerprint,
                "status": "firing",
                "severity": "warning",
                "summary": f"Disk almost full on {fingerprint}",
                "service": "CRM",
            },
            headers={"Authorization": f"Bearer {SETUP['token']}"},
            name="write: webhook alert",
            catch_response=True,
        ) as response:
            try:
                events_ = response.json()["events"]
            except (ValueError, KeyError):
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
                return
        for event in events_:
            ALERTS.setdefault(event["fingerprint"], set()).add(event["ticket_id"])


class ChangeManager(JsonRpcUser):
    """The change manager: the change calendar, and the submitted changes
    prepared for the run approved one by one."""

    weight = 2
    wait_time = between(2, 4)

    @property
    def login(self):
        return SETUP["change_login"]

    @task(3)
    def calendar(self):
        self.kw(
            "itsm.change",
            "search_read",
            [],
            name="read: change calendar",
            domain=[["state", "not in", ["cancelled"]]],
            fields=["name", "planned_start", "planned_end", "state"],
            limit=200,
        )

    @task(1)
    def approve(self):
        if TO_APPROVE:
            self.kw(
                "itsm.change",
                "action_approve",
                [[TO_APPROVE.popleft()]],
                name="write: change approve",
            )


class BillingOperator(JsonRpcUser):
    """The billing operator at this month's run: reads it and its items,
    checks its data again."""

    weight = 1
    wait_time = between(3, 6)

    @property
    def login(self):
        return SETUP["billing_login"]

    @task(3)
    def read_run(self):
        self.kw(
            "itsm.billing.run",
            "web_read",
            [[SETUP["billing_run"]]],
            name="read: billing run",
            specification={
                "name": {},
                "state": {},
                "item_count": {},
                "amount_total": {},
                "progress": {},
            },
        )
        self.kw(
            "itsm.billing.item",
            "web_search_read",
            [],
            name="read: billing items",
            domain=[["run_id", "=", SETUP["billing_run"]]],
            specification={"name": {}, "amount": {}, "partner_id": {}},
            limit=80,
        )

    @task(1)
    def check_data(self):
        self.kw(
            "itsm.billing.run",
            "action_check_data",
            [[SETUP["billing_run"]]],
            name="write: billing check data",
        )


@events.test_start.add_listener
def _expect_users(environment, **_kwargs):
    WARM["environment"] = environment
    WARM["expected"] = environment.parsed_options.num_users


@events.test_stop.add_listener
def _save_what_clients_were_told(**_kwargs):
    with open(OUT, "w", encoding="utf-8") as file:
        json.dump(
            {
                "run": RUN,
                "filed": FILED,
                "alerts": {key: sorted(ids) for key, ids in ALERTS.items()},
                "approved_left": list(TO_APPROVE),
            },
            file,
        )
