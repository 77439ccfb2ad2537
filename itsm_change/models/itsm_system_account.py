from odoo import api, fields, models

ACCOUNT_STATES = [
    ("active", "Active"),
    ("removed", "Removed"),
]
REMOVAL_CAUSES = [
    ("request", "Removal request"),
    ("departure", "Departure"),
    ("transfer", "Change of post"),
]


class ItsmSystemAccount(models.Model):
    """The register of system accounts (S4 系统帐号管理流程): who holds which
    account, with which rights, in which business support system. It is
    kept by the account requests themselves: a new account is entered when
    its request is fulfilled (resolved), a change of rights updates it, a
    removal marks it removed; the accounts of people who leave or change
    post get their removal requests from HR's records. Accounts are never
    deleted: the register is the audit trail of who had access when."""

    _name = "itsm.system.account"
    _description = "ITSM System Account"
    _inherit = ["mail.thread"]
    _order = "service_id, login, id"
    _rec_name = "login"
    _check_company_auto = True

    login = fields.Char(
        required=True, tracking=True, help="The account's name in the system."
    )
    service_id = fields.Many2one(
        "itsm.service",
        string="System",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    employee_id = fields.Many2one(
        "hr.employee",
        string="Holder",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        context={"active_test": False},
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Holder's department",
        related="employee_id.department_id",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    rights = fields.Text(
        tracking=True,
        help="The functional and business rights granted (S4: 功能权限和业务权限).",
    )
    state = fields.Selection(
        ACCOUNT_STATES,
        required=True,
        default="active",
        readonly=True,
        tracking=True,
        index=True,
    )
    granted_date = fields.Datetime(string="Granted on", readonly=True)
    removed_date = fields.Datetime(string="Removed on", readonly=True)
    removal_cause = fields.Selection(REMOVAL_CAUSES, readonly=True, tracking=True)
    request_ids = fields.One2many(
        "helpdesk.ticket",
        "request_account_id",
        string="Requests",
        help="The requests that changed or removed the account.",
    )
    grant_request_id = fields.Many2one(
        "helpdesk.ticket",
        string="Granted by",
        readonly=True,
        index="btree_not_null",
        help="The request that created the account.",
    )

    _sql_constraints = [
        (
            # One holder per login and system among the accounts in use (a
            # removed login may be given again).
            "login_unique_active",
            "EXCLUDE (service_id WITH =, lower(login) WITH =) WHERE (state = 'active')",
            "This login is already in use in this system.",
        ),
    ]

    @api.depends("login", "service_id")
    def _compute_display_name(self):
        for account in self:
            account.display_name = (
                f"{account.login} ({account.service_id.display_name})"
                if account.service_id
                else account.login
            )

    @api.model
    def _itsm_pending_removals(self, accounts):
        """Which of these accounts already have a removal request under way
        (neither rejected nor closed): one query for all."""
        if not accounts:
            return accounts
        # sudo: whether a removal is under way, whoever's change (HR's)
        # asks; only the accounts leave this method.
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(
                [
                    ("request_account_id", "in", accounts.ids),
                    ("request_account_action", "=", "remove"),
                    ("request_state", "!=", "rejected"),
                    ("stage_id.closed", "=", False),
                ]
            )
        )
        return tickets.request_account_id
