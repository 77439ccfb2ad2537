from collections import defaultdict

from odoo import models


class MailFollowers(models.Model):
    """Nobody outside the security group follows a security incident (X-7),
    whatever subscribes them: the creator (``mail.thread``), an assignee,
    the auto-subscription of a field, a subscription by hand. Its reporter
    and contacts without a user (addressed by the security team) may."""

    _inherit = "mail.followers"

    def _insert_followers(
        self,
        res_model,
        res_ids,
        partner_ids,
        subtypes=None,
        customer_ids=None,
        check_existing=True,
        existing_policy="skip",
    ):
        if res_model != "helpdesk.ticket" or not (res_ids and partner_ids):
            return super()._insert_followers(
                res_model,
                res_ids,
                partner_ids,
                subtypes=subtypes,
                customer_ids=customer_ids,
                check_existing=check_existing,
                existing_policy=existing_policy,
            )
        # sudo: which tickets are security incidents decides who may follow
        # them, whoever subscribes; only the allowed partners leave here.
        tickets = self.env["helpdesk.ticket"].sudo().browse(res_ids)
        batches = defaultdict(list)
        for ticket in tickets:
            allowed = ticket._itsm_allowed_partner_ids(partner_ids)
            batches[tuple(allowed)].append(ticket.id)
        result = None
        for allowed, ids in batches.items():
            if not allowed:
                continue
            result = super()._insert_followers(
                res_model,
                ids,
                list(allowed),
                subtypes=subtypes
                and {pid: subtypes[pid] for pid in allowed if pid in subtypes},
                customer_ids=customer_ids
                and [pid for pid in customer_ids if pid in allowed],
                check_existing=check_existing,
                existing_policy=existing_policy,
            )
        return result
