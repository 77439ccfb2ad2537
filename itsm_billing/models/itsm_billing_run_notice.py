from collections import defaultdict

from odoo import models

# The notices a run sends (BIL-5): {outcome: (mail template, SMS template)}.
NOTICES = {
    "succeeded": (
        "itsm_billing.mail_template_run_succeeded",
        "itsm_billing.sms_template_run_succeeded",
    ),
    "failed": (
        "itsm_billing.mail_template_run_failed",
        "itsm_billing.sms_template_run_failed",
    ),
    "anomaly": (
        "itsm_billing.mail_template_run_anomaly",
        "itsm_billing.sms_template_run_anomaly",
    ),
}


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRun(models.Model):
    """The notices of a run (BIL-5, S4 出账结算 时限要求): when a run ends,
    succeeded or failed, a text message to the operator's department
    manager and supervisor and an e-mail to the whole department with the
    manager in copy; an anomaly the operator reports goes by text and
    e-mail to the supervisor and manager at once. The texts are editable
    mail and SMS templates; like every notice of the suite, they reach
    only those who may read the run (security review H1)."""

    _inherit = "itsm.billing.run"

    def _itsm_notice_people(self):
        """{run id: (managers, department, copy)}: the operator's supervisor
        and department manager (the billing supervisors when the org chart
        names nobody), the work contacts of the operator's department and
        its sub-departments, and its manager — only those who may read the
        run."""
        Partner = self.env["res.partner"]
        chart = self.operator_id._itsm_org_chart()
        fallback = self._itsm_escalation_org_chart_fallback("supervisor")
        # sudo: the org chart decides who is told, whatever the HR rights of
        # whoever runs; only work contacts leave it.
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([("user_id", "in", self.operator_id.ids)])
            .grouped("user_id")
        )
        managers, department, copy = {}, {}, {}
        for run in self:
            org = chart.get(run.operator_id.id, {})
            manager = org.get("department_manager", Partner)
            managers[run.id] = (org.get("supervisor", Partner) | manager) or (
                fallback.get(run.id, Partner)
            )
            dept = employees.get(run.operator_id, self.env["hr.employee"])[
                :1
            ].department_id
            # sudo: the operator's department (its sub-departments too)
            # receives the notice, whatever HR rights the step's user has;
            # only the members' contacts are read.
            members = (
                self.env["hr.employee"]
                .sudo()
                .search([("department_id", "child_of", dept.ids)])
                .work_contact_id
                if dept
                else Partner
            )
            copy[run.id] = manager
            department[run.id] = members - manager
        Rule = self.env["itsm.escalation.rule"]
        return {
            run.id: (
                Rule._itsm_only_readers(run, managers)[run.id],
                Rule._itsm_only_readers(run, department)[run.id],
                Rule._itsm_only_readers(run, copy)[run.id],
            )
            for run in self
        }

    def _itsm_send_notice(self, outcome, error=None):
        """Send the ``outcome`` notice of each run: texts to the managers;
        e-mails to the department (the managers when none is known), the
        manager in copy (an anomaly: to the managers only). Returns {run id:
        partners told}."""
        mail_xmlid, sms_xmlid = NOTICES[outcome]
        mail_template = self.env.ref(mail_xmlid, raise_if_not_found=False)
        sms_template = self.env.ref(sms_xmlid, raise_if_not_found=False)
        context = {"itsm_run_error": error or ""}
        told = {}
        mails, texts = [], []
        for run, (managers, department, copy) in self._itsm_notice_people().items():
            run = self.browse(run)
            # No department known: the managers get the e-mail.
            to = managers if outcome == "anomaly" else (department or managers)
            cc = self.env["res.partner"] if outcome == "anomaly" else copy
            if mail_template and (to or cc):
                mails += run._itsm_notice_mails(mail_template, to or cc, cc, context)
            if sms_template:
                texts += run._itsm_notice_texts(sms_template, managers, context)
            told[run.id] = managers | to | cc
            run._itsm_log_notes(
                {
                    run.id: self.env._(
                        "Notice “%(notice)s” sent to %(names)s.",
                        notice=mail_template.name if mail_template else outcome,
                        names=", ".join(told[run.id].mapped("name"))
                        or self.env._("nobody (no recipient found in the org chart)"),
                    )
                }
            )
        # sudo: the run's step sends the notices the templates configure to
        # the org chart's readers, not to people its user chooses.
        self.env["mail.mail"].sudo().create(mails)
        self.env["sms.sms"].sudo().create(texts)
        return told

    def _by_lang(self, partners):
        """{language: partners}: each reads the notice in their language."""
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        fallback = self.env.lang if self.env.lang in installed else "en_US"
        by_lang = defaultdict(lambda: self.env["res.partner"])
        for partner in partners:
            by_lang[partner.lang if partner.lang in installed else fallback] |= partner
        return by_lang

    def _itsm_notice_mails(self, template, to, cc, context):
        """One mail per language of the recipients, the copy on the one in
        the copied person's language (else on the first); the copied
        person alone is the recipient when nobody else is."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        by_lang = self._by_lang(to - cc)
        if not by_lang:
            by_lang, cc = self._by_lang(cc), Partner
        cc_lang = next(iter(self._by_lang(cc)), None)
        if cc_lang not in by_lang:
            cc_lang = next(iter(by_lang), None)
        values = []
        for lang, partners in by_lang.items():
            rendered = {
                field: template._render_field(
                    field, self.ids, set_lang=lang, add_context=context
                )[self.id]
                for field in ("subject", "body_html")
            }
            copy = cc if lang == cc_lang else Partner
            values.append(
                {
                    "subject": rendered["subject"],
                    "body_html": rendered["body_html"],
                    "recipient_ids": [(6, 0, partners.ids)],
                    "email_cc": ",".join(filter(None, copy.mapped("email"))),
                    "model": self._name,
                    "res_id": self.id,
                    "auto_delete": False,
                }
            )
        return values

    def _itsm_notice_texts(self, template, partners, context):
        self.ensure_one()
        values = []
        for lang, lang_partners in self._by_lang(partners).items():
            body = template._render_field(
                "body", self.ids, set_lang=lang, add_context=context
            )[self.id]
            for partner in lang_partners:
                number = partner.mobile or partner.phone
                if number:
                    values.append(
                        {"number": number, "partner_id": partner.id, "body": body}
                    )
        return values

    def action_report_anomaly(self):
        """The operator reports an anomaly of the run in one click: the
        supervisor and the department manager get a text and an e-mail at
        once (BIL-5)."""
        step = self.env._("Reporting an anomaly")
        self._itsm_step_check(
            ("draft", "data_checked", "running", "failed", "computed", "checked")
            + ("reviewed",),
            "itsm_billing.group_itsm_billing_operator",
            step,
        )
        told = self._itsm_send_notice("anomaly")
        names = ", ".join(
            self.env["res.partner"].union(*told.values()).mapped("name")
        ) or self.env._("nobody")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "message": self.env._("Anomaly reported to %s.", names),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
