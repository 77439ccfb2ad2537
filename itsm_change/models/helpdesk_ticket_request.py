from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

REQUEST_STATES = [
    ("to_approve", "Waiting for approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
ACCOUNT_ACTIONS = [
    ("new", "New account"),
    ("change", "Change of rights"),
    ("remove", "Removal"),
]
SECRECY_GRADES = [
    ("top_secret", "Top secret"),
    ("secret", "Secret"),
    ("confidential", "Confidential"),
]
# What the approvers approve: not changed while they decide.
REQUEST_CONTENT = frozenset(
    {
        "request_type_id",
        "request_purpose",
        "request_scope",
        "request_account_action",
        "service_id",
        "partner_id",
    }
)
# The approval's own stamps, written by its actions only.
REQUEST_STAMPS = frozenset({"request_state", "request_approved_date"})
# The clocks of a request (itsm.deadline kinds added by this addon).
REQUEST_KINDS = ("assessment", "fulfilment")
AGENT = "itsm_incident.group_itsm_agent"
MANAGER = "itsm_incident.group_itsm_manager"


class HelpdeskTicket(models.Model):
    """Requests (CHG-10): a ticket of the type *Service Request* with a
    request type is a request. It is filed like any ticket (back office,
    portal, e-mail), approved through ``base_tier_validation`` (the tiers of
    its type, in order; never by the requester), and its fulfilment clock
    starts when the last approval is given (S4 时限要求) or, for the types
    that say so, when it is received. A ticket without a request type never
    enters the approval: plain tickets and other helpdesk teams are
    untouched."""

    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "tier.validation"]

    _state_field = "request_state"
    _state_from = ["to_approve"]
    _state_to = ["approved"]
    # No state of ours: a rejection keeps the approval trail (S4 归档要求),
    # tier.validation would delete it on its cancel state.
    _cancel_state = "cancel"
    _tier_validation_manual_config = True

    request_type_id = fields.Many2one(
        "itsm.request.type",
        string="Request type",
        index="btree_not_null",
        tracking=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    request_kind = fields.Selection(related="request_type_id.kind")
    request_state = fields.Selection(
        REQUEST_STATES,
        string="Approval",
        readonly=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
    )
    request_approved_date = fields.Datetime(
        string="Approved on", readonly=True, copy=False
    )
    request_purpose = fields.Text(
        string="Purpose", help="What the result will be used for (S4: 使用目的)."
    )
    request_scope = fields.Text(
        string="Scope", help="The data, people or area covered (S4: 使用范围)."
    )
    request_account_action = fields.Selection(ACCOUNT_ACTIONS, string="Account action")
    request_secrecy = fields.Selection(
        SECRECY_GRADES,
        string="Secrecy grade",
        tracking=True,
        help="The grade of the delivered result (S4: 绝密 / 机密 / 保密).",
    )
    request_exceeds_authority = fields.Boolean(
        string="Rights exceed the department's authority",
        tracking=True,
        copy=False,
        help="Set by IT: the division leader approves as well (S4: 上报分管领导).",
    )
    request_needs_president = fields.Boolean(
        string="President's approval needed",
        tracking=True,
        copy=False,
        help="Decided by the IT department's manager (S4: 是否需要公司总裁审批).",
    )
    # Who approves the seeded tiers (reviewer fields of tier definitions).
    request_requester_id = fields.Many2one(
        "res.users", string="Requester", compute="_compute_request_people"
    )
    request_department_manager_id = fields.Many2one(
        "res.users",
        string="Requester's department manager",
        compute="_compute_request_people",
    )
    request_approving_manager_id = fields.Many2one(
        "res.users",
        string="Approving department's manager",
        compute="_compute_request_people",
    )
    request_division_leader_id = fields.Many2one(
        "res.users",
        string="Division leader",
        compute="_compute_request_people",
    )

    @api.depends(
        "partner_id", "department_id", "request_type_id", "create_uid", "company_id"
    )
    def _compute_request_people(self):
        for ticket in self:
            # sudo: the org chart names the approvers whoever files the
            # request (a portal customer reads no department).
            chart = ticket.sudo()
            department = chart.department_id
            approving = chart.request_type_id.approving_department_id
            ticket.request_requester_id = (
                chart.partner_id.user_ids[:1] if chart.partner_id else chart.create_uid
            )
            ticket.request_department_manager_id = department.manager_id.user_id
            ticket.request_approving_manager_id = approving.manager_id.user_id
            ticket.request_division_leader_id = department.parent_id.manager_id.user_id

    # ------------------------------------------------------------------
    # Filing
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        Type = self.env["itsm.request.type"]
        for vals in vals_list:
            if vals.get("request_type_id"):
                request_type = Type.browse(vals["request_type_id"])
                vals["declaration_type"] = "service_request"
                if request_type.team_id and not vals.get("team_id"):
                    vals["team_id"] = request_type.team_id.id
        tickets = super().create(vals_list)
        requests = tickets.filtered("request_type_id")
        if requests:
            requests._itsm_request_check_fields()
            # A request's time limits run whatever its priority (which starts
            # the other clocks once the desk classifies it).
            requests.filtered(lambda ticket: not ticket.itsm_priority).with_context(
                mail_notrack=True
            )._itsm_deadline_start(creating=True, kinds=REQUEST_KINDS)
            requests._itsm_request_submit()
        return tickets

    def write(self, vals):
        new_requests = self.browse()
        if "request_type_id" in vals:
            # A request keeps its type (its tiers and clocks were set by it);
            # a ticket the desk finds to be a request becomes one.
            if self.filtered("request_type_id") and not self.env.su:
                raise UserError(
                    self.env._(
                        "The type of a request is chosen when it is filed; file a "
                        "new request for another type."
                    )
                )
            if vals["request_type_id"]:
                new_requests = self.filtered(lambda ticket: not ticket.request_type_id)
                vals = dict(vals, declaration_type="service_request")
        self._itsm_request_check_flags(vals)
        frozen = REQUEST_CONTENT & set(vals)
        if frozen and not self.env.context.get("skip_validation_check"):
            waiting = self.filtered(lambda ticket: ticket.request_state == "to_approve")
            if waiting:
                raise ValidationError(
                    self.env._(
                        "The request “%(request)s” waits for approval: %(fields)s "
                        "cannot change while its approvers decide.",
                        request=waiting[0].display_name,
                        fields=", ".join(
                            sorted(
                                self._fields[name]._description_string(self.env)
                                for name in frozen
                            )
                        ),
                    )
                )
        unclassified = self.browse()
        if {"impact", "urgency", "priority_override"} & set(vals):
            unclassified = self.filtered(
                lambda ticket: ticket.request_type_id and not ticket.itsm_priority
            )
        result = super().write(vals)
        # Classified now: the priority's clocks start beside the request's.
        unclassified.filtered("itsm_priority")._itsm_deadline_start(kinds=["response"])
        if new_requests:
            new_requests._itsm_request_check_fields()
            # The request's targets replace the priority's resolution.
            new_requests._itsm_deadline_clocks(["resolution"]).unlink()
            new_requests._itsm_deadline_start(kinds=REQUEST_KINDS)
            new_requests._itsm_request_submit()
        if REQUEST_CONTENT & set(vals):
            self.filtered("request_type_id")._itsm_request_check_fields()
        flags = {"request_exceeds_authority", "request_needs_president"} & set(vals)
        if flags:
            self.filtered(
                lambda ticket: ticket.request_state == "to_approve"
            )._itsm_request_follow_tiers()
        return result

    @api.model
    def _itsm_system_fields(self):
        return super()._itsm_system_fields() | REQUEST_STAMPS

    def _itsm_request_check_fields(self):
        """What the type asks for is given (a clear error, nothing saved)."""
        for ticket in self:
            request_type = ticket.request_type_id
            missing = [
                ticket._fields[name]._description_string(self.env)
                for name, asked in (
                    ("request_purpose", request_type.ask_purpose),
                    ("request_scope", request_type.ask_scope),
                    # By e-mail: the desk names the system afterwards.
                    (
                        "service_id",
                        request_type.ask_service
                        and not self.env.context.get("itsm_request_by_mail"),
                    ),
                    ("request_account_action", request_type.ask_account_action),
                )
                if asked and not ticket[name]
            ]
            if missing:
                raise ValidationError(
                    self.env._(
                        "A request of the type “%(type)s” needs: %(fields)s.",
                        type=request_type.name,
                        fields=", ".join(missing),
                    )
                )

    def _itsm_request_check_flags(self, vals):
        """The conditions of the conditional tiers are IT's to set, while the
        request waits for approval: whether the rights exceed the approving
        department's authority (the desk), whether the president approves
        (the IT department's manager: an ITSM manager)."""
        if self.env.su:
            return
        if "request_exceeds_authority" in vals and not self.env.user.has_group(AGENT):
            raise UserError(
                self.env._(
                    "Only the service desk decides whether the rights exceed "
                    "the department's authority."
                )
            )
        if "request_needs_president" in vals and not self.env.user.has_group(MANAGER):
            raise UserError(
                self.env._(
                    "Only the IT department's manager decides whether the "
                    "president approves."
                )
            )
        if {"request_exceeds_authority", "request_needs_president"} & set(vals):
            if self.filtered(lambda ticket: ticket.request_state != "to_approve"):
                raise UserError(
                    self.env._(
                        "Who approves is decided while the request waits for approval."
                    )
                )

    def _itsm_request_submit(self):
        """Ask the approvals of the type's tiers; a request without tiers is
        approved at once."""
        to_approve = self.filtered(lambda ticket: ticket._itsm_request_tiers())
        approved = self - to_approve
        if to_approve:
            to_approve.sudo().write({"request_state": "to_approve"})
            reviews = to_approve.with_context(
                skip_check_state_condition=True
            ).request_validation()
            reviews._itsm_check_reviewers()
            # The first step's turn (tier.validation settles it lazily).
            reviews._compute_can_review()
            # need_validation has no dependencies: a value computed before
            # the reviews existed would ask for them again at the approval.
            to_approve.invalidate_recordset(["need_validation"])
        if approved:
            approved._itsm_request_approved()

    def _itsm_request_tiers(self):
        """The tier definitions that apply to this request now."""
        return self._itsm_matching_tiers()

    def _itsm_request_follow_tiers(self):
        """Conditional tiers follow their condition while the request waits:
        a tier whose condition now holds is added after the others, one whose
        condition no longer holds is dropped if nobody decided it yet."""
        for ticket in self:
            ticket._itsm_follow_tiers(ticket._itsm_request_tiers())

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------

    def action_request_approve(self):
        """Approve the request's current step as its approver (with an
        opinion, 审批意见, when the step asks for one); the last approval
        starts the fulfilment clock (:meth:`_validate_tier`)."""
        self.ensure_one()
        self._itsm_request_check_reviewer()
        return self.validate_tier()

    def action_request_reject(self):
        """Reject the request as the approver of its current step: it is not
        fulfilled; the approval trail stays on it (:meth:`_rejected_tier`)."""
        self.ensure_one()
        self._itsm_request_check_reviewer()
        return self.reject_tier()

    def _validate_tier(self, tiers=False):
        result = super()._validate_tier(tiers)
        if (
            self.request_type_id
            and self.request_state == "to_approve"
            and self.validation_status == "validated"
        ):
            self._itsm_request_approved()
        return result

    def _rejected_tier(self, tiers=False):
        result = super()._rejected_tier(tiers)
        if (
            self.request_type_id
            and self.request_state == "to_approve"
            and "rejected" in self.review_ids.mapped("status")
        ):
            # sudo: the rejection's stamp, after the approver's decision.
            self.sudo().with_context(skip_validation_check=True).write(
                {"request_state": "rejected"}
            )
            self._itsm_deadline_stop()
        return result

    def _itsm_request_check_reviewer(self):
        for ticket in self:
            if ticket.request_state != "to_approve":
                raise UserError(
                    self.env._(
                        "The request “%s” is not waiting for approval.",
                        ticket.display_name,
                    )
                )
            if not ticket.can_review:
                raise UserError(
                    self.env._(
                        "You are not the approver of the request “%(request)s” at "
                        "this step (waiting for: %(todo)s).",
                        request=ticket.display_name,
                        todo=ticket.next_review or "-",
                    )
                )

    def _itsm_request_approved(self, at=None):
        now = at or fields.Datetime.now()
        # sudo: the approval's stamps, after the approvers' decisions.
        self.sudo().write({"request_state": "approved", "request_approved_date": now})
        self.filtered(
            lambda ticket: ticket.request_type_id.clock_start == "approval"
        )._itsm_deadline_start(kinds=["fulfilment"], at=now)

    def _compute_validation_status(self):
        # Only requests have approvals: a plain ticket's status is "no"
        # without reading its (absent) reviews, ticket by ticket.
        plain = self.filtered(lambda ticket: not ticket.request_type_id)
        plain.validation_status = "no"
        return super(HelpdeskTicket, self - plain)._compute_validation_status()

    # tier.validation checks every write of every record, with a query per
    # record: only requests have approvals, plain tickets skip it.
    def _tier_validation_check_state_on_write(self, vals):
        requests = self.filtered("request_type_id")
        return super(HelpdeskTicket, requests)._tier_validation_check_state_on_write(
            vals
        )

    def _tier_validation_check_write_allowed(self, vals):
        requests = self.filtered("request_type_id")
        return super(HelpdeskTicket, requests)._tier_validation_check_write_allowed(
            vals
        )

    def _tier_validation_check_write_remove_reviews(self, vals):
        requests = self.filtered("request_type_id")
        return super(
            HelpdeskTicket, requests
        )._tier_validation_check_write_remove_reviews(vals)

    def _get_under_validation_exceptions(self):
        """While approvers decide, only what they approve is frozen: the
        desk goes on working the ticket (notes, assignment, stage)."""
        return [name for name in self._fields if name not in REQUEST_CONTENT]

    def _check_allow_write_under_validation(self, vals):
        return not (REQUEST_CONTENT & set(vals))

    def _get_to_validate_message_name(self):
        return self.env._("Request")

    # ------------------------------------------------------------------
    # Deadlines
    # ------------------------------------------------------------------

    def _itsm_deadline_targets(self):
        """A request's first assessment (from its receipt) and fulfilment
        (from the last approval, or its receipt) are due in working days of
        the company's working time; its fulfilment replaces the priority's
        resolution target."""
        targets = super()._itsm_deadline_targets()
        request_type = self.request_type_id
        if not request_type:
            return targets
        calendar = self.company_id.resource_calendar_id or self.env.ref(
            "itsm_incident.calendar_24x7"
        )
        day = (calendar.hours_per_day or 8.0) * 60
        targets.pop("resolution", None)
        if request_type.assessment_days:
            targets["assessment"] = (
                request_type.assessment_days * day,
                calendar,
                request_type.name,
            )
        if request_type.fulfilment_days and (
            request_type.clock_start == "receipt" or self.request_state == "approved"
        ):
            targets["fulfilment"] = (
                request_type.fulfilment_days * day,
                calendar,
                request_type.name,
            )
        return targets

    def _itsm_deadline_group_key(self):
        key = super()._itsm_deadline_group_key()
        if not self.request_type_id:
            return key
        return (key, self.request_type_id, self.request_state)

    def _itsm_route_by_type(self):
        # A request goes to its approvers (the tiers), not to the head of
        # the reporter's department as an untyped service request does.
        plain = self - self.filtered("request_type_id")
        return super(HelpdeskTicket, plain)._itsm_route_by_type()
