# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import os
import random
import time
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

from . import itsm_demo_history_data as D

_logger = logging.getLogger(__name__)

SEED = 12013
MARKER = "itsm_incident.demo_history_generated"
# Beijing time is UTC+8: the office day 08:30–18:00 is 00:30–10:00 UTC.
OFFICE_START_UTC = 0.5
OFFICE_HOURS = 9.5
# Tickets reported in the last hours before the anchor are still open (and
# those whose handling outlasts it).
OPEN_HOURS = 48
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "no_reset_password": True,
}
# The ticket columns the history writes directly (the ORM stamps "now").
DATE_COLUMNS = (
    "create_date",
    "write_date",
    "occurrence_date",
    "last_stage_update",
    "acknowledged_date",
    "acknowledged_by_id",
    "resolved_date",
    "resolved_by_id",
    "verified_date",
    "verified_by_id",
    "reporter_confirmed_date",
    "auto_closed",
    "closed_date",
    "event_last_seen",
    "event_recovered_date",
)


class ItsmDemoHistory(models.AbstractModel):
    """Six months of history for the demo database (issue 12 point 13): the
    IT department of a provincial telecom operator's business-support
    systems, its service desk and its users, written in Chinese as they
    write. Called once from the demo data (``demo/itsm_demo_history.xml``).

    Deterministic: one ``random.Random(seed)`` draws everything, dates are
    relative to the anchor (the install day by default). Tickets are created
    through the ORM (screened, prioritised by the matrix, their SLA clocks
    started), their clocks are replayed at their historical moments with
    the clocks' own operations, they reach their stage through the
    closure gate, and only the historical timestamps the ORM stamps "now"
    are written in SQL afterwards."""

    _name = "itsm.demo.history"
    _description = "ITSM Demo History"

    @api.model
    def _itsm_generate_demo_history(
        self, anchor=None, months=6, size=900, seed=SEED, again=False
    ):
        """Generate the history; returns a summary {kind: count}. Once per
        database (returns {} when it was generated already), unless
        ``again``: then the organisation's users are reused, the rest
        comes anew."""
        param = self.env["ir.config_parameter"].sudo()
        if not again and (
            param.get_param(MARKER) or os.environ.get("ITSM_DEMO_HISTORY") == "0"
        ):
            # Once; and not in the test database (setup/test), whose tests
            # count on the demo's few records (test_demo_history makes its
            # own history).
            return {}
        started = time.perf_counter()
        if anchor is None:
            anchor = datetime.combine(
                fields.Date.context_today(self), datetime.min.time()
            )
        anchor = fields.Datetime.to_datetime(anchor)
        rng = random.Random(seed)
        self = self.sudo().with_context(**QUIET)
        org = self._itsm_demo_org()
        articles = self._itsm_demo_articles(org)
        plans = self._itsm_demo_plan(rng, org, anchor, months, size)
        problems = self._itsm_demo_problems(rng, org, plans, anchor)
        tickets = self._itsm_demo_tickets(org, plans, articles, problems)
        self._itsm_demo_dates(tickets, plans, closing=False)
        self._itsm_demo_clocks(tickets, plans)
        self._itsm_demo_majors(rng, org, tickets, plans, anchor)
        self._itsm_demo_stages(tickets, plans, org)
        self._itsm_demo_dates(tickets, plans, closing=True)
        tickets._itsm_deadline_sync(track=False)
        ratings = self._itsm_demo_ratings(rng, tickets, plans)
        tickets._itsm_count_recurrences()
        tickets._itsm_mark_recurrences()
        checks = self._itsm_demo_spot_checks(rng, org, anchor, months)
        reports = self._itsm_demo_kpis(org, anchor, months)
        param.set_param(MARKER, fields.Datetime.to_string(anchor))
        summary = {
            "tickets": len(tickets),
            "open": len(tickets.filtered(lambda t: not t.stage_id.closed)),
            "majors": len(tickets.filtered("is_major")),
            "problems": len(problems),
            "articles": len(articles),
            "ratings": len(ratings),
            "spot_checks": len(checks),
            "monthly_reports": len(reports),
            "seconds": round(time.perf_counter() - started, 1),
        }
        _logger.info("ITSM demo history generated: %s", summary)
        return summary

    # ------------------------------------------------------------------
    # The organisation
    # ------------------------------------------------------------------

    def _itsm_demo_ref(self, xmlid):
        return self.env.ref(f"itsm_incident.{xmlid}", raise_if_not_found=False)

    @api.model
    def _itsm_demo_org(self):
        """Departments, people, teams, systems and the monitoring source the
        history needs; the demo organisation's records when they exist."""
        Department = self.env["hr.department"]
        Employee = self.env["hr.employee"]
        Users = self.env["res.users"]
        Partner = self.env["res.partner"]
        company = self.env.company
        it = self._itsm_demo_ref("department_it") or Department.create(
            {"name": "信息技术部"}
        )
        head_employee = it.manager_id
        groups = {
            name: self.env.ref(f"itsm_incident.group_itsm_{name}")
            for name in ("resolver", "manager", "agent")
        }

        def user(name, login, group):
            login = f"itsm_demo_{login}"
            existing = Users.search([("login", "=", login)])
            if existing:
                return existing
            # No password (hashing one costs a second): the demo's role
            # users log in; these people are the history's.
            return Users.create(
                {
                    "name": name,
                    "login": login,
                    "email": f"{login}@example.com",
                    "tz": "Asia/Shanghai",
                    "lang": self.env.lang or "en_US",
                    "groups_id": [Command.set([group.id])],
                }
            )

        rooms = {}
        for key, name, (manager_name, manager_login), engineers in D.ROOMS:
            department = Department.create({"name": name, "parent_id": it.id})
            manager_user = user(manager_name, manager_login, groups["manager"])
            manager = manager_user.employee_id or Employee.create(
                {
                    "name": manager_name,
                    "user_id": manager_user.id,
                    "department_id": department.id,
                    "parent_id": head_employee.id,
                    "job_title": f"{name}主任",
                }
            )
            department.manager_id = manager
            members = manager_user
            for engineer_name, login in engineers:
                engineer = user(engineer_name, login, groups["resolver"])
                if not engineer.employee_id:
                    Employee.create(
                        {
                            "name": engineer_name,
                            "user_id": engineer.id,
                            "department_id": department.id,
                            "parent_id": manager.id,
                            "job_title": "系统工程师",
                        }
                    )
                members |= engineer
            team = self.env["helpdesk.ticket.team"].create(
                {
                    "name": name.replace("室", "组"),
                    "is_itsm": True,
                    "user_ids": [Command.set(members.ids)],
                }
            )
            rooms[key] = {"department": department, "team": team, "users": members}
        desk = self._itsm_demo_ref("team_service_desk")
        if not desk:
            agent = user("陈洁", "chenjie", groups["agent"])
            desk = self.env["helpdesk.ticket.team"].create(
                {
                    "name": "服务台",
                    "is_itsm": True,
                    "user_ids": [Command.set(agent.ids)],
                }
            )
        operations = self._itsm_demo_ref("department_operations")
        reporters = []
        for key, name, people in D.BUSINESS:
            department = Department.create(
                {"name": name, "parent_id": operations.id if operations else False}
            )
            # The department's named people, then its staff (营业员, 坐席…).
            people = people + [
                (D.staff_name(len(reporters) + index), D.STAFF_JOBS[key])
                for index in range(D.STAFF[key])
            ]
            partners = Partner.create(
                [
                    {
                        "name": person,
                        "email": f"{key}{index + 1}@bss.example.com",
                        "phone": f"+86 28 8{len(reporters):03d} {1000 + index * 7}",
                        "function": job,
                    }
                    for index, (person, job) in enumerate(people)
                ]
            )
            head = Employee.create(
                {
                    "name": partners[0].name,
                    "work_contact_id": partners[0].id,
                    "department_id": department.id,
                    "job_title": partners[0].function,
                }
            )
            Employee.create(
                [
                    {
                        "name": partner.name,
                        "work_contact_id": partner.id,
                        "department_id": department.id,
                        "parent_id": head.id,
                        "job_title": partner.function,
                    }
                    for partner in partners[1:]
                ]
            )
            department.manager_id = head
            reporters += list(partners)
        Category = self.env["helpdesk.ticket.category"]
        systems = {}
        for key, name, parent, room in D.SYSTEMS:
            systems[key] = {
                "category": Category.create(
                    {"name": name, "parent_id": self._itsm_demo_ref(parent).id}
                ),
                "room": rooms[room],
            }
        source = self.env["itsm.event.source"].create(
            {
                "name": "Zabbix 集中监控平台",
                "company_id": company.id,
                "team_id": desk.id,
                "user_id": desk.user_ids[:1].id or self.env.uid,
                "default_impact": "moderate",
                "default_urgency": "medium",
            }
        )
        stages = {
            key: self.env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{key}")
            for key in (
                "new",
                "in_progress",
                "awaiting",
                "done",
                "cancelled",
                "rejected",
            )
        }
        stages["resolved"] = self.env.ref(
            "itsm_incident.helpdesk_ticket_stage_resolved"
        )
        channels = {
            key: self.env.ref(f"helpdesk_mgmt.helpdesk_ticket_channel_{key}")
            for key in ("phone", "email", "web")
        }
        channels["monitoring"] = self.env.ref(
            "itsm_incident.helpdesk_ticket_channel_monitoring"
        )
        natures = {
            key: self.env.ref(f"itsm_incident.nature_{key}")
            for key in (
                "business_issue",
                "customer_complaint",
                "internal_coordination",
                "emergency",
            )
        }
        managers = self.env["res.users"].union(
            *(room["users"][:1] for room in rooms.values())
        )
        leader = self._itsm_demo_ref("user_itsm_manager") or managers[:1]
        supervisor = self._itsm_demo_ref("user_itsm_supervisor") or leader
        return {
            "company": company,
            "rooms": rooms,
            "desk": desk,
            "reporters": reporters,
            "systems": systems,
            "source": source,
            "stages": stages,
            "channels": channels,
            "natures": natures,
            "managers": managers,
            "leader": leader,
            "supervisor": supervisor,
        }

    @api.model
    def _itsm_demo_articles(self, org):
        Article = self.env["itsm.knowledge.article"]
        vals_list = []
        for system, title, symptom, cause, solution in D.ARTICLES.values():
            room = org["systems"][system]["room"]
            vals_list.append(
                {
                    "name": title,
                    "category_id": org["systems"][system]["category"].id,
                    "symptom": f"<p>{symptom}</p>",
                    "cause": f"<p>{cause}</p>",
                    "solution": f"<p>{solution}</p>",
                    "author_id": room["users"][1:2].id or room["users"][:1].id,
                    "state": "published",
                    "published_date": fields.Datetime.now(),
                }
            )
        return dict(zip(D.ARTICLES, Article.create(vals_list), strict=True))

    # ------------------------------------------------------------------
    # The plan: what happened, drawn once
    # ------------------------------------------------------------------

    @api.model
    def _itsm_demo_plan(self, rng, org, anchor, months, size):
        """One dict per ticket, in the order they were reported."""
        start = anchor - relativedelta(months=months)
        span_days = (anchor - start).days
        # A little more work each month (the product's growing use).
        weights = [1.0 + 0.4 * day / span_days for day in range(span_days)]
        days = sorted(rng.choices(range(span_days), weights=weights, k=size))
        plans = []
        for day in days:
            moment = start + timedelta(days=day)
            # Month start is billing time (出账): more billing faults.
            billing_days = moment.day <= 3
            kind = rng.choices(
                ["alert", "fault", "request", "complaint", "screened", "security"],
                weights=[30, 30, 28, 6, 4, 1],
            )[0]
            plan = self._itsm_demo_plan_one(rng, org, kind, billing_days)
            if kind == "alert":
                hour = rng.uniform(0, 24)
            else:
                hour = OFFICE_START_UTC + rng.uniform(0, OFFICE_HOURS)
                if moment.weekday() >= 5 and rng.random() < 0.7:
                    # Weekends: mostly alerts; users call on Monday.
                    moment += timedelta(days=7 - moment.weekday())
            plan["create"] = moment.replace(microsecond=0) + timedelta(
                seconds=int(hour * 3600)
            )
            if plan["create"] >= anchor:
                plan["create"] = anchor - timedelta(minutes=rng.randint(20, 600))
            plans.append(plan)
        # A few recurring faults: the same user calls again about the same
        # system within days (the problems link them).
        for key in [p[7] for p in D.PROBLEMS]:
            fault = next(f for f in D.FAULTS if f[9] == key)
            reporter = rng.choice(org["reporters"])
            moment = start + timedelta(days=rng.randint(0, max(span_days - 45, 0)))
            for _repeat in range(rng.randint(3, 4)):
                moment += timedelta(days=rng.randint(2, 9), hours=rng.randint(1, 6))
                plan = self._itsm_demo_fault(rng, org, fault)
                plan["partner"] = reporter
                plan["create"] = moment.replace(minute=rng.randint(0, 59), second=0)
                plan["cluster"] = True
                plans.append(plan)
        plans.sort(key=lambda p: p["create"])
        self._itsm_demo_plan_outcomes(rng, org, anchor, plans)
        return plans

    def _itsm_demo_fill(self, rng, text):
        return text.format(
            host="{host}",
            hall=rng.choice(D.HALLS),
            value=rng.randint(3, 99),
            month=f"{rng.randint(1, 12)} 月",
        )

    def _itsm_demo_plan_one(self, rng, org, kind, billing_days):
        if kind == "alert":
            alerts = D.ALERTS
            if billing_days:
                alerts = alerts + [a for a in D.ALERTS if a[0] == "billing"] * 2
            alert = rng.choice(alerts)
            system, title, description, *record, impacts, urgencies = alert
            host = rng.choice(D.HOSTS[system])
            value = rng.randint(91, 99)
            return {
                "kind": kind,
                "system": system,
                "name": title.format(host=host, value=value),
                "description": description.format(host=host, value=value),
                "record": record,
                "impact": rng.choice(impacts),
                # Most alerts are caught before users notice.
                "urgency": rng.choice([*urgencies, "medium", "low"]),
                "type": "incident",
                "channel": "monitoring",
                "nature": "emergency",
                "fingerprint": f"{host}:{title[:8]}:{rng.randint(1000, 9999)}",
                "article": None,
            }
        if kind in ("fault", "security"):
            faults = D.FAULTS
            if kind == "security":
                faults = [f for f in D.FAULTS if f[9] == "office_virus"]
            elif billing_days:
                faults = faults + [f for f in D.FAULTS if f[0] == "billing"] * 2
            plan = self._itsm_demo_fault(rng, org, rng.choice(faults))
            if kind == "security":
                plan["type"] = "security_incident"
            return plan
        if kind == "request":
            system, title, description, category = rng.choice(D.REQUESTS)
            value = rng.randint(2, 9)
            return {
                "kind": kind,
                "system": system,
                # Mostly filed under the system; a process change under
                # S2's business branch.
                "category_xmlid": category if rng.random() < 0.25 else None,
                "name": title.format(
                    value=value * (20 if "元" in title else 1),
                    month=f"{rng.randint(1, 12)} 月",
                    hall="营业厅",
                ),
                "description": self._itsm_demo_fill(rng, description),
                "record": [
                    "用户提出的新需求（服务请求）。",
                    "按审批单完成配置并通知申请人。",
                    "申请人确认已可使用。",
                    "无。",
                ],
                "impact": "minor" if rng.random() < 0.75 else "moderate",
                "urgency": rng.choice(["low", "medium", "medium"]),
                "type": "service_request",
                "channel": rng.choice(["email", "web", "phone"]),
                "nature": "business_issue",
                "partner": rng.choice(org["reporters"]),
                "article": None,
            }
        if kind == "complaint":
            system, title, description, *record = rng.choice(D.COMPLAINTS)
            return {
                "kind": kind,
                "system": system,
                "name": title,
                # S2: the people's work did not meet the customer's needs.
                "category_xmlid": "category_service_personnel_results"
                if rng.random() < 0.5
                else None,
                "description": self._itsm_demo_fill(rng, description),
                "record": record,
                "impact": "moderate",
                "urgency": rng.choice(["medium", "low"]),
                "type": "complaint",
                "channel": rng.choice(["phone", "email"]),
                "nature": "customer_complaint",
                "partner": rng.choice(org["reporters"]),
                "article": None,
            }
        title, description, state, note = rng.choice(D.SCREENED_OUT)
        return {
            "kind": kind,
            "system": "crm",
            "name": title,
            "description": description,
            "record": None,
            "impact": "minor",
            "urgency": "low",
            "type": "incident",
            "channel": "phone",
            "nature": "business_issue",
            "partner": rng.choice(org["reporters"]),
            "screening": state,
            "screening_note": note,
            "article": None,
        }

    def _itsm_demo_fault(self, rng, org, fault):
        system, title, description, *record, impacts, urgencies, article = fault
        return {
            "kind": "fault",
            "system": system,
            "name": self._itsm_demo_fill(rng, title),
            "description": self._itsm_demo_fill(rng, description),
            "record": record,
            "impact": rng.choice(impacts),
            "urgency": rng.choice(urgencies),
            "type": "incident",
            "channel": "phone" if rng.random() < 0.8 else "email",
            "nature": "business_issue",
            "partner": rng.choice(org["reporters"]),
            "fault_key": article,
            "article": article
            if article in D.ARTICLES and rng.random() < 0.6
            else None,
        }

    def _itsm_demo_plan_outcomes(self, rng, org, anchor, plans):
        """When each ticket was acknowledged, resolved and closed, by whom,
        and where the open ones stand now."""
        for plan in plans:
            room = org["systems"][plan["system"]]["room"]
            plan["user"] = rng.choice(room["users"])
            created = plan["create"]
            age = anchor - created
            if plan["impact"] == "severe" and plan["urgency"] == "high":
                # Majors are rare: most severe alerts are contained quickly.
                if rng.random() < 0.92:
                    plan["urgency"] = "medium"
            if plan.get("screening"):
                plan["stage"] = (
                    "rejected" if plan["screening"] == "invalid" else "cancelled"
                )
                plan["ack"] = created + timedelta(minutes=rng.randint(3, 30))
                plan["closed"] = plan["ack"] + timedelta(minutes=rng.randint(1, 20))
                continue
            major = plan["impact"] == "severe" and plan["urgency"] == "high"
            fast = plan["impact"] == "minor" or (
                plan["impact"] == "moderate" and plan["urgency"] == "low"
            )
            # Response: mostly within the hour, sometimes late.
            response = rng.choice([3, 5, 8, 12, 15, 20, 30, 45]) + rng.randint(0, 5)
            if rng.random() < 0.07:
                response = rng.randint(70, 240)
            plan["ack"] = created + timedelta(minutes=response)
            if major:
                hours = rng.uniform(2, 20)
            elif plan["impact"] == "severe" or (
                plan["impact"] == "moderate" and plan["urgency"] == "high"
            ):
                hours = (
                    rng.uniform(1, 60) if rng.random() < 0.9 else rng.uniform(75, 110)
                )
            elif fast:
                # "Immediate" (P4): about an hour.
                hours = (
                    rng.uniform(0.2, 0.9)
                    if rng.random() < 0.85
                    else rng.uniform(1.2, 6)
                )
            else:
                hours = rng.uniform(4, 200)
            plan["resolved"] = plan["ack"] + timedelta(hours=hours)
            auto = rng.random() < 0.3
            plan["auto_closed"] = auto
            plan["closed"] = plan["resolved"] + (
                timedelta(days=rng.uniform(3, 5))
                if auto
                else timedelta(hours=rng.uniform(0.2, 30))
            )
            plan["major"] = major
            if age < timedelta(hours=OPEN_HOURS) or plan["closed"] >= anchor:
                self._itsm_demo_plan_open(rng, plan, anchor)
            else:
                plan["stage"] = "done"

    def _itsm_demo_plan_open(self, rng, plan, anchor):
        """An open ticket: where it stands at the anchor."""
        stage = rng.choice(
            ["new", "new", "in_progress", "in_progress", "awaiting", "resolved"]
        )
        if plan["major"]:
            stage = "in_progress"
        plan["stage"] = stage
        plan["closed"] = None
        if plan["resolved"] >= anchor and stage == "resolved":
            plan["stage"] = stage = "in_progress"
        if stage != "resolved":
            plan["resolved"] = None
        if stage == "new" and rng.random() < 0.6 or plan["ack"] >= anchor:
            plan["ack"] = None
            plan["stage"] = "new"

    # ------------------------------------------------------------------
    # Records
    # ------------------------------------------------------------------

    @api.model
    def _itsm_demo_problems(self, rng, org, plans, anchor):
        Problem = self.env["itsm.problem"]
        vals_list = []
        for (
            system,
            title,
            description,
            cause,
            workaround,
            fix,
            state,
            _key,
        ) in D.PROBLEMS:
            room = org["systems"][system]["room"]
            vals_list.append(
                {
                    "name": title,
                    "description": f"<p>{description}</p>",
                    "category_id": org["systems"][system]["category"].id,
                    "department_id": room["department"].id,
                    "user_id": room["users"][:1].id,
                    "root_cause": f"<p>{cause}</p>" if state != "new" else False,
                    "workaround": f"<p>{workaround}</p>",
                    "known_error": state in ("known_error", "resolved", "closed"),
                    "permanent_fix": f"<p>{fix}</p>" if fix else False,
                    "state": state,
                    "date_resolved": anchor - timedelta(days=20)
                    if state in ("resolved", "closed")
                    else False,
                }
            )
        problems = Problem.create(vals_list)
        by_key = dict(zip([p[7] for p in D.PROBLEMS], problems, strict=True))
        for plan in plans:
            problem = by_key.get(plan.get("fault_key"))
            if problem and (plan.get("cluster") or rng.random() < 0.25):
                plan["problem"] = problem
        # Each problem's corrective action.
        self.env["itsm.improvement.action"].create(
            [
                {
                    "name": f"落实问题整改：{problem.name}",
                    "action_type": "corrective",
                    "problem_id": problem.id,
                    "user_id": problem.user_id.id,
                    "date_deadline": (anchor + timedelta(days=15 * index - 30)).date(),
                }
                for index, problem in enumerate(problems)
            ]
        )
        return problems

    @api.model
    def _itsm_demo_tickets(self, org, plans, articles, problems):
        Ticket = self.env["helpdesk.ticket"]
        vals_list = []
        for plan in plans:
            system = org["systems"][plan["system"]]
            category = (
                self._itsm_demo_ref(plan["category_xmlid"])
                if plan.get("category_xmlid")
                else system["category"]
            )
            team = org["desk"] if plan.get("screening") else system["room"]["team"]
            vals = {
                "name": plan["name"],
                "description": f"<p>{plan['description']}</p>",
                "team_id": team.id,
                "user_id": plan["user"].id if not plan.get("screening") else False,
                "category_id": category.id,
                "nature_id": org["natures"][plan["nature"]].id,
                "declaration_type": plan["type"],
                "impact": plan["impact"],
                "urgency": plan["urgency"],
                "channel_id": org["channels"][plan["channel"]].id,
                "screening_state": plan.get("screening") or "valid",
                "screening_note": plan.get("screening_note") or False,
                "problem_id": plan["problem"].id if plan.get("problem") else False,
            }
            if plan["channel"] == "monitoring":
                vals.update(
                    {
                        "event_source_id": org["source"].id,
                        "event_fingerprint": plan["fingerprint"],
                        "event_count": 1 + len(plan["fingerprint"]) % 4,
                    }
                )
            else:
                partner = plan["partner"]
                vals.update(
                    {
                        "partner_id": partner.id,
                        "contact_name": partner.name,
                        "contact_phone": partner.phone,
                    }
                )
            if plan.get("article"):
                vals["knowledge_article_ids"] = [
                    Command.set(articles[plan["article"]].ids)
                ]
            if plan["stage"] in ("done", "resolved") and plan.get("record"):
                cause, measures, result, prevention = plan["record"]
                # The summary's lessons (S1 §3.5.1 经验教训), in the words of
                # the responsible department.
                lessons = (
                    "按标准流程办理，无特别经验教训。"
                    if prevention == "无。"
                    else f"本次暴露的薄弱环节：{cause}今后：{prevention}"
                )
                vals.update(
                    {
                        "resolution_lessons": lessons,
                        "diagnosis": cause,
                        "fix_description": measures,
                        "verification_state": "passed",
                        "verification_result": "已与报告人确认业务恢复正常。",
                        "resolution_cause": cause,
                        "resolution_measures": measures,
                        "resolution_result": result,
                        "resolution_prevention": prevention,
                    }
                )
            elif plan["stage"] in ("in_progress", "awaiting") and plan.get("record"):
                vals["diagnosis"] = plan["record"][0]
            vals_list.append(vals)
        tickets = Ticket.browse()
        for index in range(0, len(vals_list), 200):
            tickets |= Ticket.create(vals_list[index : index + 200])
        return tickets

    @api.model
    def _itsm_demo_dates(self, tickets, plans, closing):
        """The historical timestamps, in one UPDATE."""
        rows = []
        for ticket, plan in zip(tickets, plans, strict=True):
            created = plan["create"]
            ack = plan.get("ack")
            resolved = plan.get("resolved") if closing else None
            closed = plan.get("closed") if closing else None
            user_id = plan["user"].id if ack else None
            done = closed and plan["stage"] == "done"
            last = closed or resolved or ack or created
            rows.append(
                (
                    ticket.id,
                    created,
                    last,
                    created - timedelta(minutes=3),
                    last,
                    ack,
                    user_id,
                    resolved,
                    user_id if resolved else None,
                    resolved - timedelta(minutes=10) if resolved else None,
                    user_id if resolved else None,
                    closed if done and not plan.get("auto_closed") else None,
                    bool(done and plan.get("auto_closed")),
                    closed,
                    created if plan["channel"] == "monitoring" else None,
                    resolved if plan["channel"] == "monitoring" else None,
                )
            )
        if not rows:
            return
        self.env.flush_all()
        types = {name: tickets._fields[name].column_type[1] for name in DATE_COLUMNS}
        values = SQL(", ").join(
            SQL(
                "(%s, %s)",
                row[0],
                SQL(", ").join(
                    SQL("%s::%s", value, SQL(types[name]))
                    for name, value in zip(DATE_COLUMNS, row[1:], strict=True)
                ),
            )
            for row in rows
        )
        columns = [
            name
            for name in DATE_COLUMNS
            if closing
            or name
            not in (
                "resolved_date",
                "resolved_by_id",
                "verified_date",
                "verified_by_id",
                "reporter_confirmed_date",
                "auto_closed",
                "closed_date",
                "event_recovered_date",
            )
        ]
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket AS t SET %(assignments)s, "
                # The follow-up cron (recurrences, proposals, escalations)
                # is for the open tickets; the history's is done below.
                "itsm_follow_up_pending = CASE WHEN %(closing)s AND "
                "v.closed_date IS NOT NULL THEN NULL "
                "ELSE t.itsm_follow_up_pending END "
                "FROM (VALUES %(values)s) AS v(id, %(columns)s) WHERE t.id = v.id",
                assignments=SQL(", ").join(
                    SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name))
                    for name in columns
                ),
                closing=closing,
                values=values,
                columns=SQL(", ").join(SQL.identifier(name) for name in DATE_COLUMNS),
            )
        )
        self.env.invalidate_all()

    @api.model
    def _itsm_demo_clocks(self, tickets, plans):
        """Replay each ticket's SLA clocks at its historical moments with the
        clocks' own operations (start, stop on acknowledgement, pause while
        the reporter confirms, stop on closure)."""
        by_ticket = tickets._itsm_clocks_by_record()
        self.env.cr.execute(
            SQL(
                "UPDATE itsm_deadline AS d SET started_at = t.create_date, "
                "resumed_at = t.create_date FROM helpdesk_ticket AS t "
                "WHERE d.res_model = 'helpdesk.ticket' AND d.res_id = t.id "
                "AND t.id = ANY(%s)",
                tickets.ids,
            )
        )
        self.env["itsm.deadline"].invalidate_model()
        clocks = self.env["itsm.deadline"].union(
            *(by_ticket.get(ticket.id, by_ticket["none"]) for ticket in tickets)
        )
        clocks._plan()
        for ticket, plan in zip(tickets, plans, strict=True):
            kinds = by_ticket.get(ticket.id, by_ticket["none"]).grouped("kind")
            if plan.get("ack") and "response" in kinds:
                kinds["response"]._stop(at=plan["ack"])
            if "resolution" not in kinds:
                continue
            if plan.get("resolved"):
                kinds["resolution"]._pause(at=plan["resolved"])
            if plan.get("closed"):
                if "response" in kinds:
                    kinds["response"]._stop(at=plan["closed"])
                kinds["resolution"]._stop(at=plan["closed"])

    @api.model
    def _itsm_demo_majors(self, rng, org, tickets, plans, anchor):
        """Each major incident: its improvement actions and, once handled,
        its approved review report (the closure gate asks for both)."""
        Action = self.env["itsm.improvement.action"]
        Review = self.env["itsm.incident.review"]
        for ticket, plan in zip(tickets, plans, strict=True):
            if not ticket.is_major:
                continue
            closed = plan.get("closed") or plan.get("resolved") or plan["create"]
            picks = rng.sample(D.IMPROVEMENTS, 2)
            actions = Action.create(
                [
                    {
                        "name": name,
                        "action_type": action_type,
                        "ticket_id": ticket.id,
                        "user_id": plan["user"].id,
                        "date_deadline": (
                            closed + timedelta(days=14 + 7 * index)
                        ).date(),
                    }
                    for index, (action_type, name) in enumerate(picks)
                ]
            )
            if plan["stage"] != "done":
                continue
            # Done when their deadline has long passed; the recent ones run.
            done = (
                actions.filtered(
                    lambda a: a.date_deadline < anchor.date() - timedelta(days=20)
                )
                or actions[:1]
            )
            done.write(
                {"state": "done", "date_done": (closed + timedelta(days=10)).date()}
            )
            lessons = rng.choice(D.MAJOR_LESSONS)
            cause, measures, result, _prevention = plan["record"]
            review = Review.create(
                {
                    "ticket_id": ticket.id,
                    "meeting_date": (closed + timedelta(days=2)).date(),
                    "participant_ids": [
                        Command.set(
                            (plan["user"] | org["leader"] | org["managers"][:2]).ids
                        )
                    ],
                    "cause": f"<p>{cause}</p>",
                    "process": f"<p>{ticket.description or ''}</p><p>{measures}</p>",
                    "result": f"<p>{result}</p>",
                    "lessons": f"<p>{lessons}</p>",
                }
            )
            review.with_user(org["leader"]).sudo().action_approve()

    @api.model
    def _itsm_demo_stages(self, tickets, plans, org):
        """Move the tickets to their stage through the ORM: the closure gate
        and the screening check judge them as for any user."""
        stages = org["stages"]
        by_stage = {}
        for ticket, plan in zip(tickets, plans, strict=True):
            by_stage.setdefault(plan["stage"], []).append(ticket.id)
        Ticket = self.env["helpdesk.ticket"]
        for key in ("in_progress", "awaiting", "resolved"):
            if key in by_stage:
                Ticket.browse(by_stage[key]).write({"stage_id": stages[key].id})
        done = by_stage.get("done", [])
        if done:
            # Straight to Done: the reporters confirmed and rated them long
            # ago (a detour through Resolved would send each a rating
            # request now). The gate still asks for the resolution record,
            # the summary and the verified fix.
            Ticket.sudo().with_context(itsm_history=True).browse(done).write(
                {"stage_id": stages["done"].id}
            )
        for key in ("rejected", "cancelled"):
            if key in by_stage:
                Ticket.browse(by_stage[key]).write({"stage_id": stages[key].id})

    @api.model
    def _itsm_demo_ratings(self, rng, tickets, plans):
        """Most reporters rate their closed ticket; a slow or repeated one
        gets a poor mark."""
        model = self.env["ir.model"]._get_id("helpdesk.ticket")
        vals_list = []
        for ticket, plan in zip(tickets, plans, strict=True):
            if (
                plan["stage"] != "done"
                or not plan.get("partner")
                or plan.get("auto_closed")
            ):
                continue
            if rng.random() < 0.15:
                continue
            late = not ticket.resolution_met or not ticket.response_met
            draw = rng.random()
            if late and draw < 0.5 or draw < 0.04:
                rating, feedback = 1, rng.choice(D.DISSATISFIED)
            elif late and draw < 0.8 or draw < 0.15:
                rating, feedback = 3, rng.choice(D.NEUTRAL)
            else:
                rating, feedback = 5, rng.choice(D.SATISFIED)
            vals_list.append(
                {
                    "res_model_id": model,
                    "res_id": ticket.id,
                    "partner_id": plan["partner"].id,
                    "rated_partner_id": plan["user"].partner_id.id,
                    "rating": rating,
                    "feedback": feedback,
                    "consumed": True,
                }
            )
        ratings = self.env["rating.rating"].create(vals_list)
        if ratings:
            # Rated when the reporter confirmed.
            self.env.cr.execute(
                SQL(
                    "UPDATE rating_rating AS r SET create_date = t.closed_date, "
                    "write_date = t.closed_date FROM helpdesk_ticket AS t "
                    "WHERE r.res_id = t.id AND r.id = ANY(%s)",
                    ratings.ids,
                )
            )
            ratings.invalidate_recordset()
        return ratings

    @api.model
    def _itsm_demo_spot_checks(self, rng, org, anchor, months):
        """A spot check (抽查) of each past month's closed incidents."""
        # The rectification actions' titles in the users' language.
        lang = "zh_CN" if self.env["res.lang"]._lang_get("zh_CN") else self.env.lang
        Round = self.env["itsm.supervision.round"].with_context(lang=lang)
        supervisor = org["supervisor"]
        checks = Round.browse()
        month = date(anchor.year, anchor.month, 1)
        for back in range(min(months, 6) - 1, 0, -1):
            date_from = month - relativedelta(months=back)
            spot_check = Round.create(
                {
                    "name": f"{date_from:%Y年%m月}事件处理抽查",
                    "date_from": date_from,
                    "date_to": date_from + relativedelta(months=1, days=-1),
                    "sample_size": 8,
                    "seed": date_from.year * 100 + date_from.month,
                }
            )
            try:
                spot_check.action_draw_sample()
            except Exception:  # pylint: disable=broad-except
                spot_check.unlink()
                continue
            for check in spot_check.check_ids:
                for line in check.line_ids:
                    if rng.random() < 0.12:
                        line.write(
                            {
                                "result": "fail",
                                "finding": rng.choice(D.SPOT_CHECK_NOTES["fail"]),
                                "action_user_id": check.ticket_id.user_id.id
                                or supervisor.id,
                                "action_deadline": date_from
                                + relativedelta(months=1, days=14),
                            }
                        )
                    else:
                        line.result = "pass"
            spot_check.check_ids.with_user(supervisor).sudo().action_done()
            spot_check.action_done()
            checked = date_from + relativedelta(months=1, days=4)
            self.env.cr.execute(
                SQL(
                    "UPDATE itsm_supervision_check SET date_checked = %s "
                    "WHERE round_id = %s",
                    checked,
                    spot_check.id,
                )
            )
            checks |= spot_check
        # Rectifications of long ago are done.
        actions = checks.check_ids.line_ids.action_id.filtered(
            lambda a: a.date_deadline < anchor.date() - timedelta(days=20)
        )
        actions.write(
            {"state": "done", "date_done": anchor.date() - timedelta(days=25)}
        )
        self.env.invalidate_all()
        return checks

    @api.model
    def _itsm_demo_kpis(self, org, anchor, months):
        """The KPI sums, and the monthly management reports of the past
        months as the cron would have made them."""
        self.env["itsm.kpi.summary"]._refresh()
        Report = self.env["itsm.kpi.monthly.report"]
        company = org["company"]
        recipients = company.itsm_kpi_report_user_ids or org["leader"]
        month = date(anchor.year, anchor.month, 1)
        existing = set(
            Report.search([("company_id", "=", company.id)]).mapped("date_from")
        )
        vals_list = []
        for back in range(min(months, 6), 0, -1):
            date_from = month - relativedelta(months=back)
            if date_from in existing:
                continue
            vals_list.append(
                {
                    "company_id": company.id,
                    "date_from": date_from,
                    "date_to": date_from + relativedelta(months=1, days=-1),
                    "recipient_ids": [Command.set(recipients.ids)],
                    "sent_date": datetime.combine(
                        date_from + relativedelta(months=1),
                        datetime.min.time(),
                    )
                    + timedelta(days=(company.itsm_kpi_report_day or 1) - 1, hours=1),
                }
            )
        return Report.create(vals_list)
