from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.itsm_incident.tests.common import ItsmCase, utc

# The month billed in the tests: November 2026; the runs start on 1 December.
NOVEMBER = date(2026, 11, 1)
RUN_TIME = utc(2026, 12, 1, 8, 0)


class BillingCase(ItsmCase):
    """ItsmCase's organisation plus a billing team (operator, checker,
    second checker, supervisor) and two customers' service contracts billed
    by the monthly run: a fixed fee with SLA credits as a share of it, and a
    fee of two units with a fixed credit per breach."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        roles = {
            "operator": "itsm_billing.group_itsm_billing_operator",
            "checker": "itsm_billing.group_itsm_billing_checker",
            "checker2": "itsm_billing.group_itsm_billing_checker",
            "billing_supervisor": "itsm_billing.group_itsm_billing_supervisor",
        }
        cls.billing = {
            role: new_test_user(
                cls.env, login=f"test_billing_{role}", groups=group, tz="Asia/Shanghai"
            )
            for role, group in roles.items()
        }
        # The operator works in the Business department under the division
        # leader: the org chart names their supervisor and department manager.
        cls.env["hr.employee"].create(
            {
                "name": "Billing operator",
                "user_id": cls.billing["operator"].id,
                "department_id": cls.business.id,
                "parent_id": cls.employees["division_leader"].id,
            }
        )
        # The operator's supervisor and department manager, whom the run's
        # deadline escalates to, read billing runs: the ladder tells only
        # those who may read the record (security review H1).
        cls.users["division_leader"].groups_id += cls.env.ref(
            "itsm_billing.group_itsm_billing_supervisor"
        )
        cls.users["department_head"].groups_id += cls.env.ref(
            "itsm_billing.group_itsm_billing_checker"
        )
        # Only the tests' contracts are billed by the run (not the demo's).
        cls.env["contract.contract"].search(
            [("itsm_billed_by_run", "=", True)]
        ).itsm_billed_by_run = False
        # Only the clocks a test starts: the setup's tickets keep none.
        cls.env["itsm.deadline"].search([]).unlink()
        cls.calendar = cls.env.ref("itsm_incident.calendar_24x7")
        cls.service_billing = cls.env.ref("itsm_incident.itsm_service_billing")
        cls.service_crm = cls.env.ref("itsm_incident.itsm_service_crm")
        cls.service_hotline = cls.env.ref("itsm_incident.itsm_service_hotline")
        Product = cls.env["product.product"]
        cls.fee_product = Product.create(
            {"name": "Operations fee", "type": "service", "list_price": 10000}
        )
        cls.hotline_product = Product.create(
            {"name": "Hotline hosting", "type": "service", "list_price": 3000}
        )
        # No taxes: the tests read untaxed and total amounts alike.
        (cls.fee_product | cls.hotline_product).taxes_id = False
        cls.contract_a = cls.make_contract(
            cls.portal_company,
            cls.fee_product,
            10000.0,
            services=cls.service_billing | cls.service_crm,
            itsm_credit_type="share",
            itsm_credit_share=5.0,
            itsm_credit_cap_share=10.0,
        )
        cls.contract_b = cls.make_contract(
            cls.other_company,
            cls.hotline_product,
            3000.0,
            quantity=2,
            services=cls.service_hotline,
            itsm_credit_type="fixed",
            itsm_credit_amount=200.0,
        )

    @classmethod
    def make_contract(cls, partner, product, price, quantity=1, services=None, **vals):
        return cls.env["contract.contract"].create(
            {
                "name": f"Services for {partner.name}",
                "partner_id": partner.id,
                "contract_type": "sale",
                "line_recurrence": True,
                "itsm_billed_by_run": True,
                "itsm_service_ids": [Command.set((services or []) and services.ids)],
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": f"{product.name} #START# – #END#",
                            "quantity": quantity,
                            "price_unit": price,
                            "recurring_rule_type": "monthly",
                            "recurring_interval": 1,
                            "date_start": "2026-01-01",
                        }
                    )
                ],
            }
            | vals
        )

    def ticket(self, partner, service, name="Incident"):
        with freeze_time(utc(2026, 11, 10, 9, 0)):
            return self.env["helpdesk.ticket"].create(
                {
                    "name": name,
                    "description": name,
                    "partner_id": partner.id,
                    "contact_phone": "+86 21 5555 0100",
                    "team_id": self.desk_team.id,
                    "service_id": service.id,
                }
            )

    def clock(self, ticket, kind, start, minutes):
        """Give the ticket a ``kind`` clock of ``minutes`` from ``start``."""
        return self.env["itsm.deadline"]._start(
            ticket, kind, minutes, self.calendar, start=start
        )

    def controlled(self, ticket, **clocks):
        """Replace the ticket's clocks: kind=(start, minutes, stopped at or
        None for still running)."""
        for kind, (start, minutes, stop) in clocks.items():
            clock = self.clock(ticket, kind, start, minutes)
            if stop:
                clock._stop(at=stop)
        return ticket

    def make_breaches(self):
        """November for customer A (contract A covers billing and CRM):
        three targets missed on covered services, one met, one missed on a
        service it does not cover, one missed in October; customer B misses
        one on a service its contract does not cover."""
        a, b = self.portal_company, self.other_company
        nov10 = utc(2026, 11, 10, 9, 0)
        t1 = self.ticket(a, self.service_billing, "Bills wrong")
        self.controlled(
            t1,
            response=(nov10, 30, utc(2026, 11, 10, 10, 0)),  # missed
            resolution=(nov10, 240, None),  # still running past its due time
        )
        t2 = self.ticket(a, self.service_crm, "CRM slow")
        self.controlled(
            t2,
            response=(nov10, 30, utc(2026, 11, 10, 11, 0)),  # missed
            resolution=(nov10, 600, utc(2026, 11, 10, 15, 0)),  # met
        )
        t3 = self.ticket(a, self.service_hotline, "Hotline down")
        self.controlled(t3, response=(nov10, 30, utc(2026, 11, 11, 9, 0)))
        t4 = self.ticket(b, self.service_billing, "B's bills")
        self.controlled(t4, response=(nov10, 30, utc(2026, 11, 11, 9, 0)))
        t5 = self.ticket(a, self.service_billing, "October")
        october = utc(2026, 10, 31, 20, 0)
        self.controlled(t5, response=(october, 30, utc(2026, 11, 2, 9, 0)))
        return t1 | t2 | t3 | t4 | t5

    def new_run(self, user=None, run_type="billing", period=NOVEMBER):
        with freeze_time(RUN_TIME):
            return (
                self.env["itsm.billing.run"]
                .with_user(user or self.billing["operator"])
                .create({"run_type": run_type, "period_start": period})
            )

    def run_to(self, state, run=None):
        """Take a November run as far as ``state``, each step by its role."""
        run = run or self.new_run()
        with freeze_time(RUN_TIME):
            self.as_user(run, "operator").action_check_data()
            if state == "data_checked":
                return run
            self.as_user(run, "operator").action_run()
            if state == "computed":
                return run
            self.tick_all(run)
            self.as_user(run, "checker").action_sign()
            if state == "checked":
                return run
            self.as_user(run, "billing_supervisor").action_review()
            if state == "reviewed":
                return run
            self.as_user(run, "billing_supervisor").action_publish()
        return run

    def as_user(self, run, role):
        return run.with_user(self.billing[role])

    def tick_all(self, run, role="checker"):
        for item in run.report_item_ids:
            item.with_user(self.billing[role]).action_tick()
