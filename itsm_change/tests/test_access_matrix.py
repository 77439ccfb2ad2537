"""The access matrix of itsm_change's models: itsm_incident's matrix
(``TestAccessMatrix``, whose docstring tells how to read the tables) with the
change roles added and the records of the change models. The home change is
a draft requested by the reporter; the buttons check the steps and roles on
top (tested with the workflow). Request types are read by every employee and
kept by ITSM managers; the president's role reads them too. The account
register is read by the holder, their department's head and the desk, kept by
the account requests (ITSM managers correct it), never deleted; employees are
Odoo's (hr), listed because this addon adds the register to them; calendar
events are Odoo's too (every employee edits a public meeting), listed
because CAB meetings are calendar events: deciding on a change in one needs
a CAB member who is its reviewer (tested with the approvals). Monthly
change plans are read by every ITSM user and edited by change managers while
draft (a draft plan is the home record); the departments' heads confirm them
through the tier validation's buttons."""

from odoo.tests import tagged

from odoo.addons.itsm_incident.tests import test_access_matrix as matrix

ROLES = {
    **matrix.ROLES,
    "cab": "itsm_change.group_itsm_change_cab",
    "change_mgr": "itsm_change.group_itsm_change_manager",
    "president": "itsm_change.group_itsm_president",
}

TABLES = """
model                    reporter  resolver  agent     manager   head
calendar.event           rwcu      rwcu      rwcu      rwcu      rwcu
itsm.request.delivery    r.../.... r.../.... r.../.... r.../.... ..../....
itsm.request.delivery.download ..../.... r.../.... r.../.... r.../.... ..../....
hr.employee              r.../.... r.../.... r.../.... r.../.... r.../....
itsm.change              rwcu/.... r.../.... r.../.... r.../.... r.../....
itsm.change.kpi.report   r.../.... r.../.... r.../.... r.../.... r.../....
itsm.change.check        rw../.... rw../.... rw../.... rw../.... rw../....
itsm.change.risk.answer  rwc./.... rwc./.... rwc./.... rwc./.... rwc./....
itsm.service.check.item  r.../.... r.../.... r.../.... rwcu/.... r.../....
itsm.change.risk.question r.../.... r.../.... r.../.... rwcu/.... r.../....
itsm.change.confirmation r.../.... r.../.... r.../.... r.../.... r.../....
itsm.change.conflict     r.../.... r.../.... r.../.... r.../.... r.../....
itsm.change.freeze       r.../.... r.../.... r.../.... r.../.... r.../....
itsm.maintenance.plan    r.../.... r.../.... r.../.... r.../.... r.../....
itsm.change.plan         r.../.... r.../.... r.../.... r.../.... r.../....
itsm.request.type        r.../.... r.../.... r.../.... rwcu/.... r.../....
itsm.system.account      r.../.... r.../.... r.../.... rwc./.... r.../....

model                    risk      supervisor security  kpi_dept  employee
calendar.event           rwcu      rwcu      rwcu      rwcu      rwcu
itsm.request.delivery    ..../.... ..../.... ..../.... ..../.... ..../....
itsm.request.delivery.download ..../.... ..../.... ..../.... ..../.... ..../....
hr.employee              r.../.... r.../.... r.../.... r.../.... r.../....
itsm.change              r.../.... r.../.... r.../.... ..../.... ..../....
itsm.change.kpi.report   r.../.... r.../.... r.../.... ..../.... ..../....
itsm.change.check        rw../.... rw../.... rw../.... ..../.... ..../....
itsm.change.risk.answer  rwc./.... rwc./.... rwc./.... ..../.... ..../....
itsm.service.check.item  r.../.... r.../.... r.../.... r.../.... r.../....
itsm.change.risk.question r.../.... r.../.... r.../.... r.../.... r.../....
itsm.change.confirmation r.../.... r.../.... r.../.... ..../.... ..../....
itsm.change.conflict     r.../.... r.../.... r.../.... ..../.... ..../....
itsm.change.freeze       r.../.... r.../.... r.../.... ..../.... ..../....
itsm.maintenance.plan    r.../.... r.../.... r.../.... ..../.... ..../....
itsm.change.plan         r.../.... r.../.... r.../.... ..../.... ..../....
itsm.request.type        r.../.... r.../.... r.../.... r.../.... r.../....
itsm.system.account      ..../.... ..../.... ..../.... ..../.... ..../....

model                    portal    public    cab       change_mgr president
calendar.event           ....      ....      rwcu      rwcu      rwcu
itsm.request.delivery    ..../.... ..../.... ..../.... ..../.... ..../....
itsm.request.delivery.download ..../.... ..../.... ..../.... ..../.... ..../....
hr.employee              ..../.... ..../.... r.../.... r.../.... r.../....
itsm.change              ..../.... ..../.... r.../.... rwcu/.... ..../....
itsm.change.kpi.report   ..../.... ..../.... r.../.... r.../.... ..../....
itsm.change.check        ..../.... ..../.... rw../.... rw../.... ..../....
itsm.change.risk.answer  ..../.... ..../.... rwc./.... rwc./.... ..../....
itsm.service.check.item  ..../.... ..../.... r.../.... r.../.... r.../....
itsm.change.risk.question ..../.... ..../.... r.../.... r.../.... r.../....
itsm.change.confirmation ..../.... ..../.... r.../.... r.../.... ..../....
itsm.change.conflict     ..../.... ..../.... r.../.... r.../.... ..../....
itsm.change.freeze       ..../.... ..../.... r.../.... rwcu/.... ..../....
itsm.maintenance.plan    ..../.... ..../.... r.../.... rwcu/.... ..../....
itsm.change.plan         ..../.... ..../.... r.../.... rwcu/.... ..../....
itsm.request.type        ..../.... ..../.... r.../.... r.../.... r.../....
itsm.system.account      ..../.... ..../.... ..../.... ..../.... ..../....
"""


@tagged("post_install", "-at_install")
class TestChangeAccessMatrix(matrix.TestAccessMatrix):
    ADDONS = ("itsm_change",)
    ROLES = ROLES
    TABLES = TABLES

    @classmethod
    def _matrix_records(cls, employee):
        home, foreign = super()._matrix_records(employee)
        env = cls.env
        for company, side in (
            (cls.home_company, home),
            (cls.foreign_company, foreign),
        ):
            department = env["hr.department"].create(
                {"name": f"Users of {company.name}", "company_id": company.id}
            )
            # The accounts' holder: the home reporter, someone far away.
            holder = (
                employee
                if company == cls.home_company
                else env["hr.employee"].create(
                    {"name": "Far away", "company_id": company.id}
                )
            )
            # A delivered extraction: the home reporter's.
            delivery = env["itsm.request.delivery"].create(
                {
                    "name": f"Revenue ({company.name}).zip",
                    "ticket_id": side["helpdesk.ticket"].id,
                    "secrecy": "secret",
                    "recipient_id": (
                        cls.role_users["reporter"].partner_id
                        if company == cls.home_company
                        else company.partner_id
                    ).id,
                }
            )
            question = env["itsm.change.risk.question"].create(
                {"name": f"Risky ({company.name})?", "company_id": company.id}
            )
            change, other = (
                env["itsm.change"]
                .with_user(cls.role_users["reporter"])
                .sudo()
                .with_company(company)
                .create(
                    [
                        {"name": f"Upgrade ({company.name})", "company_id": company.id},
                        {"name": f"Patch ({company.name})", "company_id": company.id},
                    ]
                )
                .with_env(env)
            )
            side.update(
                {
                    "itsm.change": change,
                    "itsm.change.confirmation": env["itsm.change.confirmation"]
                    .sudo()
                    .create({"change_id": other.id, "department_id": department.id})
                    .with_env(env),
                    "itsm.change.conflict": env["itsm.change.conflict"].create(
                        {"change_id": other.id, "other_id": change.id, "reason": "Ok"}
                    ),
                    # The KPI row of the change: its id is the change's.
                    "itsm.change.kpi.report": env["itsm.change.kpi.report"].browse(
                        change.id
                    ),
                    "itsm.change.check": env["itsm.change.check"]
                    .sudo()
                    .create({"change_id": other.id, "name": "Orders are taken"})
                    .with_env(env),
                    "itsm.service.check.item": env["itsm.service.check.item"].create(
                        {"service_id": side["itsm.service"].id, "name": "Orders"}
                    ),
                    "itsm.change.risk.answer": other.risk_answer_ids[:1]
                    or env["itsm.change.risk.answer"].create(
                        {"change_id": other.id, "question_id": question.id}
                    ),
                    "itsm.change.risk.question": question,
                    "itsm.maintenance.plan": env["itsm.maintenance.plan"].create(
                        {
                            "name": f"Patching ({company.name})",
                            "company_id": company.id,
                            "service_ids": [(6, 0, side["itsm.service"].ids)],
                            "next_start": "2026-12-20 18:00:00",
                        }
                    ),
                    # A draft plan of a month far from the demo's (the change manager
                    # edits it).
                    "itsm.change.plan": env["itsm.change.plan"]
                    .with_company(company)
                    .create({"date_start": "2031-01-01", "company_id": company.id}),
                    "itsm.change.freeze": env["itsm.change.freeze"].create(
                        {"name": f"Freeze ({company.name})", "company_id": company.id}
                    ),
                    "hr.employee": holder,
                    "itsm.request.delivery": delivery,
                    "itsm.request.delivery.download": env[
                        "itsm.request.delivery.download"
                    ].create(
                        {
                            "delivery_id": delivery.id,
                            "user_id": cls.role_users["reporter"].id,
                            "date": "2026-11-26 09:00:00",
                        }
                    ),
                    "itsm.system.account": env["itsm.system.account"].create(
                        {
                            "login": f"matrix.{company.id}",
                            "service_id": side["itsm.service"].id,
                            "employee_id": holder.id,
                            "company_id": company.id,
                        }
                    ),
                    "itsm.request.type": env["itsm.request.type"].create(
                        {
                            "name": f"Printer toner ({company.name})",
                            "company_id": company.id,
                        }
                    ),
                }
            )
        # A CAB meeting (CHG-6): a calendar event, which calendar's own access
        # rules govern (no company); its agenda is read by ITSM users only.
        home["calendar.event"] = env["calendar.event"].create(
            {
                "name": "CAB (matrix)",
                "itsm_cab_meeting": True,
                "start": "2026-11-26 07:00:00",
                "stop": "2026-11-26 08:00:00",
                "user_id": cls.role_users["change_mgr"].id,
            }
        )
        return home, foreign
