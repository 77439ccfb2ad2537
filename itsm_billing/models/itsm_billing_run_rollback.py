import hashlib

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_repr, format_list

from .itsm_billing_run import CHALLENGE_STATES, OPERATOR, SUPERVISOR
from .itsm_billing_run_rating import QUIET

# Invoices whose payments a rollback would leave stranded: the challenge
# waits until the payments are taken off them.
PAID_STATES = ("in_payment", "paid", "partial")


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRun(models.Model):
    """Challenge, rollback and re-run (BIL-7, S4 出账结算 6)): the
    supervisor questions a run's result with a reason; the run is rolled
    back — its draft invoices (no number yet) removed, its posted ones
    reversed by credit notes, the contract dates it moved restored, its
    items given back to the month — and stays in the history as *rolled
    back*; a new numbered run of the month checks the data again and runs.
    The result digest stored by each run proves that the same data gives
    the same result, line by line, to the cent."""

    _inherit = "itsm.billing.run"

    # ------------------------------------------------------------------
    # The result digest
    # ------------------------------------------------------------------

    def _itsm_result_lines(self):
        """[[key, contract, contract line, kind, quantity, unit price,
        amount]] of the run's rated items, as text, sorted by key: what the
        digest is made of."""
        self.ensure_one()
        # SQL, not records: a run may rate a million items.
        self.env["itsm.billing.item"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT key, COALESCE(contract_id, 0), COALESCE(contract_line_id, 0),
                       kind, COALESCE(quantity, 0), COALESCE(price_unit, 0),
                       COALESCE(amount, 0)
                  FROM itsm_billing_item
                 WHERE run_id = %s
                """,
                self.id,
            )
        )
        uom = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        price = self.env["decimal.precision"].precision_get("Product Price")
        cents = self.company_id.currency_id.decimal_places
        return sorted(
            [
                key,
                contract,
                line,
                kind,
                float_repr(float(quantity), uom),
                float_repr(float(price_unit), price),
                float_repr(float(amount), cents),
            ]
            for key, contract, line, kind, quantity, price_unit, amount in (
                self.env.cr.fetchall()
            )
        )

    def _itsm_digest(self, lines):
        self.ensure_one()
        head = f"{self.company_id.id}|{self.run_type}|{self.period_start}"
        text = "\n".join([head] + ["|".join(map(str, line)) for line in lines])
        return hashlib.sha256(text.encode()).hexdigest()

    def _itsm_store_result(self):
        """Keep the run's result lines and their digest on it."""
        self.ensure_one()
        lines = self._itsm_result_lines()
        self._itsm_step_write(
            {"result_lines": lines, "result_digest": self._itsm_digest(lines)}
        )

    # ------------------------------------------------------------------
    # The contract dates
    # ------------------------------------------------------------------

    def _itsm_advance_contracts(self):
        """Move the billed contract lines' dates past the month, as
        ``contract`` does when it invoices (its form then shows what was
        billed, and a contract taken out of the run goes on after the
        month), keeping what they were on the run. Lines already past the
        month (a retried step, a later month billed) are left alone."""
        self.ensure_one()
        snapshot = dict(self.contract_snapshot or {})
        line_ids = [
            line.id
            for [line] in self.env["itsm.billing.item"]._read_group(
                [("run_id", "=", self.id), ("contract_line_id", "!=", False)],
                ["contract_line_id"],
            )
        ]
        # sudo: the run's operator (checked by the step) moves the dates of
        # the lines the run billed; contracts are the supervisors' to edit.
        lines = self.env["contract.line"].sudo().with_context(**QUIET).browse(line_ids)
        lines.fetch(["last_date_invoiced", "recurring_next_date", "date_end"])
        # The lines to move, by the date they move to: one write each.
        to_move, before = {}, {}
        for line in lines:
            last = min(self.period_end, line.date_end or self.period_end)
            if str(line.id) in snapshot or (
                line.last_date_invoiced and line.last_date_invoiced >= last
            ):
                continue
            before[line.id] = [
                fields.Date.to_string(line.last_date_invoiced),
                fields.Date.to_string(line.recurring_next_date),
            ]
            to_move.setdefault(last, []).append(line.id)
        for last, ids in to_move.items():
            moved = lines.browse(ids)
            moved.write({"last_date_invoiced": last})
            for line in moved:
                snapshot[str(line.id)] = before[line.id] + [
                    fields.Date.to_string(line.last_date_invoiced),
                    fields.Date.to_string(line.recurring_next_date),
                ]
        self._itsm_step_write({"contract_snapshot": snapshot})

    def _itsm_restore_contracts(self):
        """Put back the dates the run moved, on the lines that still have
        the run's dates; returns (restored lines, lines moved since)."""
        self.ensure_one()
        snapshot = self.contract_snapshot or {}
        # sudo: the supervisor's rollback (checked) undoes the run's move.
        lines = (
            self.env["contract.line"]
            .sudo()
            .with_context(**QUIET)
            .browse([int(line_id) for line_id in snapshot])
            .exists()
        )
        restored = moved = lines.browse()
        for line in lines:
            old_last, old_next, new_last, _new_next = snapshot[str(line.id)]
            if fields.Date.to_string(line.last_date_invoiced) != new_last:
                moved |= line
                continue
            line.write(
                {
                    "last_date_invoiced": fields.Date.to_date(old_last),
                    "recurring_next_date": fields.Date.to_date(old_next),
                }
            )
            restored |= line
        return restored, moved

    # ------------------------------------------------------------------
    # Challenge and rollback
    # ------------------------------------------------------------------

    def _itsm_check_challenge(self):
        step = self.env._("A challenge")
        self._itsm_step_check(CHALLENGE_STATES, SUPERVISOR, step)
        for run in self:
            paid = run.move_ids.filtered(lambda m: m.payment_state in PAID_STATES)
            if paid:
                raise UserError(
                    self.env._(
                        "%(run)s cannot be rolled back: payments are reconciled "
                        "with %(invoices)s; take them off the invoices first.",
                        run=run.display_name,
                        invoices=format_list(self.env, paid.mapped("name")),
                    )
                )

    def action_challenge(self):
        """Open the challenge wizard (the supervisor gives the reason)."""
        self._itsm_check_challenge()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Challenge the result"),
            "res_model": "itsm.billing.run.challenge",
            "view_mode": "form",
            "target": "new",
            "context": {"default_run_id": self.ensure_one().id},
        }

    def _itsm_challenge(self, reason):
        """Challenge the run's result and roll it back (BIL-7): refused,
        with nothing changed, without a reason, to anyone but a billing
        supervisor, and on a run without results or rolled back already."""
        reason = (reason or "").strip()
        self._itsm_check_challenge()
        if not reason:
            raise UserError(self.env._("Give the reason why the result is challenged."))
        for run in self:
            run.message_post(
                body=self.env._(
                    "Result challenged by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                )
            )
            run._itsm_rollback()
        # sudo: a billing supervisor challenges (checked above); a published
        # run is final for everyone else, its rollback is the exception.
        self.sudo()._itsm_step_write(
            {
                "state": "rolled_back",
                "challenged_by_id": self.env.user.id,
                "challenged_date": fields.Datetime.now(),
                "challenge_reason": reason,
            }
        )
        self._itsm_deadline_stop()
        return True

    def _itsm_rollback(self):
        """Undo the run's results: items back to the month, drafts removed,
        posted invoices reversed by credit notes, contract dates restored;
        one note in the chatter tells it all."""
        self.ensure_one()
        moves = self.move_ids
        drafts = moves.filtered(lambda m: m.state == "draft")
        posted = moves.filtered(lambda m: m.state == "posted")
        self._itsm_release_items()
        draft_names = drafts.itsm_billing_contract_id.mapped("display_name")
        drafts.with_context(**QUIET).unlink()
        credit_notes = self._itsm_reverse_invoices(posted)
        restored, moved = self._itsm_restore_contracts()
        lines = [
            self.env._("Rolled back by %(user)s.", user=self.env.user.name),
            self.env._(
                "%(count)s draft invoices removed (%(contracts)s).",
                count=len(drafts),
                contracts=format_list(self.env, draft_names) or "-",
            ),
            self.env._(
                "%(count)s posted invoices reversed by credit notes: %(pairs)s.",
                count=len(posted),
                pairs=format_list(
                    self.env,
                    [
                        f"{note.reversed_entry_id.name} → {note.name}"
                        for note in credit_notes
                    ],
                )
                or "-",
            ),
            self.env._(
                "Contract dates restored on %(count)s lines.", count=len(restored)
            ),
        ]
        if moved:
            lines.append(
                self.env._(
                    "Left as they are (moved since by another run): %s.",
                    format_list(self.env, moved.mapped("display_name")),
                )
            )
        lines.append(
            self.env._(
                "Result digest of the rolled-back run: %s. A new run of the month "
                "checks the data again.",
                self.result_digest or "-",
            )
        )
        self.message_post(body=Markup("<br/>").join(lines))

    def _itsm_release_items(self):
        """Give the run's items back to its month, unrated and uninvoiced."""
        Item = self.env["itsm.billing.item"]
        Item.flush_model()
        # SQL: the step is checked; items of a published run are final for
        # every user, this rollback is the one way they come back.
        self.env.cr.execute(
            SQL(
                """
                UPDATE itsm_billing_item
                   SET run_id = NULL, move_id = NULL, move_line_id = NULL,
                       write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
                 WHERE run_id = %(run)s
                """,
                uid=self.env.uid,
                run=self.id,
            )
        )
        Item.invalidate_model(["run_id", "move_id", "move_line_id", "write_uid"])

    def _itsm_reverse_invoices(self, invoices):
        """Reverse the posted invoices with posted credit notes, reconciled
        with them (``account``'s reversal, as its wizard does)."""
        self.ensure_one()
        if not invoices:
            return invoices
        today = fields.Date.context_today(self)
        defaults = [
            {
                "ref": self.env._(
                    "Reversal of: %(move)s, %(run)s challenged",
                    move=move.name,
                    run=self.display_name,
                ),
                "date": today,
                "invoice_date": today,
                "invoice_date_due": today,
                "invoice_payment_term_id": False,
                "invoice_user_id": move.invoice_user_id.id,
                "itsm_billing_rollback_run_id": self.id,
                "itsm_billing_contract_id": move.itsm_billing_contract_id.id,
            }
            for move in invoices
        ]
        return invoices.with_context(**QUIET)._reverse_moves(defaults, cancel=True)

    def action_rerun(self):
        """A new numbered run of the rolled-back run's month and kind."""
        self.ensure_one()
        step = self.env._("A re-run")
        self._itsm_step_check(("rolled_back",), OPERATOR, step)
        rerun = self.create(
            {
                "run_type": self.run_type,
                "period_start": self.period_start,
                "company_id": self.company_id.id,
            }
        )
        self.message_post(body=self.env._("Re-run: %s.", rerun.display_name))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": rerun.id,
            "view_mode": "form",
        }

    def action_open_credit_notes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
        )
        action.update(
            domain=[("itsm_billing_rollback_run_id", "=", self.id)],
            context={"create": False, "default_move_type": "out_refund"},
        )
        return action
