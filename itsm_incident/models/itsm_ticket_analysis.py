from odoo import api, fields, models
from odoo.tools import create_index

from ..tools.after_commit import TICKET_FOLLOW_UP, claim_marks, trigger_after_commit


class ItsmTicketAnalysis(models.AbstractModel):
    """What the suite learns from an incident once it is saved: whether it
    repeats one closed shortly before (KPIs, INC-16) and whether it calls for
    a problem (INC-10). Neither changes what the reporter or the agent does
    next, and proposing a problem costs more than creating the ticket: the
    request marks the ticket (``itsm_analysis_pending``) and the follow-up
    cron analyses every marked ticket right after the commit, all at once; a
    ticket that becomes severe is marked again. Features extend
    :meth:`_itsm_analyse`."""

    _name = "itsm.ticket.analysis"
    _description = "ITSM Ticket Analysis"

    itsm_analysis_pending = fields.Boolean(
        string="Analysis pending",
        readonly=True,
        copy=False,
        help="Set when the ticket is saved (or becomes severe), cleared once "
        "the follow-up has analysed it: recurrence and problem proposal.",
    )

    def init(self):
        # Only True or NULL (never written False): the cron claims the
        # pending tickets in id order from an index of their ids alone,
        # whatever the planner knows of the column.
        result = super().init()
        if not self._abstract:
            create_index(
                self.env.cr,
                "helpdesk_ticket_itsm_analysis_pending_idx",
                self._table,
                ["id"],
                where="itsm_analysis_pending IS NOT NULL",
            )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["itsm_analysis_pending"] = True
        tickets = super().create(vals_list)
        trigger_after_commit(self.env, TICKET_FOLLOW_UP)
        return tickets

    def write(self, vals):
        if vals.get("impact") == "severe":
            vals = dict(vals, itsm_analysis_pending=True)
            trigger_after_commit(self.env, TICKET_FOLLOW_UP)
        return super().write(vals)

    @api.model
    def _itsm_analyse_pending(self, batch_size):
        """Claim up to ``batch_size`` marked tickets and analyse them
        together (the follow-up cron); return how many, and how many
        remain."""
        self.env.flush_all()
        rows, remaining = claim_marks(
            self.env.cr, self._table, "itsm_analysis_pending", batch_size
        )
        self.invalidate_model(["itsm_analysis_pending"])
        tickets = (
            self.with_context(active_test=False)
            .browse([row[0] for row in rows])
            .exists()
        )
        tickets._itsm_analyse()
        return len(rows), remaining

    def _itsm_analyse(self):
        """Analyse these tickets (set-wise); run by the cron as the
        superuser. Idempotent: a ticket analysed twice (it became severe)
        gets the same answers."""
