from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The closure gate of a ticket (INC-12): a ticket reaches a closed stage
    only when nothing required is missing. Features add their own
    conditions by extending :meth:`_itsm_closure_blockers`.

    A closed stage outside the closed loop (Cancelled, Rejected) is for a
    withdrawn or invalid declaration only: with a reason, by the service desk
    or an ITSM manager, and a major incident by a manager only (issue 12,
    point 7)."""

    _inherit = "helpdesk.ticket"

    itsm_close_reason = fields.Text(
        string="Why cancelled or rejected",
        tracking=True,
        copy=False,
        help="A withdrawn or invalid declaration closes without the closed loop, "
        "with this reason.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # Closed only through the loop (issue 12.7): an ITSM ticket is not
        # created closed, except by the system itself (sudo: imports of
        # history, the demo generator).
        if not self.env.su:
            stage_ids = {vals["stage_id"] for vals in vals_list if vals.get("stage_id")}
            closed = set(
                self.env["helpdesk.ticket.stage"]
                .browse(stage_ids)
                .filtered("closed")
                .ids
            )
            if closed and any(
                is_itsm and vals.get("stage_id") in closed
                for vals, is_itsm in zip(
                    vals_list, self._itsm_vals_are_itsm(vals_list), strict=True
                )
            ):
                raise UserError(
                    self.env._(
                        "An incident is not created closed: it closes through "
                        "its loop (resolved, then confirmed), or is cancelled "
                        "with a reason."
                    )
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("stage_id"):
            stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
            if stage.closed and not stage.itsm_closed_loop:
                self._itsm_only(vals).filtered(
                    lambda t: not t.stage_id.closed
                )._itsm_check_withdrawal(vals)
            if stage.closed:
                # The blockers may depend on the stage the ticket goes to.
                # Only ITSM tickets: a plain team's ticket closes as in
                # helpdesk_mgmt.
                self._itsm_only(vals).filtered(
                    lambda t: not t.stage_id.closed
                ).with_context(itsm_closing_stage_id=stage.id)._itsm_check_closable()
        return super().write(vals)

    def _itsm_check_withdrawal(self, vals):
        """Cancelling or rejecting these tickets: refused, changing nothing,
        without a reason, by someone who is not the desk or a manager, or for
        a major incident by anyone but an ITSM manager."""
        if not self:
            return
        user = self.env.user
        if user.id != SUPERUSER_ID:
            if not user.has_group("itsm_incident.group_itsm_agent"):
                raise UserError(
                    self.env._(
                        "Only the service desk or an ITSM manager cancels or "
                        "rejects an incident (%s).",
                        ", ".join(self.mapped("display_name")),
                    )
                )
            majors = self.filtered("is_major")
            if majors and not user.has_group("itsm_incident.group_itsm_manager"):
                raise UserError(
                    self.env._(
                        "A major incident is cancelled or rejected by an ITSM "
                        "manager only (%s).",
                        ", ".join(majors.mapped("display_name")),
                    )
                )
        reason = vals.get("itsm_close_reason") or vals.get("screening_note") or ""
        if not reason.strip():
            # The screening note of an invalid or out-of-scope declaration
            # says why too.
            silent = self.filtered(
                lambda t: not (
                    t.itsm_close_reason
                    or (
                        t.screening_state in ("invalid", "out_of_scope")
                        and t.screening_note
                    )
                    or ""
                ).strip()
            )
            if silent:
                raise UserError(
                    self.env._(
                        "Say why %s is cancelled or rejected: only a withdrawn or "
                        "invalid declaration closes without the closed loop.",
                        ", ".join(silent.mapped("display_name")),
                    )
                )

    def action_itsm_withdraw(self):
        """Cancel (withdrawn) or reject (invalid) with a reason."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel or reject"),
            "res_model": "itsm.ticket.withdraw.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_ticket_ids": self.ids},
        }

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
