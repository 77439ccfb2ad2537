from odoo import api, fields, models
from odoo.tools import SQL, create_index

from ..tools.after_commit import TICKET_FOLLOW_UP, claim_marks, trigger_after_commit


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """What a new ticket leaves for right after its transaction commits,
    done by the follow-up cron for every ticket saved since, all at once: the
    sweep's wake-ups at its deadlines and escalation thresholds, its
    recurrence count and KPI flag, a problem proposal if it calls for one
    (INC-10, INC-16). None of it changes what the reporter or the agent does
    next, and together they cost more than the ticket: the request only
    marks the ticket (``itsm_follow_up_pending``); a ticket that becomes
    severe is marked again. Features extend :meth:`_itsm_follow_up`."""

    _inherit = "helpdesk.ticket"

    itsm_follow_up_pending = fields.Boolean(
        string="Follow-up pending",
        readonly=True,
        copy=False,
        help="Set when the ticket is saved (or becomes severe), cleared once "
        "the follow-up has run: recurrence, problem proposal, deadline "
        "wake-ups.",
    )

    def init(self):
        # Only True or NULL (never written False): the cron claims the
        # pending tickets in id order from an index of their ids alone,
        # whatever the planner knows of the column.
        result = super().init()
        create_index(
            self.env.cr,
            "helpdesk_ticket_itsm_follow_up_pending_idx",
            self._table,
            ["id"],
            where="itsm_follow_up_pending IS NOT NULL",
        )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        # ITSM tickets only: plain tickets have none of it.
        for vals, is_itsm in zip(
            vals_list, self._itsm_vals_are_itsm(vals_list), strict=True
        ):
            if is_itsm:
                vals["itsm_follow_up_pending"] = True
        tickets = super().create(vals_list)
        # A team that came from no value (helpdesk_mgmt's, from the
        # assignee's teams): marked after the insert, a technical mark.
        late = tickets.filtered(lambda t: t.is_itsm and not t.itsm_follow_up_pending)
        if late:
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET itsm_follow_up_pending = TRUE WHERE id = ANY(%s)",
                    SQL.identifier(self._table),
                    late.ids,
                )
            )
            late.invalidate_recordset(["itsm_follow_up_pending"])
        if late or any(vals.get("itsm_follow_up_pending") for vals in vals_list):
            trigger_after_commit(self.env, TICKET_FOLLOW_UP)
        return tickets

    def write(self, vals):
        if self._itsm_follow_up_called_for(vals) and self._itsm_only(vals):
            vals = dict(vals, itsm_follow_up_pending=True)
            trigger_after_commit(self.env, TICKET_FOLLOW_UP)
        return super().write(vals)

    @api.model
    def _itsm_follow_up_called_for(self, vals):
        """Whether writing ``vals`` calls for the follow-up again: the
        ticket becomes severe. Extensions add their own reasons."""
        return vals.get("impact") == "severe"

    @api.model
    def _itsm_follow_up_pending(self, batch_size):
        """Claim up to ``batch_size`` marked tickets and follow them up
        together (the follow-up cron); return how many, and how many
        remain."""
        self.env.flush_all()
        rows, remaining = claim_marks(
            self.env.cr, self._table, "itsm_follow_up_pending", batch_size
        )
        self.invalidate_model(["itsm_follow_up_pending"])
        # The claimed rows exist: the UPDATE that cleared their marks holds
        # them.
        self.with_context(active_test=False).browse(
            [row[0] for row in rows]
        )._itsm_follow_up()
        return len(rows), remaining

    def _itsm_follow_up(self):
        """Follow these tickets up (set-wise); run by the cron as the
        superuser. Idempotent: a ticket followed up twice (it became severe)
        gets the same answers."""
