from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

SECURITY_GROUP = "itsm_incident.group_itsm_security"


# One concern a file, as itsm_escalation_rule_sla_share.py.
# pylint: disable=consider-merging-classes-inherited
class ItsmEscalationRule(models.Model):
    """Whom and what a rung may reach (security review H1, H2).

    A rule belongs to a company and watches that company's records only;
    a rule without a company is shared by all companies and only
    administrators edit it (the seeded rules; record rules in
    ``security/itsm_incident_security.xml``). Whatever the rule says, a
    notice (mail, copy, text message, activity, digest) about a record goes
    only to the recipients the record's global rules let read it: their
    companies, and for a confidential record (a security incident) the
    security group. Partners without a user receive no confidential record's
    notice."""

    _inherit = "itsm.escalation.rule"

    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="The rule watches this company's records only. Empty: the "
        "records of every company (a shared rule, which only administrators "
        "edit).",
    )

    @api.constrains("declaration_type", "company_id")
    def _check_confidential_scope(self):
        """Only the security group escalates security incidents by name; a
        rule of a company reaches none otherwise
        (``helpdesk.ticket._itsm_escalation_conditions``)."""
        if self.env.su or self.env.user.has_group(SECURITY_GROUP):
            return
        for rule in self:
            if rule.declaration_type == "security_incident":
                raise ValidationError(
                    self.env._(
                        "Rule “%s”: only the information-security group may "
                        "escalate security incidents.",
                        rule.name,
                    )
                )

    @api.constrains("mail_template_id", "sms_template_id", "model_id")
    def _check_template_model(self):
        """A rule's templates are of its model (the form's domain, below the
        UI too): no notice of another model (portal links, rating tokens)
        rendered on its records."""
        for rule in self:
            for template in (rule.mail_template_id, rule.sms_template_id):
                if template and template.model_id != rule.model_id:
                    raise ValidationError(
                        self.env._(
                            "Rule “%(rule)s”: the template “%(template)s” is not "
                            "one of %(model)s records.",
                            rule=rule.name,
                            template=template.name,
                            model=rule.model_id.name,
                        )
                    )

    def _due_domain(self, now):
        domain = super()._due_domain(now)
        if self.company_id and "company_id" in self.env[self.model_name]._fields:
            domain += [("company_id", "=", self.company_id.id)]
        return domain

    def _recipients(self, records):
        """Those of the rule's recipients who may read each record."""
        return self._itsm_only_readers(records, super()._recipients(records))

    # ------------------------------------------------------------------
    # Who may read what
    # ------------------------------------------------------------------

    @api.model
    def _itsm_reader_ids(self, records, users):
        """{user id: ids of ``records`` the user may read past the walls}:
        the model's access rights and its global record rules (companies,
        confidentiality), evaluated as the rule engine does for that user
        in all their companies. Role rules (a team's tickets, a department's)
        do not narrow it: the ladder tells the org chart of records beyond
        its members' daily work (S4), never past those walls."""
        model = records._name
        # sudo: the record rules are the administrator's; only their
        # domains, evaluated for each user, leave here.
        rules = (
            self.env["ir.rule"]
            .sudo()
            .search(
                [
                    ("model_id.model", "=", model),
                    ("global", "=", True),
                    ("perm_read", "=", True),
                ]
            )
        )
        context = {
            key: value
            for key, value in self.env.context.items()
            if key != "allowed_company_ids"
        }
        result = {}
        # Users whose walls evaluate alike (the same companies and groups:
        # most of a sweep's recipients) share one search.
        by_walls = {}
        for user in users:
            env = self.env(user=user.id, su=False, context=context)
            if not env["ir.model.access"].check(model, "read", raise_exception=False):
                result[user.id] = set()
                continue
            eval_context = env["ir.rule"]._eval_context()
            walls = expression.AND(
                [
                    safe_eval(rule.domain_force, eval_context)
                    for rule in rules
                    if rule.domain_force
                ]
                or [[]]
            )
            key = repr(walls)
            if key not in by_walls:
                # sudo: the walls' domain applied to these records, as the
                # rule engine applies it; only ids leave here.
                by_walls[key] = set(
                    records.sudo()
                    .with_context(active_test=False)
                    .search(expression.AND([[("id", "in", records.ids)], walls]))
                    .ids
                )
            result[user.id] = by_walls[key]
        return result

    def _itsm_only_readers(self, records, recipients):
        """``recipients`` ({record id: partners}) without the partners who
        may not read the record: a partner with users when none of them
        may, a partner without a user for a confidential record."""
        Partner = self.env["res.partner"]
        partners = Partner.union(*recipients.values()) if recipients else Partner
        readers = self._itsm_reader_ids(records, partners.user_ids)
        confidential = set(records._itsm_escalation_confidential().ids)
        # What each partner may read, once: their users' records (None: a
        # contact without a user, who reads none of the confidential ones).
        readable = {}
        for partner in partners:
            users = partner.user_ids
            if not users:
                readable[partner.id] = None
            elif len(users) == 1:
                readable[partner.id] = readers[users.id]
            else:
                readable[partner.id] = set().union(*(readers[u.id] for u in users))
        result = {}
        for record_id in records.ids:
            result[record_id] = Partner.browse(
                [
                    partner_id
                    for partner_id in recipients.get(record_id, Partner).ids
                    if (
                        record_id not in confidential
                        if readable[partner_id] is None
                        else record_id in readable[partner_id]
                    )
                ]
            )
        return result

    def _itsm_cc_by_record(self, records):
        """{record id: the addresses in copy}: the members of the copy group
        who may read the record."""
        users = self.cc_group_id.users.filtered("email")
        readers = self._itsm_reader_ids(records, users)
        return {
            record_id: ",".join(
                user.email for user in users if record_id in readers[user.id]
            )
            for record_id in records.ids
        }
