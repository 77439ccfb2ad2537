from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

REVIEW_STATES = [("draft", "Draft"), ("approved", "Approved")]
# What a review report must say before it is approved (S1 §3.5.1).
REQUIRED_SECTIONS = ("cause", "process", "result", "lessons")
# Changed only by action_approve and action_reset_to_draft, which check who
# may (security review H5): refused in a plain create or write.
APPROVAL_FIELDS = {"state", "approved_by_id", "approved_date"}
EDITABLE_WHEN_APPROVED = APPROVAL_FIELDS | {"message_main_attachment_id"}


class ItsmIncidentReview(models.Model):
    """The review report of a major incident (重大事件总结报告, S1 §3.5.1):
    its cause, how it was handled, the result and the lessons learned,
    discussed in a review meeting; approved before the incident may close,
    and printed as a PDF kept with it."""

    _name = "itsm.incident.review"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "ITSM Major Incident Review"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Title",
        required=True,
        tracking=True,
        compute="_compute_name",
        store=True,
        precompute=True,
        readonly=False,
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Incident",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, index=True, precompute=True
    )
    state = fields.Selection(
        REVIEW_STATES, required=True, default="draft", tracking=True, index=True
    )
    meeting_date = fields.Date(
        string="Review meeting on", default=fields.Date.context_today, tracking=True
    )
    participant_ids = fields.Many2many(
        "res.users", string="Participants", help="Who took part in the review."
    )
    cause = fields.Html(help="Why the incident happened.")
    process = fields.Html(help="How it was handled, step by step.")
    result = fields.Html(help="The outcome of the handling.")
    lessons = fields.Html(string="Lessons learned")
    approved_by_id = fields.Many2one(
        "res.users", string="Approved by", readonly=True, copy=False
    )
    approved_date = fields.Datetime(string="Approved on", readonly=True, copy=False)
    improvement_action_ids = fields.Many2many(
        "itsm.improvement.action",
        string="Improvement actions",
        compute="_compute_improvement_action_ids",
    )

    _sql_constraints = [
        (
            "ticket_unique",
            "unique(ticket_id)",
            "An incident has one review report.",
        ),
    ]

    @api.depends("ticket_id")
    def _compute_name(self):
        for review in self:
            if review.ticket_id and not review.name:
                review.name = self.env._("Review of %s", review.ticket_id.display_name)

    @api.depends("ticket_id")
    def _compute_improvement_action_ids(self):
        actions = self.env["itsm.improvement.action"].search(
            [("ticket_id", "in", self.ticket_id.ids)]
        )
        by_ticket = actions.grouped("ticket_id")
        for review in self:
            review.improvement_action_ids = by_ticket.get(
                review.ticket_id, actions.browse()
            )

    @api.constrains("ticket_id")
    def _check_ticket_readable(self):
        # Only a ticket the user may read (security review M7).
        self.ticket_id._itsm_check_linkable()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "draft") != "draft" or vals.get("approved_by_id"):
                self._itsm_check_approval_write(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._itsm_check_approval_write(vals)
        if set(vals) - EDITABLE_WHEN_APPROVED and self.filtered(
            lambda r: r.state == "approved"
        ):
            raise UserError(
                self.env._(
                    "An approved review report cannot be changed: ask an ITSM "
                    "manager to reset it to draft."
                )
            )
        return super().write(vals)

    def action_approve(self):
        """Approved by a manager or department head, once complete."""
        if not self.env.user.has_group(
            "itsm_incident.group_itsm_manager"
        ) and not self.env.user.has_group("itsm_incident.group_itsm_department_head"):
            raise AccessError(
                self.env._(
                    "A review report is approved by an ITSM manager or a "
                    "department head."
                )
            )
        for review in self:
            if review.state == "approved":
                raise UserError(
                    self.env._("%s is already approved.", review.display_name)
                )
            missing = review._missing_sections()
            if missing:
                raise UserError(
                    self.env._(
                        "%(review)s cannot be approved yet: write its %(missing)s.",
                        review=review.display_name,
                        missing=", ".join(missing),
                    )
                )
        # sudo: the approval is this action's to record (the guard of
        # write); the approver may write these reviews (checked).
        self.check_access("write")
        self.sudo().write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "approved_date": fields.Datetime.now(),
            }
        )
        # A resolved incident the reporter has confirmed now closes.
        self.ticket_id.filtered(
            lambda t: t.stage_id.itsm_resolved and t.reporter_confirmed_date
        )._itsm_close_resolved()
        return True

    def action_reset_to_draft(self):
        if not self.env.user.has_group("itsm_incident.group_itsm_manager"):
            raise AccessError(
                self.env._("Only an ITSM manager reopens an approved review report.")
            )
        if self.ticket_id.filtered("closed"):
            raise UserError(
                self.env._("The incident is closed: its review report stays approved.")
            )
        # sudo: the reset is this action's to record (the guard of write);
        # the manager may write these reviews (checked).
        self.check_access("write")
        self.sudo().write(
            {"state": "draft", "approved_by_id": False, "approved_date": False}
        )
        return True

    @api.model
    def _itsm_check_approval_write(self, vals):
        if APPROVAL_FIELDS & set(vals) and not self.env.su:
            raise AccessError(
                self.env._(
                    "A review report is approved or reset to draft only with its "
                    "buttons (Approve, Reset to Draft)."
                )
            )

    def _missing_sections(self):
        self.ensure_one()
        labels = self.fields_get(list(REQUIRED_SECTIONS), ["string"])
        return [
            labels[name]["string"]
            for name in REQUIRED_SECTIONS
            if not html2plaintext(self[name] or "").strip()
        ]
