"""Every English term of the suite has its Chinese (zh_CN) translation."""

from pathlib import Path

import polib

from odoo.tests.common import TransactionCase
from odoo.tools.translate import TranslationModuleReader

ROOT = Path(__file__).resolve().parent.parent
SUITE = ("itsm_incident", "itsm_change", "itsm_billing", "itsm_billing_timesheet")


class TestTranslations(TransactionCase):
    test_tags = {"standard", "at_install"}
    test_module = "itsm_suite"

    def test_zh_cn_translates_every_term(self):
        for addon in SUITE:
            with self.subTest(addon=addon):
                terms = {
                    source
                    for _module, _type, _name, _id, source, _value, _comments in (
                        TranslationModuleReader(self.env.cr, modules=[addon])
                    )
                }
                po_path = ROOT / addon / "i18n" / "zh_CN.po"
                translated = (
                    {entry.msgid for entry in polib.pofile(po_path) if entry.msgstr}
                    if po_path.exists()
                    else set()
                )
                self.assertFalse(
                    sorted(terms - translated),
                    f"{addon}: terms without a zh_CN translation",
                )

    def test_a_chinese_user_sees_the_service_desk_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        menu = self.env.ref("itsm_incident.menu_itsm_root")
        self.assertEqual(menu.with_context(lang="zh_CN").name, "服务台")
        group = self.env.ref("itsm_incident.group_itsm_department_head")
        self.assertEqual(group.with_context(lang="zh_CN").name, "业务部负责人")

    def test_zh_cn_translates_the_oca_helpdesk(self):
        """helpdesk_mgmt and helpdesk_mgmt_rating ship no Chinese:
        itsm_incident's i18n_extra/zh_CN.po translates every term of them."""
        extra = polib.pofile(ROOT / "itsm_incident" / "i18n_extra" / "zh_CN.po")
        translated = {entry.msgid for entry in extra if entry.msgstr}
        for module in ("helpdesk_mgmt", "helpdesk_mgmt_rating"):
            with self.subTest(module=module):
                terms = {
                    source
                    for _module, _type, _name, _id, source, _value, _comments in (
                        TranslationModuleReader(self.env.cr, modules=[module])
                    )
                }
                self.assertFalse(
                    sorted(terms - translated), f"{module}: terms without zh_CN"
                )

    def test_zh_cn_translates_the_oca_timesheets_of_tickets(self):
        """helpdesk_mgmt_timesheet and helpdesk_mgmt_project ship no Chinese:
        itsm_billing_timesheet, which installs them, translates every term of
        them in its i18n_extra/zh_CN.po."""
        extra = polib.pofile(
            ROOT / "itsm_billing_timesheet" / "i18n_extra" / "zh_CN.po"
        )
        translated = {entry.msgid for entry in extra if entry.msgstr}
        for module in ("helpdesk_mgmt_timesheet", "helpdesk_mgmt_project"):
            with self.subTest(module=module):
                terms = {
                    source
                    for _module, _type, _name, _id, source, _value, _comments in (
                        TranslationModuleReader(self.env.cr, modules=[module])
                    )
                }
                self.assertFalse(
                    sorted(terms - translated), f"{module}: terms without zh_CN"
                )
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            [
                "helpdesk_mgmt_project",
                "helpdesk_mgmt_timesheet",
                "itsm_billing_timesheet",
            ],
            ["zh_CN"],
        )
        labels = (
            self.env["helpdesk.ticket"]
            .with_context(lang="zh_CN")
            .fields_get(["timesheet_ids", "planned_hours"], ["string"])
        )
        self.assertEqual(labels["timesheet_ids"]["string"], "工时记录")
        self.assertEqual(labels["planned_hours"]["string"], "计划工时")

    def test_a_chinese_user_sees_the_oca_helpdesk_in_chinese(self):
        # What loading the language does: every module's terms, in order;
        # helpdesk_mgmt brings none, itsm_incident's i18n_extra brings them.
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_mgmt", "helpdesk_mgmt_rating", "itsm_incident"], ["zh_CN"]
        )
        Ticket = self.env["helpdesk.ticket"].with_context(lang="zh_CN")
        labels = Ticket.fields_get(
            ["team_id", "user_id", "stage_id", "category_id", "channel_id", "tag_ids"],
            ["string"],
        )
        self.assertEqual(
            {name: description["string"] for name, description in labels.items()},
            {
                "team_id": "团队",
                "user_id": "已分配用户",
                "stage_id": "阶段",
                "category_id": "事件分类",
                "channel_id": "渠道",
                "tag_ids": "标签",
            },
        )
        priorities = dict(Ticket.fields_get(["priority"])["priority"]["selection"])
        self.assertEqual(priorities["3"], "非常高")

        def chinese(xmlid):
            return self.env.ref(xmlid).with_context(lang="zh_CN").name

        self.assertEqual(chinese("helpdesk_mgmt.helpdesk_ticket_stage_new"), "新建")
        self.assertEqual(chinese("helpdesk_mgmt.helpdesk_ticket_stage_done"), "已完成")
        self.assertEqual(chinese("helpdesk_mgmt.helpdesk_ticket_channel_phone"), "电话")
        self.assertEqual(
            chinese("itsm_incident.helpdesk_ticket_stage_resolved"), "已解决"
        )
        self.assertEqual(
            chinese("helpdesk_mgmt_rating.helpdesk_ticket_rating_menu"), "客户评价"
        )
        self.assertEqual(chinese("helpdesk_mgmt.helpdesk_ticket_main_menu"), "服务台")
        form = Ticket.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("分配给我", form, "helpdesk_mgmt's 'Assign to me' button")
