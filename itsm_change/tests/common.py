from freezegun import freeze_time

from odoo.tests import new_test_user

from odoo.addons.itsm_incident.tests.common import ItsmCase, office_calendar, utc

# The tests' "now": Monday 16 March 2026, 10:00 in Shanghai.
NOW = utc(2026, 3, 16, 10, 0)


class ChangeCase(ItsmCase):
    """ItsmCase's organisation plus the change roles (a change manager, a
    second one, a CAB member), a Monday-to-Friday 9:00–18:00 working
    calendar in Shanghai for the company (9 hours a working day), and the
    seeded service catalogue (the billing system depends on the CRM, the
    settlement system on billing, the hotline on the CRM)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for role, group in (
            ("change_manager", "itsm_change.group_itsm_change_manager"),
            ("change_manager2", "itsm_change.group_itsm_change_manager"),
            ("cab", "itsm_change.group_itsm_change_cab"),
            ("ecab", "itsm_change.group_itsm_change_emergency_cab"),
        ):
            cls.users[role] = new_test_user(
                cls.env, login=f"test_{role}", groups=group, tz="Asia/Shanghai"
            )
        cls.calendar = office_calendar(cls.env, "Office hours")
        cls.env.company.resource_calendar_id = cls.calendar
        ref = cls.env.ref
        cls.crm = ref("itsm_incident.itsm_service_crm")
        cls.billing_service = ref("itsm_incident.itsm_service_billing")
        cls.settlement_service = ref("itsm_incident.itsm_service_settlement")
        cls.hotline = ref("itsm_incident.itsm_service_hotline")
        cls.dwh = ref("itsm_incident.itsm_service_dwh")
        # The default settings, whatever the database says.
        params = cls.env["ir.config_parameter"].sudo()
        for key in (
            "window_start",
            "window_end",
            "lead_user_impacting_days",
            "lead_cross_department_days",
        ):
            params.set_param(f"itsm_change.{key}", False)

    def validate(self, change, user, comment="Agreed."):
        """``user`` validates the change's current step with the tier's
        Validate button, giving the opinion the step asks for."""
        return self._decide(
            change, change.with_user(user).validate_tier(), user, comment
        )

    def reject(self, change, user, comment="Not now."):
        """``user`` rejects the change's current step with the tier's Reject
        button, giving the reason the step asks for."""
        return self._decide(change, change.with_user(user).reject_tier(), user, comment)

    def _decide(self, change, action, user, comment):
        """The opinion the button's ``action`` asks for, given by ``user``."""
        if isinstance(action, dict):
            wizard = (
                self.env["comment.wizard"]
                .with_user(user)
                .with_context(**action["context"])
                .create({"comment": comment})
            )
            wizard.add_comment()
        return change

    def validate_tiers(self, change):
        """Every open step of the change validated in turn by its reviewer
        (the CAB member, the emergency CAB member or the org chart's
        manager named by the tier): the last one approves the change."""
        preferred = [
            self.users[role]
            for role in ("cab", "ecab", "department_head", "division_leader")
        ]
        for _step in range(10):
            review = change.review_ids.filtered(
                lambda r: r.status in ("waiting", "pending")
            ).sorted("sequence")[:1]
            if not review:
                break
            reviewer = next(
                (user for user in preferred if user in review.reviewer_ids),
                review.reviewer_ids[:1],
            )
            self.validate(change, reviewer)
        return change

    def make_change(self, start=None, end=None, services=None, user="reporter", **vals):
        """A draft change of ``user`` with its plans, on ``services``."""
        values = {
            "name": "Upgrade",
            "description": "<p>Upgrade of the database.</p>",
            "implementation_plan": "<p>Stop, upgrade, start.</p>",
            "rollback_plan": "<p>Restore the snapshot.</p>",
            "planned_start": start,
            "planned_end": end,
            "service_ids": [(6, 0, (services or self.hotline).ids)],
            "implementer_ids": [(6, 0, self.users["resolver"].ids)],
        }
        values.update(vals)
        return self.env["itsm.change"].with_user(self.users[user]).create(values)


class WorkflowCase(ChangeCase):
    """A change's workflow at the tests' "now" (frozen), an interface
    person of the IT department for the hotline, and the hotline's two main
    business flows checked after its changes (CHG-9)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Item = cls.env["itsm.service.check.item"]
        Item.search([]).unlink()
        cls.flows = Item.create(
            [
                {"service_id": cls.hotline.id, "name": "Calls reach their queue"},
                {"service_id": cls.hotline.id, "name": "Calls are recorded"},
            ]
        )

    def setUp(self):
        super().setUp()
        self.frozen = freeze_time(NOW)
        self.frozen.start()
        self.addCleanup(self.frozen.stop)
        # An interface person of the IT department for the hotline.
        self.env["itsm.service.interface"].create(
            {
                "service_id": self.hotline.id,
                "employee_id": self.employees["other_reporter"].id,
            }
        )

    def approved_change(self, **vals):
        vals.setdefault("department_ids", [(6, 0, (self.business | self.it).ids)])
        change = self.make_change(
            utc(2026, 3, 25, 1, 0), utc(2026, 3, 25, 3, 0), **vals
        )
        change.action_submit()
        self.validate_tiers(change)
        self.assertEqual(change.state, "approved")
        return change

    def implemented_change(self, **vals):
        """An approved change taken through its test gate (each involved
        department confirms) into its implementation, by its implementer."""
        change = self.approved_change(**vals)
        implementer = change.with_user(self.users["resolver"])
        implementer.action_start_testing()
        implementer.test_result = "<p>Checked in test.</p>"
        implementer.action_record_test()
        lines = change.confirmation_ids
        business = lines.filtered(lambda line: line.department_id == self.business)
        business.with_user(self.users["department_head"]).action_confirm()
        (lines - business).with_user(self.users["other_reporter"]).action_confirm()
        implementer.action_implement()
        return change
