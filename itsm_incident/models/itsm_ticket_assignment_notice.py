from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

# Where a transaction notes that it left assignee notices (precommit.data).
NOTICES_PENDING = "itsm_incident.assignee_notices_pending"


class ItsmTicketAssignmentNotice(models.AbstractModel):
    """The notice to the assignee that the assignment by skill and workload
    picked (INC-7), sent right after the transaction commits by a cron.

    Rendering Odoo's assignment notice costs more than creating the ticket,
    and the mail queue sends it later anyway: the request only marks the
    ticket (``itsm_notice_user_id``, a partial index keeps "what is pending"
    one index scan), the cron claims the marks and notifies set-wise, one
    notice for one ticket and one digest per assignee for several. A user who
    sets the assignee by hand keeps Odoo's standard notice, and the pending
    one of the previous assignee is dropped."""

    _name = "itsm.ticket.assignment.notice"
    _description = "ITSM Ticket Assignment Notice"

    itsm_notice_user_id = fields.Many2one(
        "res.users",
        string="Assignee to Notify",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Assigned automatically; the notice to this user is still to be sent.",
    )

    # ------------------------------------------------------------------
    # Hook of helpdesk.ticket's write (after itsm.ticket.assignment's)
    # ------------------------------------------------------------------

    def _itsm_assignment_prepare_write(self, vals):
        result = super()._itsm_assignment_prepare_write(vals)
        if vals.get("itsm_notice_user_id"):
            self._itsm_schedule_assignee_notices()
        elif "user_id" in vals and "itsm_notice_user_id" not in vals:
            # Assigned by hand: Odoo's notice goes to the new assignee now;
            # nobody hears of the automatic assignment any more.
            vals["itsm_notice_user_id"] = False
        return result

    @api.model
    def _itsm_assignee_to_notify(self, user):
        """Whom an automatic assignment to ``user`` leaves a notice for: not
        oneself, nobody while installing (as Odoo's own notice)."""
        return user.id if user != self.env.user and self.env.registry.ready else False

    # ------------------------------------------------------------------
    # The cron
    # ------------------------------------------------------------------

    @api.model
    def _itsm_schedule_assignee_notices(self):
        """Run the cron right after this transaction commits, once however
        many tickets it assigned."""
        precommit = self.env.cr.precommit
        if not precommit.data.get(NOTICES_PENDING):
            precommit.data[NOTICES_PENDING] = True
            precommit.add(self._itsm_trigger_assignee_notices)

    @api.model
    def _itsm_trigger_assignee_notices(self):
        self.env.cr.precommit.data.pop(NOTICES_PENDING, None)
        # The cron's id is cached (env.ref would check it exists).
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "itsm_incident.ir_cron_itsm_assignee_notices"
        )
        # sudo: the cron's schedule, whoever assigned the tickets.
        self.env["ir.cron"].sudo().browse(cron_id)._trigger()

    @api.model
    def _cron_send_assignee_notices(self, batch_size=1000):
        """Claim up to ``batch_size`` pending notices and send them: each is
        claimed once by one UPDATE … RETURNING, even with two workers; the
        runner calls again while some remain."""
        self.env.flush_all()
        self.env.cr.execute(self._itsm_claim_notices_sql(batch_size))
        rows = self.env.cr.fetchall()
        self.invalidate_model(["itsm_notice_user_id"])
        ticket_ids = defaultdict(list)
        for ticket_id, notice_user_id, user_id in rows:
            # Reassigned since (outside the ORM): not the assignee any more.
            if notice_user_id == user_id:
                ticket_ids[user_id].append(ticket_id)
        Users = self.env["res.users"]
        self._itsm_notify_assignees(
            {Users.browse(uid): self.browse(ids) for uid, ids in ticket_ids.items()}
        )
        remaining = 0
        if len(rows) == batch_size:
            self.env.cr.execute(
                SQL(
                    "SELECT count(*) FROM helpdesk_ticket "
                    "WHERE itsm_notice_user_id IS NOT NULL"
                )
            )
            remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=len(rows), remaining=remaining)
        return len(rows)

    @api.model
    def _itsm_claim_notices_sql(self, limit):
        """Clear the marks of up to ``limit`` tickets that no other worker
        holds; return (ticket, user to notify, assignee)."""
        return SQL(
            """
            UPDATE helpdesk_ticket AS ticket SET itsm_notice_user_id = NULL
              FROM (SELECT id, itsm_notice_user_id FROM helpdesk_ticket
                     WHERE itsm_notice_user_id IS NOT NULL
                     ORDER BY id
                     LIMIT %(limit)s
                     FOR UPDATE SKIP LOCKED) AS pending
             WHERE ticket.id = pending.id
               AND ticket.itsm_notice_user_id IS NOT NULL
            RETURNING ticket.id, pending.itsm_notice_user_id, ticket.user_id
            """,
            limit=limit,
        )

    # ------------------------------------------------------------------
    # The notices
    # ------------------------------------------------------------------

    def _itsm_notify_assignees(self, chosen):
        """Tell each assignee ({user: tickets}) of their new tickets, in
        their language: Odoo's usual notice for one ticket, one digest for
        several (an alert storm assigns dozens at once, and a notice costs
        far more than the assignment)."""
        for user, tickets in chosen.items():
            if user == self.env.user or not user.active:
                continue
            tickets = tickets.with_context(lang=user.lang)
            if len(tickets) == 1:
                tickets._message_auto_subscribe_notify(
                    user.partner_id.ids, "mail.message_user_assigned"
                )
                continue
            lines = Markup("").join(
                Markup('<li><a href="%s">%s</a></li>')
                % (ticket._notify_get_action_link("view"), ticket.display_name)
                for ticket in tickets
            )
            tickets[0].message_notify(
                partner_ids=user.partner_id.ids,
                subject=tickets.env._(
                    "You have been assigned %(count)s tickets", count=len(tickets)
                ),
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    tickets.env._(
                        "You have been assigned %(count)s tickets:", count=len(tickets)
                    ),
                    lines,
                ),
                email_layout_xmlid="mail.mail_notification_layout",
            )
