"""Prepare a demo database for the load test, and check it afterwards.

    check.py prepare URL DB      prints the setup (JSON) locustfile.py reads
    check.py verify URL DB RESULT STATS_CSV [SERVER_LOG]

``prepare`` logs in as admin through JSON-RPC: a fresh webhook token for the
demo monitoring source (its flood guard raised above what the run sends), a
change manager and a billing operator, submitted changes for the change
manager to approve, this month's billing run. ``verify`` finds every ticket
a client was told was created exactly once (none lost, none duplicated by
alert repeats), prints the figures per request type against the targets and
exits 1 when a target is missed.
"""

# A command-line report: it prints.
# pylint: disable=print-used
import csv
import datetime
import json
import re
import sys
import urllib.request
from http.cookiejar import CookieJar

READ_P95_MS = 300
WRITE_P95_MS = 800
CHANGES = 40


class Client:
    """A JSON-RPC session, as the web client has one."""

    def __init__(self, url, db, login, password=None):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())
        )
        self.uid = self.rpc(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password or login},
        )["uid"]

    def rpc(self, path, params):
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": params}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=300) as response:
            body = json.load(response)
        if body.get("error"):
            raise RuntimeError(json.dumps(body["error"], indent=1)[:2000])
        return body["result"]

    def __call__(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )


def ref(admin, xmlid):
    """The id of a record by its XML id (``ir.model.data`` is read by admins)."""
    module, name = xmlid.split(".")
    found = admin(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
    )
    return found[0]["res_id"]


def ensure_user(admin, login, groups):
    found = admin("res.users", "search", [("login", "=", login)])
    if found:
        admin("res.users", "write", found, {"email": f"{login}@example.com"})
        return found[0]
    group_ids = [ref(admin, xmlid) for xmlid in groups]
    return admin(
        "res.users",
        "create",
        {
            "name": login.replace("_", " ").title(),
            "login": login,
            "password": login,
            "email": f"{login}@example.com",
            "groups_id": [(6, 0, group_ids)],
            "tz": "Asia/Shanghai",
        },
    )


def prepare(url, db):
    admin = Client(url, db, "admin", "admin")
    source = ref(admin, "itsm_incident.itsm_event_source_prometheus")
    admin("itsm.event.source", "write", [source], {"max_new_incidents": 100000})
    action = admin("itsm.event.source", "action_regenerate_token", [source])
    token = re.search(r"Token: (\S+)", action["params"]["message"]).group(1)

    ensure_user(
        admin,
        "itsm_load_change",
        ["itsm_incident.group_itsm_manager", "itsm_change.group_itsm_change_manager"],
    )
    ensure_user(
        admin,
        "itsm_load_billing",
        [
            "itsm_incident.group_itsm_reporter",
            "itsm_billing.group_itsm_billing_operator",
        ],
    )

    # Changes to approve: one-hour slots at night, one a day, mid-month (no
    # billing freeze), on one service, well beyond every lead time.
    reporter = Client(url, db, "itsm_reporter")
    service = ref(admin, "itsm_incident.itsm_service_hotline")
    changes = []
    # After the changes of earlier runs on a kept database.
    last = reporter(
        "itsm.change",
        "search_read",
        [("service_ids", "in", [service])],
        fields=["planned_end"],
        order="planned_end desc",
        limit=1,
    )
    day = max(
        datetime.date.today() + datetime.timedelta(days=40),
        datetime.date.fromisoformat(last[0]["planned_end"][:10])
        if last and last[0]["planned_end"]
        else datetime.date.min,
    )
    while len(changes) < CHANGES:
        day += datetime.timedelta(days=1)
        if not 12 <= day.day <= 27 or day.weekday() >= 5:
            continue
        start = datetime.datetime.combine(day, datetime.time(18, 0))  # 02:00 CST
        change = reporter(
            "itsm.change",
            "create",
            {
                "name": f"Load test change {len(changes) + 1}",
                "change_type": "normal",
                "service_ids": [(6, 0, [service])],
                "planned_start": start.strftime("%Y-%m-%d %H:%M:%S"),
                "planned_end": (start + datetime.timedelta(hours=1)).strftime(
                    "%Y-%m-%d %H:%M:%S"
                ),
                "implementation_plan": "<p>Apply the patch.</p>",
                "rollback_plan": "<p>Restore the snapshot.</p>",
            },
        )
        reporter("itsm.change", "action_submit", [change])
        changes.append(change)

    billing = Client(url, db, "itsm_load_billing")
    month = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(
        day=1
    )
    runs = billing(
        "itsm.billing.run",
        "search",
        [("run_type", "=", "billing"), ("period_start", "=", str(month))],
    )
    run = (
        runs[0]
        if runs
        else billing(
            "itsm.billing.run",
            "create",
            {"run_type": "billing", "period_start": str(month)},
        )
    )
    print(
        json.dumps(
            {
                "db": db,
                "token": token,
                "portal_login": "itsm_portal",
                "agent_login": "itsm_agent",
                "change_login": "itsm_load_change",
                "billing_login": "itsm_load_billing",
                "changes": changes,
                "billing_run": run,
            }
        )
    )


def verify(url, db, result_path, stats_path, log_path=None):
    admin = Client(url, db, "admin", "admin")
    with open(result_path, encoding="utf-8") as file:
        result = json.load(file)
    problems = []
    lost = duplicated = 0
    for marker, ticket_id in result["filed"].items():
        found = admin(
            "helpdesk.ticket",
            "search",
            [("name", "like", marker)],
            context={"active_test": False},
        )
        if found != [ticket_id]:
            lost += not found
            duplicated += len(found) > 1
            problems.append(f"portal {marker}: told {ticket_id}, found {found}")
    for fingerprint, told in result["alerts"].items():
        found = admin(
            "helpdesk.ticket",
            "search",
            [("event_fingerprint", "=", fingerprint)],
            context={"active_test": False},
        )
        if len(told) != 1 or found != told:
            lost += not found
            duplicated += len(found) > 1 or len(told) > 1
            problems.append(f"alert {fingerprint}: told {told}, found {found}")

    rows, failures, missed = [], 0, []
    with open(stats_path, encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if row["Name"] == "Aggregated":
                continue
            count, failed = int(row["Request Count"]), int(row["Failure Count"])
            p50, p95, p99 = (row["50%"], row["95%"], row["99%"])
            failures += failed
            rows.append((row["Name"], count, failed, p50, p95, p99))
            if row["Name"].startswith("session"):
                continue  # logging in: hashing the password, once a session
            target = READ_P95_MS if row["Name"].startswith("read") else WRITE_P95_MS
            if p95 != "N/A" and float(p95) > target:
                missed.append(f"{row['Name']}: p95 {p95} ms > {target} ms")
    header = ("request", "count", "fail", "p50", "p95", "p99")
    print("\n{:<36} {:>7} {:>5} {:>6} {:>6} {:>6}".format(*header))
    for name, count, failed, p50, p95, p99 in sorted(rows):
        print(f"{name:<36} {count:>7} {failed:>5} {p50:>6} {p95:>6} {p99:>6}")
    errors = conflicts = jobs_again = 0
    if log_path:
        # A query refused for a concurrent update is Odoo's to retry (it
        # serves the request again, or runs the cron job again): counted
        # apart. Any other error counts.
        with open(log_path, encoding="utf-8", errors="replace") as file:
            lines = file.read().splitlines()
        for index, line in enumerate(lines):
            if " ERROR " not in line:
                continue
            if "odoo.sql_db: bad query" in line and any(
                "could not serialize access" in following
                or "deadlock detected" in following
                for following in lines[index + 1 : index + 4]
            ):
                conflicts += 1
            elif "ir_cron: Job" in line and _ends_in_conflict(lines, index):
                # A job of Odoo's (the mail queue) that met a request on the
                # same records: rolled back, it runs again at its next call.
                jobs_again += 1
            else:
                errors += 1
                problems.append(line[:300])
    print(
        f"\nportal tickets told created: {len(result['filed'])}; alert checks: "
        f"{len(result['alerts'])}; changes left to approve: "
        f"{len(result['approved_left'])}"
    )
    print(
        f"failures: {failures}; lost: {lost}; duplicated: {duplicated}; "
        f"server log errors: {errors}; concurrent updates retried: {conflicts}; "
        f"cron runs rolled back by one and run again: {jobs_again}"
    )
    for line in problems[:20] + missed:
        print("  -", line)
    ok = not (failures or lost or duplicated or errors or missed)
    print("targets met" if ok else "targets missed")
    return 0 if ok else 1


def _ends_in_conflict(lines, index):
    """Whether the traceback after a log line ends in a serialization
    failure (before the next log line)."""
    for following in lines[index + 1 : index + 60]:
        if following[:4].isdigit():
            return False
        if "SerializationFailure" in following or "DeadlockDetected" in following:
            return True
    return False


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "prepare":
        prepare(*arguments)
    else:
        sys.exit(verify(*arguments))
