from odoo import models


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRun(models.Model):
    """Publication sends the customers their invoices (BIL-6): posted, they
    are handed to ``account``'s own sending in the background (the *Send*
    of a batch of invoices: PDF and e-mail per invoice, by its cron, the
    supervisor told when it is done or an invoice could not be sent), so a
    run of thousands of invoices publishes at once."""

    _inherit = "itsm.billing.run"

    def _itsm_send_invoices(self):
        """Queue the run's posted customer invoices for sending, as the
        supervisor who published them (vendor bills are not sent)."""
        self.ensure_one()
        invoices = self.move_ids.filtered(
            lambda m: m.state == "posted"
            and m.move_type == "out_invoice"
            and not m.is_move_sent
            and not m.sending_data
        )
        if not invoices:
            return
        invoices.sending_data = {
            "author_user_id": self.env.user.id,
            "author_partner_id": self.env.user.partner_id.id,
        }
        # sudo: the supervisor who published (checked by the step) wakes
        # account's sending cron; cron records are the admin's.
        self.env.ref("account.ir_cron_account_move_send").sudo()._trigger()
