from odoo import models
from odoo.exceptions import UserError


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The closure gate of a ticket (INC-12): a ticket reaches a closed stage
    only when nothing required is missing. Features add their own
    conditions by extending :meth:`_itsm_closure_blockers`."""

    _inherit = "helpdesk.ticket"

    def write(self, vals):
        if vals.get("stage_id"):
            stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
            if stage.closed:
                # The blockers may depend on the stage the ticket goes to.
                # Only ITSM tickets: a plain team's ticket closes as in
                # helpdesk_mgmt.
                self._itsm_only(vals).filtered(
                    lambda t: not t.stage_id.closed
                ).with_context(itsm_closing_stage_id=stage.id)._itsm_check_closable()
        return super().write(vals)

    def _itsm_check_closable(self):
        """Refuse, with every missing item of every ticket, to close."""
        missing = self._itsm_missing_items(lambda t: t._itsm_closure_blockers())
        if missing:
            raise UserError(
                self.env._("These tickets cannot be closed yet:\n\n%s", missing)
            )

    def _itsm_missing_items(self, blockers_of):
        """What these tickets lack, ``blockers_of(ticket)`` giving a list of
        sentences, as one text listing them per ticket; empty if nothing."""
        parts = []
        for ticket in self:
            blockers = blockers_of(ticket)
            if blockers:
                lines = "\n".join(f"- {blocker}" for blocker in blockers)
                parts.append(f"{ticket.display_name}:\n{lines}")
        return "\n\n".join(parts)

    def _itsm_closure_blockers(self):
        """What this ticket still lacks before it may close, as a list of
        translated sentences; empty when it may close. Extend with super().
        The closed stage it goes to, when known, is
        :meth:`_itsm_closing_stage` (e.g. Done, Cancelled)."""
        self.ensure_one()
        return []

    def _itsm_closing_stage(self):
        """The closed stage the ticket is being moved to, if known."""
        return self.env["helpdesk.ticket.stage"].browse(
            self.env.context.get("itsm_closing_stage_id")
        )
