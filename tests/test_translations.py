"""Every English term of the suite has its Chinese (zh_CN) translation."""

from pathlib import Path

import polib

from odoo.tests.common import TransactionCase
from odoo.tools.translate import TranslationModuleReader

ROOT = Path(__file__).resolve().parent.parent
SUITE = ("itsm_incident", "itsm_change", "itsm_billing")


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
