import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

from .itsm_billing_run import OPERATOR
from .itsm_billing_run_rating import QUIET

_logger = logging.getLogger(__name__)

CRON = "itsm_billing.ir_cron_billing_run"
# Settings (ir.config_parameter) and their defaults.
CHUNK_PARAM = "itsm_billing.run_chunk_size"
CHUNK_DEFAULT = 50
FOREGROUND_PARAM = "itsm_billing.run_foreground_items"
FOREGROUND_DEFAULT = 20000
# How long the cron waits before it retries a chunk stopped by a lock or a
# serialization failure.
RETRY_SECONDS = 30


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRun(models.Model):
    """Runs in the background, chunk by chunk (BIL-2, issue 17): a chunk
    rates the items of a batch of contracts (of partners, for settlement)
    and makes their draft invoices, as a whole; the progress is the share
    of them invoiced. A small month runs all its chunks in the request; a
    large one is left *running* to Odoo's own cron (``ir.cron``'s progress
    API: one chunk a call, committed after each, called again at once while
    chunks remain, resumed after a crash from what was committed). A chunk
    that fails is undone and the run *failed*; Resume goes on from there."""

    _inherit = "itsm.billing.run"

    unit_total = fields.Integer(
        string="Documents to make",
        readonly=True,
        copy=False,
        help="How many invoices (bills) the run makes: one per contract "
        "(partner) with items; the progress is the share made.",
    )

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------

    def _itsm_param(self, key, default):
        # sudo: settings every run reads, whoever runs it.
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return int(value) if value not in (None, False, "") else default
        except ValueError:
            return default

    def _itsm_chunk_size(self):
        return max(self._itsm_param(CHUNK_PARAM, CHUNK_DEFAULT), 1)

    def _itsm_foreground_limit(self):
        return max(self._itsm_param(FOREGROUND_PARAM, FOREGROUND_DEFAULT), 0)

    # ------------------------------------------------------------------
    # The chunks
    # ------------------------------------------------------------------

    def _itsm_unit_fields(self):
        """(item field, document field) a run makes one document per: the
        contract for billing, the partner settled with for settlement."""
        self.ensure_one()
        if self.run_type == "settlement":
            return ("partner_id", "partner_id")
        return ("contract_id", "itsm_billing_contract_id")

    def _itsm_pending_units(self, after=None, limit=None):
        """The ids of the contracts (partners) with items of the month not
        invoiced and no document of the run yet, in order: what the run has
        still to do — only those above ``after`` when given (chunks go in
        order of id: the contract index finds the next ones at once)."""
        self.ensure_one()
        item_field, move_field = self._itsm_unit_fields()
        self.env["itsm.billing.item"].flush_model()
        self.env["account.move"].flush_model(
            ["itsm_billing_run_id", "itsm_billing_contract_id", "partner_id"]
        )
        column = SQL.identifier("i", item_field)
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT %(column)s
                  FROM itsm_billing_item i
                 WHERE i.company_id = %(company)s AND i.run_type = %(type)s
                   AND i.period_start = %(start)s AND i.move_id IS NULL
                   AND %(column)s > %(after)s
                   AND NOT EXISTS (
                       SELECT 1 FROM account_move m
                        WHERE m.itsm_billing_run_id = %(run)s
                          AND %(move_column)s = %(column)s)
                 ORDER BY 1
                 %(limit)s
                """,
                column=column,
                move_column=SQL.identifier("m", move_field),
                company=self.company_id.id,
                type=self.run_type,
                start=self.period_start,
                after=after or 0,
                run=self.id,
                limit=SQL("LIMIT %s", limit) if limit else SQL(),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _itsm_done_units(self):
        """(how many contracts (partners) have their document in the run,
        the highest id of them)."""
        self.ensure_one()
        move_field = self._itsm_unit_fields()[1]
        self.env["account.move"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT count(*), max(%s) FROM account_move "
                "WHERE itsm_billing_run_id = %s",
                SQL.identifier(move_field),
                self.id,
            )
        )
        return self.env.cr.fetchone()

    def _itsm_run_chunk(self, units):
        """Rate the items of these contracts (partners) and make their draft
        invoices (bills)."""
        self.ensure_one()
        self._itsm_rate(units=units)
        self._itsm_make_invoices(units=units)

    def _itsm_run_finish(self):
        """After the last chunk: the check report, the contract dates and
        the result digest."""
        self.ensure_one()
        self._itsm_create_report_items()
        self._itsm_advance_contracts()
        self._itsm_store_result()

    def _itsm_run_step(self):
        """One step of a running run: its next chunk, or its end. A failure
        undoes the step (savepoint) and fails the run; a lock or a
        serialization failure is raised, to be retried. Returns whether the
        run goes on (more steps to do)."""
        self.ensure_one()
        run = self.with_company(self.company_id)
        size = run._itsm_chunk_size()
        _done, last = run._itsm_done_units()
        pending = run._itsm_pending_units(after=last, limit=size)
        if not pending:
            # Before the end: none left behind (below the last one done).
            pending = run._itsm_pending_units(limit=size)
        try:
            with self.env.cr.savepoint():
                if pending:
                    run._itsm_run_chunk(pending)
                    done, _last = run._itsm_done_units()
                    total = max(run.unit_total, done, 1)
                    run._itsm_step_write({"progress": 100.0 * done / total})
                else:
                    run._itsm_run_finish()
        except psycopg2.OperationalError:
            raise
        except Exception as error:  # pylint: disable=broad-except
            # The chunk is undone (savepoint); what earlier chunks made
            # stays. The failure is kept, told in the chatter and by the
            # end-of-run notices.
            _logger.exception("Billing run %s failed", self.display_name)
            self.env.invalidate_all()
            run._itsm_run_failed(error)
            return False
        if pending:
            return True
        run._itsm_run_succeeded()
        return False

    def _itsm_run_start(self):
        """Set the runs running and do their work: in the request when the
        month has few items left to invoice (the foreground limit), by the
        cron otherwise. Returns the action telling what happened."""
        Item = self.env["itsm.billing.item"]
        self._itsm_step_write(
            {"state": "running", "failure_message": False, "progress": 0.0}
        )
        limit = self._itsm_foreground_limit()
        background = self.browse()
        failures = []
        for run in self:
            run._itsm_step_write(
                {
                    "unit_total": run._itsm_done_units()[0]
                    + len(run._itsm_pending_units())
                }
            )
            left = Item.search_count(
                run._itsm_item_domain() + [("move_id", "=", False)]
            )
            if left > limit:
                background |= run
                continue
            while run._itsm_run_step():
                pass
            if run.state == "failed":
                failures.append(
                    self.env._(
                        "The run of %(run)s failed: %(reason)s",
                        run=run.display_name,
                        reason=run.failure_message,
                    )
                )
        if background:
            for run in background:
                run.message_post(
                    body=self.env._(
                        "Running in the background, %s contracts a chunk.",
                        run._itsm_chunk_size(),
                    )
                )
            # sudo: the operator (checked) wakes the billing run cron.
            self.env.ref(CRON).sudo()._trigger()
        if failures:
            return self._itsm_run_notification("danger", "\n".join(failures))
        if background:
            return self._itsm_run_notification(
                "info",
                self.env._(
                    "%s: running in the background. The form shows its progress; "
                    "you are told when it is done.",
                    ", ".join(background.mapped("display_name")),
                ),
            )
        return True

    def _itsm_run_notification(self, kind, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "sticky": kind == "danger",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_itsm_run_chunks(self):
        """The billing run cron: one step of the oldest running run a call
        (committed by the cron after it), telling the cron what is left so
        that it calls again at once."""
        cron = self.env["ir.cron"]
        runs = self.search([("state", "=", "running")], order="id")
        if not runs:
            cron._notify_progress(done=0, remaining=0)
            return
        run = runs[0]
        # One worker a run: a second cron worker or a request waits here.
        self.env.cr.execute(
            SQL(
                "SELECT state FROM itsm_billing_run WHERE id = %s FOR NO KEY UPDATE",
                run.id,
            )
        )
        run.invalidate_recordset(["state"])
        if run.state != "running":
            cron._notify_progress(done=1, remaining=len(runs) - 1)
            return
        try:
            with self.env.cr.savepoint():
                more = run._itsm_run_step()
        except psycopg2.OperationalError as error:
            # A lock or a serialization failure: not the run's fault. The
            # chunk is undone; the cron tries it again shortly.
            _logger.warning("Billing run %s: %s; retried", run.display_name, error)
            self.env.invalidate_all()
            self.env.ref(CRON)._trigger(
                fields.Datetime.now() + timedelta(seconds=RETRY_SECONDS)
            )
            cron._notify_progress(done=0, remaining=len(runs))
            return
        remaining = len(runs) - (0 if more else 1)
        if remaining:
            # Wake the cron thread again at once when core's batches of
            # this job run are over (it would wait for its next poll).
            self.env.ref(CRON)._trigger()
        cron._notify_progress(done=1, remaining=remaining)

    # ------------------------------------------------------------------
    # Resume, and a failed run's data checked again
    # ------------------------------------------------------------------

    def action_resume(self):
        """Go on with a failed run where it stopped: what earlier chunks
        made stays; the data is checked again first, as by Run."""
        step = self.env._("Resuming the run")
        self._itsm_step_check(("failed",), OPERATOR, step)
        self._itsm_check_ready_to_run()
        for run in self:
            run.message_post(body=self.env._("Resumed by %s.", self.env.user.name))
        return self._itsm_run_start()

    def action_check_data(self):
        """A failed run may have its data checked again: what it made is
        discarded first (draft invoices removed, items given back to the
        month), then the month's data is checked as in a draft."""
        failed = self.filtered(lambda r: r.state == "failed")
        if failed:
            step = self.env._("The data check")
            self._itsm_step_check(("draft", "data_checked", "failed"), OPERATOR, step)
            for run in failed:
                run._itsm_discard_partial()
        return super().action_check_data()

    def _itsm_discard_partial(self):
        """Undo what a failed run made: its items released, its draft
        invoices removed (it never posted any), the contract dates it moved
        restored; it goes back to draft."""
        self.ensure_one()
        drafts = self.move_ids.filtered(lambda m: m.state == "draft")
        self._itsm_release_items()
        drafts.with_context(**QUIET).unlink()
        self._itsm_restore_contracts()
        self._itsm_step_write(
            {
                "state": "draft",
                "progress": 0.0,
                "contract_snapshot": False,
                "result_digest": False,
                "result_lines": False,
            }
        )
        self.message_post(
            body=self.env._(
                "What the failed run made is discarded (%s draft invoices "
                "removed); its data is checked again.",
                len(drafts),
            )
        )
