from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# Shares of an SLA target a rule may name, in percent: past 100 is after
# the breach.
MIN_SHARE = 1
MAX_SHARE = 1000


class ItsmEscalationRule(models.Model):
    """The "share of a deadline's target used" threshold of escalation rules
    (issue #4): a rule falls due when a share of a record's deadline target
    (a ticket's response or resolution) is used, in working time; the
    sweep is woken then."""

    _inherit = "itsm.escalation.rule"

    sla_share_percent = fields.Float(
        string="Share of the target (%)",
        default=50.0,
        help="For “Share of a deadline's target used”: the rule falls due when "
        "this share of the deadline's target is used, in the working time of "
        "its calendar (pauses do not count). 50: half-way; 100: at the "
        "deadline; 150: half the target again after it.",
    )

    def _itsm_check_sla_share(self):
        """Called by the rule's constraint (the trigger is the rule's)."""
        for rule in self:
            if rule.trigger == "sla_share" and not (
                MIN_SHARE <= rule.sla_share_percent <= MAX_SHARE and rule.deadline_kind
            ):
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: choose the deadline and a share of its "
                        "target from %(min)s %% to %(max)s %%.",
                        rule=rule.name,
                        min=MIN_SHARE,
                        max=MAX_SHARE,
                    )
                )

    def _sla_share_due_ids(self, now):
        """Records with a running clock of the rule's model and kind that had
        used the rule's share of its target, in working time, the threshold
        ago, and that the rule has not fired for. Working time never runs faster than
        the wall clock: SQL keeps the clocks whose wall-clock time since they
        last resumed covers the share left; their calendars decide."""
        self.ensure_one()
        at = now - timedelta(minutes=self.threshold_minutes)
        share = self.sla_share_percent / 100
        kind = (
            SQL("TRUE")
            if self.deadline_kind == "any"
            else SQL("d.kind = %s", self.deadline_kind)
        )
        # sudo: the clocks of records; only record ids leave this method.
        Deadline = self.env["itsm.deadline"].sudo()
        Deadline.flush_model()
        self.env["itsm.escalation.log"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT d.id FROM itsm_deadline d
                 WHERE d.res_model = %(model)s AND d.state = 'running'
                   AND %(kind)s
                   AND d.resumed_at + make_interval(secs => 60 * GREATEST(
                       %(share)s * d.target_minutes - d.consumed_minutes, 0))
                       <= %(at)s
                   AND NOT EXISTS (
                       SELECT 1 FROM itsm_escalation_log l
                        WHERE l.rule_id = %(rule)s AND l.res_id = d.res_id)
                """,
                model=self.model_name,
                kind=kind,
                share=share,
                at=at,
                rule=self.id,
            )
        )
        clocks = Deadline.browse([row[0] for row in self.env.cr.fetchall()])
        due = set()
        for clock in clocks:
            used = clock.consumed_minutes + clock.calendar_id._itsm_working_minutes(
                clock.resumed_at, at
            )
            # A second's tolerance for the float arithmetic of working time.
            if used >= share * clock.target_minutes - 1 / 60:
                due.add(clock.res_id)
        return sorted(due)

    @api.model
    @tools.ormcache()
    def _share_thresholds(self):
        """(model, kind, share, minutes after it) of the share-of-target
        rules, cached until a rule changes."""
        return tuple(
            sorted(
                {
                    (
                        rule.model_name,
                        rule.deadline_kind,
                        rule.sla_share_percent / 100,
                        rule.threshold_minutes,
                    )
                    for rule in self.search([("trigger", "=", "sla_share")])
                }
            )
        )

    @api.model
    def _share_moments(self, deadlines):
        """When the share-of-target rules fall due for these running clocks:
        clocks with the same model, calendar, times and target (a batch of
        new records) are computed once."""
        thresholds = self._share_thresholds()
        moments = set()
        if not thresholds:
            return moments
        running = deadlines.filtered(lambda d: d.state == "running")
        keys = {
            (
                d.res_model,
                d.calendar_id,
                d.kind,
                d.resumed_at,
                d.target_minutes,
                d.consumed_minutes,
            )
            for d in running
        }
        for model, calendar, kind, resumed_at, target, consumed in keys:
            intervals = calendar._itsm_intervals()
            for rule_model, rule_kind, share, minutes in thresholds:
                if rule_model == model and rule_kind in (kind, "any"):
                    moments.add(
                        calendar._itsm_add_working_minutes(
                            resumed_at, max(share * target - consumed, 0.0), intervals
                        )
                        + timedelta(minutes=minutes)
                    )
        return moments
