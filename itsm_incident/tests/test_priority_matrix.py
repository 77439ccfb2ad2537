from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CALLER, ItsmCase, close_the_loop

# S2 §5.4.3, exactly: (impact, urgency) -> priority level
S2_MATRIX = {
    ("severe", "high"): "1",
    ("moderate", "high"): "2",
    ("minor", "high"): "4",
    ("severe", "medium"): "2",
    ("moderate", "medium"): "3",
    ("minor", "medium"): "4",
    ("severe", "low"): "3",
    ("moderate", "low"): "4",
    ("minor", "low"): "4",
}


@tagged("post_install", "-at_install")
class TestPriorityMatrix(ItsmCase):
    def new_ticket(self, impact, urgency, **vals):
        return self.env["helpdesk.ticket"].create(
            {
                "name": f"{impact}/{urgency}",
                "description": "x",
                "impact": impact,
                "urgency": urgency,
                "team_id": self.desk_team.id,
                **vals,
            }
        )

    def priority(self, level):
        return self.env["itsm.priority"].search([("level", "=", level)])

    def test_all_nine_cells_follow_s2(self):
        for (impact, urgency), level in S2_MATRIX.items():
            with self.subTest(impact=impact, urgency=urgency):
                ticket = self.new_ticket(impact, urgency)
                self.assertEqual(ticket.itsm_priority, level)
        self.assertEqual(len(self.env["itsm.priority.matrix"].search([])), 9)

    def test_targets_of_the_levels(self):
        hours = {
            level: self.priority(level).effective_resolution_hours for level in "1234"
        }
        # P3 "< 1 month" is a calendar month (no fixed hours); it used to be
        # 720 hours.
        self.assertEqual(hours, {"1": 24, "2": 72, "3": 0, "4": 1})
        self.assertEqual(
            [self.priority(level).resolution_target_display for level in "1234"],
            ["24 h", "72 h", "1 month", "1 h"],
        )
        self.env["ir.config_parameter"].set_param(
            "itsm_incident.immediate_target_hours", "0.5"
        )
        self.priority("4").invalidate_recordset()
        self.assertEqual(self.priority("4").effective_resolution_hours, 0.5)
        ticket = self.new_ticket("minor", "low")
        self.assertEqual(ticket.resolution_target_hours, 0.5)

    def test_priority_recomputes_is_tracked_and_mirrored(self):
        ticket = self.new_ticket("minor", "low").with_context(tracking_disable=False)
        self.assertEqual((ticket.itsm_priority, ticket.priority), ("4", "0"))
        self.env.cr.precommit.run()  # as if created in an earlier transaction
        ticket.write({"impact": "severe", "urgency": "high"})
        self.assertEqual((ticket.itsm_priority, ticket.priority), ("1", "3"))
        self.env.cr.precommit.run()  # tracking is written at commit
        ticket.invalidate_recordset(["message_ids"])
        tracked = ticket.message_ids.tracking_value_ids.filtered(
            lambda v: v.field_id.name == "itsm_priority"
        )
        self.assertTrue(tracked, "the priority change is in the chatter")

    def test_unclassified_ticket_has_no_priority_yet(self):
        ticket = self.new_ticket(False, False)
        self.assertFalse(ticket.itsm_priority)
        self.assertEqual(ticket.priority, "1", "helpdesk default kept")

    def test_admin_edits_a_cell_and_open_tickets_follow(self):
        open_ticket = self.new_ticket("moderate", "medium")
        other = self.new_ticket("moderate", "low")
        closed = self.new_ticket("moderate", "medium", **CALLER)
        close_the_loop(self.screen(closed)).stage_id = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_done"
        )
        settings = Form(
            self.env["res.config.settings"],
            view="itsm_incident.res_config_settings_view_form_itsm",
        )
        self.assertEqual(settings.itsm_matrix_medium_moderate, self.priority("3"))
        settings.itsm_matrix_medium_moderate = self.priority("2")
        settings.save().execute()
        self.assertEqual(open_ticket.itsm_priority, "2")
        self.assertEqual(other.itsm_priority, "4", "other cells untouched")
        self.assertEqual(closed.itsm_priority, "3", "closed tickets keep theirs")
        self.assertIn("P2", open_ticket.message_ids[:1].body)

    def test_incomplete_matrix_is_refused(self):
        settings = Form(
            self.env["res.config.settings"],
            view="itsm_incident.res_config_settings_view_form_itsm",
        )
        settings.itsm_matrix_low_minor = self.env["itsm.priority"]
        with self.assertRaisesRegex(ValidationError, "must be complete"):
            settings.save().execute()
        cell = self.env.ref("itsm_incident.matrix_low_minor")
        self.assertEqual(cell.priority_id, self.priority("4"), "nothing saved")
        with self.assertRaises(UserError):
            cell.unlink()

    def test_contradictory_matrix_is_refused(self):
        cell = self.env.ref("itsm_incident.matrix_high_severe")
        with self.assertRaisesRegex(ValidationError, "Contradictory"):
            cell.priority_id = self.priority("4")
        settings = Form(
            self.env["res.config.settings"],
            view="itsm_incident.res_config_settings_view_form_itsm",
        )
        # Raising two cells together is consistent and accepted as a whole.
        settings.itsm_matrix_high_minor = self.priority("2")
        settings.itsm_matrix_high_moderate = self.priority("1")
        settings.save().execute()
        self.assertEqual(self.new_ticket("minor", "high").itsm_priority, "2")

    def test_only_managers_override_with_a_reason(self):
        ticket = self.new_ticket("minor", "low")
        with self.assertRaises(AccessError):
            ticket.with_user(self.users["agent"]).priority_override = "1"
        with self.assertRaises(ValidationError):
            ticket.with_user(self.users["manager"]).priority_override = "1"
            ticket.flush_recordset()
        ticket.with_user(self.users["manager"]).write(
            {"priority_override": "1", "priority_override_reason": "CEO's laptop"}
        )
        self.assertEqual(ticket.itsm_priority, "1")
        ticket.urgency = "medium"
        self.assertEqual(ticket.itsm_priority, "1", "the override wins")

    def test_grade_from_rules(self):
        self.assertEqual(self.new_ticket("severe", "high").grade, "major")
        self.assertTrue(self.new_ticket("severe", "high").is_major)
        self.assertEqual(self.new_ticket("moderate", "high").grade, "important")
        self.assertEqual(self.new_ticket("severe", "low").grade, "important")
        self.assertEqual(self.new_ticket("moderate", "medium").grade, "general")
        rule = self.env["itsm.grade.rule"].create(
            {"sequence": 1, "impact": "moderate", "grade": "major"}
        )
        self.assertTrue(rule)
        self.assertEqual(self.new_ticket("moderate", "medium").grade, "major")

    def test_s2_definitions_are_shown_where_the_desk_classifies(self):
        """S2 §5.4.3's definition of each impact and urgency level is the help
        of the fields in the ticket form, in English and in S2's Chinese."""
        form = self.env["helpdesk.ticket"].get_views([(False, "form")])
        arch = form["views"]["form"]["arch"]
        self.assertIn('name="impact"', arch)
        self.assertIn('name="urgency"', arch)
        english = form["models"]["helpdesk.ticket"]["fields"]
        self.assertIn(
            "Severe: a fairly serious effect on the customer's reputation",
            english["impact"]["help"],
        )
        self.assertIn(
            "Medium: part of the service is unavailable", english["urgency"]["help"]
        )
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["itsm_incident"], ["zh_CN"])
        chinese = (
            self.env["helpdesk.ticket"]
            .with_context(lang="zh_CN")
            .fields_get(["impact", "urgency"], ["help"])
        )
        for fname, definition in (
            ("impact", "轻微：基本不会造成不良影响和严重后果"),
            ("impact", "严重：对客户的声誉或财产造成较为严重的影响"),
            ("urgency", "低：服务性能下降"),
            ("urgency", "高：某个服务中心整个服务不可用，或关键岗位人员缺失"),
        ):
            self.assertIn(definition, chinese[fname]["help"])
