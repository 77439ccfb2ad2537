from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models

from ..tools.after_commit import TICKET_FOLLOW_UP, claim_marks, trigger_after_commit


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The assignee of a new ticket (INC-7), whether the assignment by skill
    and workload or the creator picked them, follows it and is told of it
    right after the transaction commits, by the follow-up cron.

    Subscribing the assignee and rendering Odoo's assignment notice cost more
    than creating the ticket, and the mail queue sends the notice later
    anyway: the request only marks the ticket (``itsm_notice_user_id``, a
    partial index keeps "what is pending" one index scan), the cron claims
    the marks, subscribes each assignee to all their new tickets at once and
    notifies: one notice for one ticket, one digest per assignee for several.
    A user who changes the assignee of an existing ticket by hand keeps
    Odoo's standard subscription, and the new assignee is told at once; the
    pending notices of the previous assignee are dropped. Both notices are
    editable templates (X-1), in the assignee's language."""

    _inherit = "helpdesk.ticket"

    itsm_notice_user_id = fields.Many2one(
        "res.users",
        string="Assignee to Notify",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The assignee of a new ticket, still to be subscribed to it and "
        "told of it.",
    )

    # ------------------------------------------------------------------
    # Hooks of helpdesk.ticket's create and write (after
    # helpdesk_ticket_assignment.py's)
    # ------------------------------------------------------------------

    @api.model
    def _itsm_assignment_prepare_create(self, vals_list):
        """Whoever assigned a new ticket (the suite or its creator), the
        assignee hears of it right after the commit: helpdesk.ticket's create
        keeps Odoo's notice from going out as well."""
        result = super()._itsm_assignment_prepare_create(vals_list)
        pending = False
        for vals in vals_list:
            if vals.get("user_id") and "itsm_notice_user_id" not in vals:
                vals["itsm_notice_user_id"] = self._itsm_assignee_to_notify(
                    self.env["res.users"].browse(vals["user_id"])
                )
                pending = pending or bool(vals["itsm_notice_user_id"])
        if pending:
            self._itsm_schedule_assignee_notices()
        return result

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
        """Run the follow-up cron right after this transaction commits, once
        however many tickets it assigned."""
        trigger_after_commit(self.env, TICKET_FOLLOW_UP)

    @api.model
    def _itsm_send_assignee_notices(self, batch_size):
        """Claim up to ``batch_size`` pending notices and send them (the
        follow-up cron): each is claimed once, even with two workers. Return
        how many, and how many remain."""
        self.env.flush_all()
        rows, remaining = claim_marks(
            self.env.cr, self._table, "itsm_notice_user_id", batch_size, ["user_id"]
        )
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
        return len(rows), remaining

    # ------------------------------------------------------------------
    # The notices
    # ------------------------------------------------------------------

    def _itsm_notify_assignees(self, chosen):
        """Subscribe each assignee ({user: tickets}) to their new tickets,
        all at once, and tell them in their language: one notice for one
        ticket, one digest for several (an alert storm assigns dozens at
        once, and a notice costs far more than the assignment)."""
        for user, tickets in chosen.items():
            if not user.active:
                continue
            # What mail.thread does for a new assignee, for all their
            # tickets in one go: default subtypes, an existing subscription
            # kept.
            self.env["mail.followers"]._insert_followers(
                self._name,
                tickets.ids,
                user.partner_id.ids,
                customer_ids=user.partner_id.ids if user.share else [],
                check_existing=True,
                existing_policy="skip",
            )
            if user == self.env.user:
                continue
            tickets._itsm_notify_assignment(user.partner_id)

    def _message_auto_subscribe_notify(self, partner_ids, template):
        """An ITSM ticket assigned by hand: its new assignee gets the
        editable notice "ITSM: ticket assigned" in their language, not
        Odoo's fixed one (X-1); plain teams' tickets keep Odoo's."""
        itsm = self.filtered("is_itsm")
        if template != "mail.message_user_assigned" or not itsm:
            return super()._message_auto_subscribe_notify(partner_ids, template)
        super(HelpdeskTicket, self - itsm)._message_auto_subscribe_notify(
            partner_ids, template
        )
        # As Odoo: nobody told while installing, or when asked not to be.
        if self.env.context.get("mail_auto_subscribe_no_notify") or (
            not self.env.registry.ready
        ):
            return
        partners = self.env["res.partner"].browse(partner_ids)
        for ticket in itsm:
            ticket._itsm_notify_assignment(partners)

    def _itsm_notify_assignment(self, partners):
        """Tell ``partners`` (the assignee) that these tickets are theirs,
        as Odoo tells an assignee (a notification to them, not a message in
        the chatter), with the editable template "ITSM: ticket assigned" for
        one ticket or the digest "ITSM: tickets assigned" for several, in
        each one's language. The digest is rendered on the first ticket and
        lists them all (``ctx['itsm_assigned_tickets']``)."""
        if not (self and partners):
            return
        template = self.env.ref(
            "itsm_incident.mail_template_assignment_digest"
            if len(self) > 1
            else "itsm_incident.mail_template_assignment",
            raise_if_not_found=False,
        )
        if not template:
            return
        template = template.with_context(itsm_assigned_tickets=self)
        record = self[0]
        model_description = self.env["ir.model"]._get(self._name).display_name
        for lang, lang_partners in partners.grouped("lang").items():
            lang = lang or self.env.lang
            subject = template._render_field("subject", record.ids, set_lang=lang)
            body = template._render_field("body_html", record.ids, set_lang=lang)
            record.with_context(lang=lang).message_notify(
                partner_ids=lang_partners.ids,
                subject=subject[record.id],
                # Rendered from the template's QWeb, escaped there.
                body=Markup(body[record.id]),
                record_name=record.display_name,
                email_layout_xmlid=template.email_layout_xmlid
                or "mail.mail_notification_layout",
                model_description=model_description,
            )
