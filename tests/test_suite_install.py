"""The ITSM addons install together and form one suite."""

from odoo.tests.common import TransactionCase

SUITE = ("itsm_incident", "itsm_change", "itsm_billing", "itsm_billing_timesheet")


class TestSuiteInstall(TransactionCase):
    # Odoo tags the test classes of addons itself; these live beside them.
    test_tags = {"standard", "at_install"}
    test_module = "itsm_suite"

    def test_the_addons_are_installed(self):
        modules = self.env["ir.module.module"].search([("name", "in", SUITE)])
        self.assertEqual(
            {module.name: module.state for module in modules},
            dict.fromkeys(SUITE, "installed"),
        )

    def test_the_suite_stands_on_the_oca_helpdesk(self):
        modules = self.env["ir.module.module"].search([("name", "in", SUITE)])
        depends = {
            module.name: set(module.dependencies_id.mapped("name"))
            for module in modules
        }
        self.assertTrue({"helpdesk_mgmt", "hr"} <= depends["itsm_incident"])
        self.assertIn("itsm_incident", depends["itsm_change"])
        self.assertIn("itsm_incident", depends["itsm_billing"])
        # Per-hour billing, a bridge: the timesheets' hr_timesheet and
        # project come only with it.
        self.assertEqual(
            depends["itsm_billing_timesheet"],
            {"itsm_billing", "helpdesk_mgmt_timesheet"},
        )
        self.assertNotIn("hr_timesheet", depends["itsm_billing"])

    def test_service_desk_app_and_settings_section(self):
        admin = self.env.ref("base.user_admin")
        apps = self.env["ir.ui.menu"].with_user(admin).load_menus_root()["children"]
        self.assertIn("Service Desk", [app["name"] for app in apps])
        arch = (
            self.env["res.config.settings"]
            .with_user(admin)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        # Odoo's Settings lead to the ITSM settings (their own form, which
        # the ITSM managers open too) and keep the administrator's part.
        self.assertIn('name="itsm_incident"', arch)
        self.assertIn("Open the ITSM settings", arch)
        self.assertIn('name="itsm_sms_provider"', arch)
        itsm = self.env.ref("itsm_incident.res_config_settings_view_form_itsm")
        arch = (
            self.env["res.config.settings"]
            .with_user(admin)
            .get_views([(itsm.id, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="itsm_default_team_id"', arch)
