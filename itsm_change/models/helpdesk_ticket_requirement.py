from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

AGENT = "itsm_incident.group_itsm_agent"
ASSESSMENT_OUTCOMES = [
    ("implement", "To be implemented"),
    ("project", "Proposed as a new project"),
]
ASSESSMENT_FIELDS = frozenset({"request_assessment", "request_assessment_outcome"})
FEEDBACK_RESULTS = [
    ("met", "Meets the requirement"),
    ("partly", "Partly meets the requirement"),
]


# One concern a file on purpose (itsm_incident/readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """Business requirements and data processing (S4 业务需求管理流程,
    业务数据处理流程): the first assessment fed back within its working days
    (it meets the assessment clock), a requirement that changes products
    carries the product department's confirmation, one beyond the system's
    framework or scope is proposed as a new project, an accepted one raises
    the change that delivers it, and the requester evaluates the delivered
    function with the feedback form (《业务需求实现反馈表》) when confirming
    the resolution."""

    _inherit = "helpdesk.ticket"

    request_assessment_days = fields.Integer(related="request_type_id.assessment_days")
    request_asks_product_confirmation = fields.Boolean(
        related="request_type_id.ask_product_confirmation"
    )
    request_changes_products = fields.Boolean(
        string="Changes products",
        help="The requirement changes the company's products: the product "
        "department's confirmation is attached (S4 业务需求 2).",
    )
    request_product_confirmation = fields.Binary(
        string="Product department's confirmation",
        attachment=True,
        copy=False,
    )
    request_product_confirmation_name = fields.Char(
        string="Confirmation file name", copy=False
    )
    request_assessment = fields.Text(
        string="First assessment",
        copy=False,
        help="IT's first assessment, sent to the requester (初步评估意见).",
    )
    request_assessment_outcome = fields.Selection(
        ASSESSMENT_OUTCOMES,
        string="Assessment outcome",
        copy=False,
        tracking=True,
        help="A requirement that changes a system's framework or exceeds the "
        "system's original scope is proposed as a new project (S4 业务需求 3).",
    )
    request_assessed_date = fields.Datetime(
        string="Assessed on", readonly=True, copy=False
    )
    request_assessed_by_id = fields.Many2one(
        "res.users", string="Assessed by", readonly=True, copy=False
    )
    request_feedback_result = fields.Selection(
        FEEDBACK_RESULTS,
        string="Requester's evaluation",
        readonly=True,
        copy=False,
        tracking=True,
        help="The feedback form (业务需求实现反馈表): whether the delivered "
        "function meets the requirement. A requester for whom it does not "
        "says so, and the work goes on.",
    )
    request_feedback = fields.Text(
        string="Requester's feedback", readonly=True, copy=False
    )
    request_change_ids = fields.Many2many(
        "itsm.change",
        "itsm_change_ticket_rel",
        "ticket_id",
        "change_id",
        string="Changes",
        readonly=True,
        copy=False,
    )

    @api.model
    def _itsm_system_fields(self):
        return super()._itsm_system_fields() | {
            "request_assessed_date",
            "request_assessed_by_id",
            "request_feedback_result",
            "request_feedback",
        }

    def _itsm_request_check_fields(self):
        result = super()._itsm_request_check_fields()
        for ticket in self:
            if (
                ticket.request_type_id.ask_product_confirmation
                and ticket.request_changes_products
                and not ticket.request_product_confirmation
            ):
                raise ValidationError(
                    self.env._(
                        "The requirement “%s” changes products: attach the "
                        "product department's confirmation.",
                        ticket.display_name,
                    )
                )
        return result

    def write(self, vals):
        if ASSESSMENT_FIELDS & set(vals) and not self.env.su:
            if not self.env.user.has_group(AGENT):
                raise AccessError(
                    self.env._("Only the service desk assesses a request.")
                )
            sent = self.filtered("request_assessed_date")
            if sent:
                raise UserError(
                    self.env._(
                        "The first assessment of %s was sent: it does not change.",
                        sent[0].display_name,
                    )
                )
        result = super().write(vals)
        if {"request_changes_products", "request_product_confirmation"} & set(vals):
            self.filtered("request_type_id")._itsm_request_check_fields()
        return result

    # ------------------------------------------------------------------
    # First assessment
    # ------------------------------------------------------------------

    def action_request_assess(self):
        """Send IT's first assessment to the requester: the assessment
        clock is met (or breached) now; a requirement proposed as a new
        project leaves the fulfilment here (its clocks stop)."""
        if not self.env.user.has_group(AGENT):
            raise AccessError(
                self.env._("Only the service desk sends a first assessment.")
            )
        for ticket in self:
            if not ticket.request_type_id.assessment_days:
                raise UserError(
                    self.env._(
                        "Requests of the type “%s” have no first assessment.",
                        ticket.request_type_id.name or "-",
                    )
                )
            if ticket.request_assessed_date:
                raise UserError(
                    self.env._(
                        "The first assessment of %(request)s was sent on %(date)s.",
                        request=ticket.display_name,
                        date=ticket.request_assessed_date,
                    )
                )
            if ticket.request_state == "rejected":
                raise UserError(
                    self.env._(
                        "%s was rejected: it is not assessed.", ticket.display_name
                    )
                )
            if not (ticket.request_assessment or "").strip():
                raise UserError(
                    self.env._(
                        "Write the first assessment of %s before sending it.",
                        ticket.display_name,
                    )
                )
            if not ticket.request_assessment_outcome:
                raise UserError(
                    self.env._(
                        "Say whether %s is implemented or proposed as a new project.",
                        ticket.display_name,
                    )
                )
        now = fields.Datetime.now()
        # sudo: the assessment's stamps, after the desk's check above.
        self.sudo().write(
            {"request_assessed_date": now, "request_assessed_by_id": self.env.uid}
        )
        self._itsm_deadline_stop(kinds=["assessment"], at=now)
        self.filtered(
            lambda ticket: ticket.request_assessment_outcome == "project"
        )._itsm_deadline_stop(at=now)
        self._itsm_deadline_sync()
        self._itsm_request_notify("assessment")
        return True

    # ------------------------------------------------------------------
    # The change that delivers an accepted requirement
    # ------------------------------------------------------------------

    def action_request_raise_change(self):
        """A change (draft) to deliver the accepted requirement, linked to
        it: the change manager plans it (CHG-2's unplanned needs)."""
        self.ensure_one()
        if not self.env.user.has_group(AGENT):
            raise AccessError(self.env._("Only the service desk raises a change."))
        if self.request_assessment_outcome != "implement" or not (
            self.request_assessed_date
        ):
            raise UserError(
                self.env._(
                    "%s raises a change once its first assessment says it is "
                    "implemented.",
                    self.display_name,
                )
            )
        return self.env["itsm.change"]._itsm_raise_for(
            self,
            {
                "name": self.name,
                "company_id": self.company_id.id,
                "reason": self.description,
                "description": self.request_assessment,
                "service_ids": [(6, 0, self.service_id.ids)],
                "ticket_ids": [(4, self.id)],
            },
        )

    # ------------------------------------------------------------------
    # The requester's feedback form
    # ------------------------------------------------------------------

    def _itsm_reporter_confirm(self, rate, feedback=None, evaluation=None, **values):
        """A requirement's requester confirms with their evaluation (the
        feedback form): it meets the requirement, or partly; one that does
        not is rejected (:meth:`_itsm_reporter_reject`)."""
        self.ensure_one()
        if self.request_kind == "requirement":
            if evaluation not in dict(FEEDBACK_RESULTS):
                raise UserError(
                    self.env._(
                        "Say whether the delivered function meets your requirement."
                    )
                )
        result = super()._itsm_reporter_confirm(rate, feedback=feedback, **values)
        if self.request_kind == "requirement":
            # sudo: the requester's evaluation of their own requirement, the
            # caller checked they are its reporter.
            self.sudo().write(
                {"request_feedback_result": evaluation, "request_feedback": feedback}
            )
        return result
