from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The automatic removals of HR's records (S4 系统帐号管理流程 3)).
HR_ORIGINS = [
    ("departure", "Departure"),
    ("transfer", "Change of post"),
]


# One concern a file on purpose (itsm_incident's readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """System account requests keep the account register: whose account it
    is, its login, the account a change or removal is about; when the
    request is fulfilled (resolved), the register follows. The removal
    requests HR's records cause (a departure, a change of post) need no
    approval: the HR record is their approval (离职审批单, 人员岗位变动记录),
    their 1-working-day clock starts at once."""

    _inherit = "helpdesk.ticket"

    request_account_holder_id = fields.Many2one(
        "hr.employee",
        string="Account holder",
        check_company=True,
        context={"active_test": False},
        help="Whose account it is: the requester's own by default.",
    )
    request_account_id = fields.Many2one(
        "itsm.system.account",
        string="Account",
        index="btree_not_null",
        check_company=True,
        domain="[('state', '=', 'active'), ('service_id', '=?', service_id), "
        "('employee_id', '=?', request_account_holder_id)]",
        help="The account of the register a change of rights or a removal is about.",
    )
    request_account_login = fields.Char(
        string="Login",
        help="The login of the new account, given by whoever creates it.",
    )
    request_origin = fields.Selection(
        HR_ORIGINS,
        string="Filed by HR's record",
        readonly=True,
        copy=False,
        help="Filed by the system from HR's record of a departure or change of post.",
    )

    @api.onchange("request_account_id")
    def _onchange_request_account_id(self):
        account = self.request_account_id
        if account:
            self.service_id = account.service_id
            self.request_account_holder_id = account.employee_id

    # ------------------------------------------------------------------
    # Filing
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        Account = self.env["itsm.system.account"]
        for vals in vals_list:
            if vals.get("request_account_id") and not vals.get("service_id"):
                vals["service_id"] = Account.browse(
                    vals["request_account_id"]
                ).service_id.id
        tickets = super().create(vals_list)
        tickets.filtered(lambda t: t.request_kind == "account")._itsm_account_check()
        return tickets

    def write(self, vals):
        result = super().write(vals)
        if {"request_account_id", "request_account_action", "service_id"} & set(vals):
            self.filtered(lambda t: t.request_kind == "account")._itsm_account_check()
        return result

    @api.model
    def _itsm_system_fields(self):
        return super()._itsm_system_fields() | {"request_origin"}

    def _itsm_account_check(self):
        """A change or removal names an active account of the register, of
        the request's system (a clear error, nothing filed)."""
        for ticket in self:
            account = ticket.request_account_id
            if ticket.request_account_action in ("change", "remove"):
                if not account:
                    raise ValidationError(
                        self.env._(
                            "Name the account of the register the request “%s” "
                            "changes or removes.",
                            ticket.name,
                        )
                    )
                if account.state != "active":
                    raise ValidationError(
                        self.env._(
                            "The account %s is removed already.", account.display_name
                        )
                    )
            if (
                account
                and ticket.service_id
                and account.service_id != ticket.service_id
            ):
                raise ValidationError(
                    self.env._(
                        "The account %(account)s is not an account of %(system)s.",
                        account=account.display_name,
                        system=ticket.service_id.display_name,
                    )
                )

    def _itsm_request_tiers(self):
        # HR's record is the approval of the removals it causes.
        if self.request_origin:
            return self.env["tier.definition"]
        return super()._itsm_request_tiers()

    # ------------------------------------------------------------------
    # Fulfilment: the register follows
    # ------------------------------------------------------------------

    def _itsm_resolution_blockers(self, vals=None):
        blockers = super()._itsm_resolution_blockers(vals)
        if not self.request_type_id:
            return blockers
        if self.request_state != "approved":
            blockers.append(self.env._("the request's last approval"))
        if self.request_kind == "account":
            values = {
                "request_account_action": self.request_account_action,
                "request_account_login": self.request_account_login,
                "request_account_holder_id": self.request_account_holder_id,
            }
            values.update(
                (name, value) for name, value in (vals or {}).items() if name in values
            )
            if values["request_account_action"] == "new":
                if not (values["request_account_login"] or "").strip():
                    blockers.append(self.env._("the login of the new account"))
                if not values["request_account_holder_id"] and not self.partner_id:
                    blockers.append(self.env._("the account holder"))
        return blockers

    def _itsm_start_confirmation(self):
        result = super()._itsm_start_confirmation()
        self.filtered(
            lambda t: t.request_kind == "account" and t.request_state == "approved"
        )._itsm_account_apply()
        return result

    def _itsm_account_holder(self):
        """The holder of the new account: the one named, else the
        requester's employee record in the request's company."""
        self.ensure_one()
        if self.request_account_holder_id:
            return self.request_account_holder_id
        # sudo: the requester's employee record, read to name the holder.
        employees = self.partner_id.user_ids.sudo().employee_ids
        return employees.filtered(lambda e: e.company_id == self.company_id)[:1]

    def _itsm_account_apply(self):
        """Enter what these fulfilled account requests did in the register.
        Idempotent: a request resolved again (after the reporter reopened
        it) changes nothing more."""
        # sudo: the register is kept by the requests; whoever resolves them
        # was checked to write the ticket (the resolution gate above).
        Account = self.env["itsm.system.account"].sudo()
        now = fields.Datetime.now()
        new_values = []
        new_requests = self.browse()
        granted = set(
            Account.search([("grant_request_id", "in", self.ids)]).grant_request_id.ids
        )
        for ticket in self:
            action = ticket.request_account_action
            account = ticket.request_account_id.sudo()
            if action == "new" and ticket.id not in granted:
                holder = ticket._itsm_account_holder()
                if not holder:
                    raise ValidationError(
                        self.env._(
                            "The request “%s” names no account holder and its "
                            "requester has no employee record: name the holder.",
                            ticket.name,
                        )
                    )
                new_values.append(
                    {
                        "login": ticket.request_account_login.strip(),
                        "service_id": ticket.service_id.id,
                        "employee_id": holder.id,
                        "company_id": ticket.company_id.id,
                        "rights": ticket.request_scope,
                        "granted_date": now,
                        "grant_request_id": ticket.id,
                    }
                )
                new_requests |= ticket
            elif action == "change" and account.state == "active":
                if account.rights != ticket.request_scope:
                    account.rights = ticket.request_scope
            elif action == "remove" and account.state == "active":
                account.write(
                    {
                        "state": "removed",
                        "removed_date": now,
                        "removal_cause": ticket.request_origin or "request",
                    }
                )
        if new_values:
            accounts = Account.create(new_values)
            for ticket, account in zip(new_requests, accounts, strict=True):
                # sudo above; the link back shows the account on the request.
                ticket.sudo().request_account_id = account

    # ------------------------------------------------------------------
    # HR's records: departures and changes of post
    # ------------------------------------------------------------------

    @api.model
    def _itsm_account_file_removals(self, employees, origin, note=""):
        """File one removal request per active account of these employees
        (set-wise: one search for the accounts, one for the removals under
        way, one create). Returns the requests filed."""
        # sudo: HR's record (its write checked HR's rights) reaches the
        # register and the request types, which HR officers do not read.
        Account = self.env["itsm.system.account"].sudo()
        accounts = Account.search(
            [("employee_id", "in", employees.ids), ("state", "=", "active")]
        )
        accounts -= Account._itsm_pending_removals(accounts)
        if not accounts:
            return self.browse()
        types = (
            self.env["itsm.request.type"]
            .sudo()
            .search([("kind", "=", "account")], order="sequence, id")
        )
        origin_text = dict(
            self._fields["request_origin"]._description_selection(self.env)
        )[origin]
        vals_list = []
        for account in accounts:
            request_type = types.filtered(
                lambda t, account=account: not t.company_id
                or t.company_id == account.company_id
            )[:1]
            if not request_type:
                continue
            employee = account.employee_id
            vals_list.append(
                {
                    "name": self.env._(
                        "Remove the account %(login)s of %(holder)s (%(origin)s)",
                        login=account.login,
                        holder=employee.name,
                        origin=origin_text,
                    ),
                    "description": Markup("<p>%s</p>")
                    % self.env._(
                        "HR recorded: %(origin)s of %(holder)s. The accounts "
                        "they were given are removed (S4).",
                        origin=origin_text,
                        holder=employee.name,
                    )
                    + (Markup("<p>%s</p>") % note if note else ""),
                    "company_id": account.company_id.id,
                    "partner_id": self.env.user.partner_id.id,
                    "request_type_id": request_type.id,
                    "request_account_action": "remove",
                    "request_account_id": account.id,
                    "request_account_holder_id": employee.id,
                    "service_id": account.service_id.id,
                    "request_scope": account.rights
                    or self.env._("All the rights of the account."),
                    "request_origin": origin,
                }
            )
        # sudo: HR's record (checked by the write that caused it) files the
        # removals; HR officers need no helpdesk rights for that.
        return self.sudo().with_context(mail_create_nolog=True).create(vals_list)
