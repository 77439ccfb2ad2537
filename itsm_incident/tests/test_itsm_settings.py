from odoo.exceptions import AccessError, ValidationError

from .common import ItsmCase


class TestItsmManagerSettings(ItsmCase):
    """The ITSM manager administers ITSM (issue 12, point 11): the ITSM
    settings are theirs to read and save, not only the Odoo
    administrator's; nothing else of Odoo's settings is."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.users["manager"]
        cls.Settings = cls.env["res.config.settings"]
        cls.Param = cls.env["ir.config_parameter"]

    def form(self, user):
        """What the ITSM settings form loads for ``user``, as the web client
        asks it (the fields of the form's view)."""
        view = self.env.ref("itsm_incident.res_config_settings_view_form_itsm")
        Settings = self.Settings.with_user(user)
        arch = Settings.get_views([(view.id, "form")])["views"]["form"]["arch"]
        fields = [
            name
            for name in Settings._fields
            if f'name="{name}"' in arch and name != "id"
        ]
        return Settings, Settings.default_get(fields)

    def test_the_manager_is_not_an_odoo_administrator(self):
        self.assertFalse(self.manager.has_group("base.group_system"))
        self.assertFalse(self.manager.has_group("base.group_erp_manager"))

    def test_the_manager_finds_and_saves_the_itsm_settings(self):
        self.assertIn(
            "itsm_incident.menu_itsm_config_settings", self.visible_menus("manager")
        )
        Settings, values = self.form(self.manager)
        self.assertEqual(values["itsm_sla_warning_share"], 0.75)
        self.assertTrue(values["itsm_matrix_high_severe"])
        p1 = self.env.ref("itsm_incident.itsm_priority_1")
        values.update(
            {
                "itsm_sla_warning_share": 0.8,
                "itsm_escalation_digest_from": 12,
                "itsm_matrix_medium_severe": p1.id,
                "itsm_auto_assign": False,
            }
        )
        Settings.create(values).execute()
        self.assertEqual(self.Param.get_param("itsm_incident.sla_warning_share"), "0.8")
        self.assertEqual(
            self.Param.get_param("itsm_incident.escalation_digest_from"), "12"
        )
        self.assertEqual(
            self.env["itsm.priority.matrix"]._priority_map()[("severe", "medium")], p1
        )
        self.assertFalse(self.env.company.itsm_auto_assign)
        # What the administrator sees is what the manager saved.
        _Settings, admin_values = self.form(self.env.ref("base.user_admin"))
        self.assertEqual(admin_values["itsm_sla_warning_share"], 0.8)

    def test_the_manager_reads_and_writes_nothing_else(self):
        self.env.company.itsm_sms_access_key_secret = "s3cret"
        Settings = self.Settings.with_user(self.manager)
        values = Settings.default_get(
            [
                "itsm_sms_access_key_secret",
                "itsm_sms_provider",
                "group_itsm_kpi_department",
            ]
        )
        self.assertEqual(values, {}, "the SMS sender and the groups are the admin's")
        before = self.Param.get_param("itsm_incident.sla_warning_share")
        for foreign in (
            {"itsm_sms_provider": "http"},
            {"group_itsm_kpi_department": True},
            {"company_id": self.env["res.company"].create({"name": "Other"}).id},
        ):
            with self.subTest(foreign=foreign), self.assertRaises(AccessError):
                Settings.create(dict(foreign, itsm_sla_warning_share=0.5))
        self.assertEqual(
            self.Param.get_param("itsm_incident.sla_warning_share"), before
        )
        self.assertEqual(self.env.company.itsm_sms_provider, "iap")

    def test_a_bad_value_is_refused_and_changes_nothing(self):
        Settings, values = self.form(self.manager)
        values["itsm_sla_warning_share"] = 1.5
        settings = Settings.create(values)
        with self.assertRaises(ValidationError):
            settings.execute()
        self.assertEqual(
            self.Param.get_param("itsm_incident.sla_warning_share"), "0.75"
        )

    def test_other_roles_cannot(self):
        for role in ("resolver", "agent", "supervisor"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.Settings.with_user(self.users[role]).create(
                    {"itsm_sla_warning_share": 0.5}
                )
            self.assertNotIn(
                "itsm_incident.menu_itsm_config_settings", self.visible_menus(role)
            )
