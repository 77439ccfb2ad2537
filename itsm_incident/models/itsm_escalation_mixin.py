import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, models

_logger = logging.getLogger(__name__)


class ItsmEscalationMixin(models.AbstractModel):
    """Records the escalation ladder (DESIGN §3, ``itsm.escalation.rule``)
    watches: rules of the model fire on its deadlines (warning, breach, a
    share of the target), on a state that lasts (a date of the record and
    conditions) and on triggers of its own, and tell the people its hooks
    name. A model on the ladder implements :meth:`_itsm_escalation_responsible`
    at least; the rest has defaults."""

    _name = "itsm.escalation.mixin"
    _inherit = "itsm.deadline.mixin"
    _description = "ITSM Records on the Escalation Ladder"
    # False: the model wakes the sweep for its new records itself (tickets
    # do it right after the commit, in their follow-up).
    _itsm_escalation_schedule_at_create = True

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if self._itsm_escalation_schedule_at_create:
            # sudo: the rules' thresholds decide when to wake the sweep.
            self.env["itsm.escalation.rule"].sudo()._schedule_for(records)
        return records

    def unlink(self):
        # The log lines of the records go with them (``res_id`` cannot
        # cascade).
        # sudo: the log is the system's; users never write it.
        logs = (
            self.env["itsm.escalation.log"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )
        result = super().unlink()
        logs.unlink()
        return result

    # ------------------------------------------------------------------
    # What a model implements
    # ------------------------------------------------------------------

    @api.model
    def _itsm_escalation_scope(self, rule):
        """The records any rule of the model may fire on (e.g. open ones),
        as a domain."""
        return [("active", "=", True)] if "active" in self._fields else []

    @api.model
    def _itsm_escalation_triggers(self):
        """The model's own triggers (keys of ``itsm.escalation.rule.trigger``),
        besides the deadline triggers and "In a state for"."""
        return ()

    @api.model
    def _itsm_escalation_creation_triggers(self):
        """Those of its own triggers that count from the record's creation:
        the sweep is woken at creation + threshold."""
        return ()

    @api.model
    def _itsm_escalation_trigger_domain(self, rule, since):
        """The domain of one of the model's own triggers, waited ``since``."""
        raise NotImplementedError(rule.trigger)

    @api.model
    def _itsm_escalation_conditions(self, rule):
        """Conditions of the model's own the rule sets, as a domain."""
        return []

    def _itsm_escalation_responsible(self):
        """{record id: res.users} who is responsible for each record (the
        org chart starts from them): ``user_id`` by default."""
        if "user_id" not in self._fields:
            return {}
        return {record.id: record.user_id for record in self if record.user_id}

    def _itsm_escalation_org_chart_fallback(self, kind):
        """{record id: res.partner} told when the org chart names nobody of
        ``kind`` (supervisor, department manager, division leader) for the
        record: no one responsible, or no one above them."""
        return {}

    def _itsm_escalation_customers(self):
        """{record id: res.partner} the customers a notice goes to:
        ``partner_id`` by default."""
        Partner = self.env["res.partner"]
        if "partner_id" not in self._fields:
            return {record.id: Partner for record in self}
        return {record.id: record.partner_id for record in self}

    def _itsm_escalation_services(self):
        """{record id: itsm.service} the services each record affects:
        ``service_id`` by default."""
        Service = self.env["itsm.service"]
        if "service_id" not in self._fields:
            return {record.id: Service for record in self}
        return {record.id: record.service_id for record in self}

    def _itsm_escalation_service_interfaces(self):
        """{record id: res.partner} the interface persons of the services
        each record affects, most relevant first (S4)."""
        Partner = self.env["res.partner"]
        result = {}
        for record_id, services in self._itsm_escalation_services().items():
            # sudo: the catalogue's interface persons are employees; only
            # their work contacts leave here.
            interfaces = services.sudo()._itsm_ranked_interfaces()
            result[record_id] = interfaces.employee_id.work_contact_id or Partner
        return result

    def _itsm_escalation_confidential(self):
        """Those of these records whose notices go only to users who may
        read them (never to a partner without a user): none by default."""
        return self.browse()

    def _itsm_escalation_actions(self, rule):
        """What the model does when the rule fires, besides the notices."""

    # ------------------------------------------------------------------
    # Notices (DESIGN §5)
    # ------------------------------------------------------------------

    def _itsm_post_notice(
        self, template, recipients=None, render_context=None, **post_values
    ):
        """Post the editable template ``template`` (a ``mail.template`` or
        its XML id) on each of these records as a message (X-1: every
        notice is a template an ITSM manager edits), rendered in each
        recipient's language: one message per record and language, one
        rendering per language. ``recipients``: {record id: partners}, by
        default each record's ``partner_id``; ``render_context``: values
        the template reads (``ctx``); ``post_values`` go to
        ``message_post`` (``author_id``, ``subtype_xmlid``: a comment by
        default). A deleted template sends nothing (logged): the action goes
        on without its notice."""
        if recipients is None:
            recipients = {
                record.id: record.partner_id if "partner_id" in self._fields else None
                for record in self
            }
        if not isinstance(template, models.BaseModel):
            xmlid, template = template, self.env.ref(template, raise_if_not_found=False)
            if not template:
                _logger.warning("Notice template %s not found: not sent.", xmlid)
                return
        post_values.setdefault("subtype_xmlid", "mail.mt_comment")
        per_lang = defaultdict(dict)
        for record in self:
            partners = recipients.get(record.id) or self.env["res.partner"]
            for lang, lang_partners in partners.grouped("lang").items():
                per_lang[lang or self.env.lang][record.id] = lang_partners
        for lang, partners_of in per_lang.items():
            res_ids = list(partners_of)
            rendered = {
                field: template._render_field(
                    field, res_ids, set_lang=lang, add_context=render_context
                )
                for field in ("subject", "body_html")
            }
            for record in self.browse(res_ids):
                record.message_post(
                    # Rendered from the template's QWeb, escaped there.
                    body=Markup(rendered["body_html"][record.id]),
                    subject=rendered["subject"][record.id],
                    partner_ids=partners_of[record.id].ids,
                    message_type="comment",
                    **post_values,
                )
