from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.rating.models import rating_data


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """Ratings and messages on the resolved ticket (INC-12). On the ticket
    itself, not in an ``itsm.ticket.*`` mixin: those come after
    ``mail.thread`` in the method order, and ``mail.thread``'s versions of
    these methods do not call ``super()``, so a mixin's would never run."""

    _inherit = "helpdesk.ticket"

    @api.depends("rating_ids.rating")
    def _compute_percentage(self):
        """helpdesk_mgmt_rating's share of great ratings, in one query for
        all the tickets (its own version queries once per ticket, also for
        every ticket being created, which has no rating yet)."""
        grades = defaultdict(lambda: dict.fromkeys(("great", "okay", "bad"), 0))
        # Not a form being filled in, nor a ticket known to have no rating
        # (one being created: its ratings are in the cache, empty).
        field, cache = self._fields["rating_ids"], self.env.cache
        saved = self.filtered(
            lambda ticket: ticket.id
            and (not cache.contains(ticket, field) or cache.get(ticket, field))
        )
        if saved:
            for res_id, rating, count in self.env["rating.rating"]._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", saved.ids),
                    ("consumed", "=", True),
                    ("rating", ">=", 1),
                ],
                ["res_id", "rating"],
                ["__count"],
            ):
                grades[res_id][rating_data._rating_to_grade(rating)] += count
        for ticket in self:
            counts = grades[ticket.id]
            total = sum(counts.values())
            ticket.positive_rate_percentage = (
                counts["great"] * 100 / total if total else -1
            )

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """An ITSM ticket is rated once: a second rating is refused. Rating
        a resolved ticket confirms its resolution. A plain team's ticket is
        rated as in helpdesk_mgmt_rating.

        Only the system's paths rate a ticket, as superuser once they have
        checked the rater (the ``/rate`` pages: the token; the portal: the
        reporter): a rating confirms and closes the ticket as the reporter's,
        which no RPC caller may do (security review H4)."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "A ticket is rated by its reporter, from the rating request "
                    "or the ticket's portal page."
                )
            )
        if token and not rating:
            rating = self.env["rating.rating"].search(
                [("access_token", "=", token)], limit=1
            )
        if not self.is_itsm:
            return super().rating_apply(
                rate,
                token=token,
                rating=rating,
                feedback=feedback,
                subtype_xmlid=subtype_xmlid,
                notify_delay_send=notify_delay_send,
            )
        if rating and rating.consumed:
            raise UserError(
                self.env._(
                    "%s has already been rated: a rating cannot be given twice.",
                    self.display_name,
                )
            )
        result = super().rating_apply(
            rate,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        if self.stage_id.itsm_resolved and not self.reporter_confirmed_date:
            if rate < rating_data.RATING_LIMIT_OK:
                self._itsm_follow_up_dissatisfied(feedback)
            else:
                self._itsm_confirm()
        return result

    def _get_allowed_message_post_params(self):
        """portal_rating lets a chatter message carry a rating: not on a
        ticket, rated once from its rating request (security review H4)."""
        return super()._get_allowed_message_post_params() - {"rating_value"}

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        if kwargs.get("rating_value"):
            raise AccessError(
                self.env._(
                    "A ticket is rated by its reporter, from the rating request "
                    "or the ticket's portal page, not with a message."
                )
            )
        return super().message_post(**kwargs)

    def _itsm_follow_up_dissatisfied(self, feedback):
        """A dissatisfied reporter (S1's closed loop): the ticket does not
        close by itself; it stays resolved, its automatic closure is
        stopped, and the handler's department manager (the team leader when
        none) gets an activity to follow up before closing or reopening it."""
        # sudo: the reporter's rating decides the follow-up; the stamp, the
        # closure date and the activity are the system's.
        ticket = self.sudo()
        ticket.write(
            {"reporter_confirmed_date": fields.Datetime.now(), "auto_close_date": False}
        )
        chart = ticket.user_id._itsm_org_chart()
        manager = (
            chart.get(ticket.user_id.id, {})
            .get("department_manager", self.env["res.partner"])
            .user_ids.filtered(lambda u: not u.share)[:1]
            or ticket.team_id.user_id
            or ticket.user_id
        )
        if manager:
            ticket.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                summary=self.env._("Dissatisfied reporter: follow up"),
                note=feedback or False,
            )
        ticket.message_post(
            body=self.env._(
                "The reporter is dissatisfied with the resolution; %(manager)s "
                "follows up before the ticket closes.",
                manager=manager.name or self.env._("the team"),
            ),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )

    def _message_post_after_hook(self, message, msg_values):
        """The reporter answers a resolved ticket: no automatic closure, the
        desk reads the answer first."""
        result = super()._message_post_after_hook(message, msg_values)
        if (
            self.auto_close_date
            and not msg_values.get("rating_id")
            and message.message_type in ("comment", "email")
            and message.author_id
            and message.author_id == self.partner_id
        ):
            # sudo: the reporter's message stops the system's closure date.
            self.sudo().auto_close_date = False
            self.sudo()._message_log(
                body=self.env._(
                    "The reporter answered: the ticket will not close automatically."
                )
            )
        return result
