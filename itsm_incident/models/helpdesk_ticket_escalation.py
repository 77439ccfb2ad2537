from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# How long after a fault's recovery its notice may still go out (a sweep
# that did not run, a server down): past it, a recovery is history.
RECOVERY_WINDOW = timedelta(days=7)


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """The ticket on the escalation ladder (INC-9, S4's fault ladder): its
    own triggers (not acknowledged, not removed, recovered), the ticket
    conditions of a rule, its handler and customers, and the actions a rung
    may take (raise the priority, reassign). It brings the ticket its
    tracked deadlines too (``itsm.escalation.mixin`` is an
    ``itsm.deadline.mixin``), which the SLA (helpdesk_ticket_sla.py) uses."""

    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "itsm.escalation.mixin"]
    # The follow-up wakes the sweep right after the commit (helpdesk_ticket_sla.py).
    _itsm_escalation_schedule_at_create = False

    fault_recovered_date = fields.Datetime(
        string="Fault recovered on",
        compute="_compute_fault_recovered_date",
        store=True,
        index="btree_not_null",
        copy=False,
        help="When the service came back after this fault: the monitoring "
        "tool's recovery, else the handler's resolution, else the closing. "
        "The recovery notice goes out at that moment (S4).",
    )

    @api.depends("is_fault", "event_recovered_date", "resolved_date", "closed_date")
    def _compute_fault_recovered_date(self):
        for ticket in self:
            moments = [
                moment
                for moment in (
                    ticket.event_recovered_date,
                    ticket.resolved_date,
                    ticket.closed_date,
                )
                if moment
            ]
            ticket.fault_recovered_date = (
                min(moments) if ticket.is_fault and moments else False
            )

    def write(self, vals):
        watched = {
            "is_fault",
            "event_recovered_date",
            "resolved_date",
            "closed_date",
            "stage_id",
        }
        if not watched & set(vals):
            return super().write(vals)
        before = {ticket.id: ticket.fault_recovered_date for ticket in self}
        result = super().write(vals)
        recovered = self.filtered(
            lambda t: t.fault_recovered_date and t.fault_recovered_date != before[t.id]
        )
        if recovered:
            recovered._itsm_wake_recovery_notices()
        return result

    def action_itsm_fault_explanation(self):
        """S4's 故障说明通告: the fault explanation notice, prepared from the
        resolution record for the handler to read over and send to the
        affected customers."""
        self.ensure_one()
        template = self.env.ref("itsm_incident.mail_template_fault_explanation")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Fault explanation notice"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }

    def _itsm_wake_recovery_notices(self):
        """Wake the sweep at the moment each fault's recovery rungs fall due
        (S4: the recovery notice within 5 minutes, by an exact-time trigger,
        not by the safety sweep)."""
        # sudo: the rules' thresholds decide when to wake the sweep.
        rules = (
            self.env["itsm.escalation.rule"]
            .sudo()
            .search([("model_name", "=", self._name), ("trigger", "=", "recovered")])
        )
        now = fields.Datetime.now()
        self.env["itsm.deadline"]._wake_sweep_at(
            {
                max(ticket.fault_recovered_date + timedelta(minutes=minutes), now)
                for ticket in self
                for minutes in set(rules.mapped("threshold_minutes"))
            }
        )

    @api.model
    def _itsm_escalation_scope(self, rule):
        """Open ITSM tickets (plain teams have no ladder); for "not removed",
        not those resolved awaiting confirmation or waiting on the
        customer. Open stages by id, so that the indexed stage_id selects
        the few open tickets among a million closed ones (no join)."""
        if rule.trigger == "recovered":
            # A fault closed by hand has recovered too: any stage.
            return [("is_itsm", "=", True)]
        # sudo: stages are configuration; only their ids are used.
        open_stages = (
            self.env["helpdesk.ticket.stage"].sudo().search([("closed", "=", False)])
        )
        if rule.trigger == "unresolved":
            # Not removed (S4 不能处理): acknowledging does not stop it; a
            # resolution awaiting confirmation, a recovery reported by the
            # monitoring tool or waiting on the customer does.
            open_stages = open_stages.filtered(
                lambda stage: not (stage.itsm_resolved or stage.itsm_pause_sla)
            )
        return [("stage_id", "in", open_stages.ids), ("is_itsm", "=", True)]

    @api.model
    def _itsm_escalation_triggers(self):
        return ("unacknowledged", "unresolved", "recovered")

    @api.model
    def _itsm_escalation_creation_triggers(self):
        return ("unacknowledged", "unresolved")

    @api.model
    def _itsm_escalation_trigger_domain(self, rule, since):
        if rule.trigger == "unacknowledged":
            return [("acknowledged_date", "=", False), ("create_date", "<=", since)]
        if rule.trigger == "unresolved":
            return [("event_recovered_date", "=", False), ("create_date", "<=", since)]
        if rule.trigger == "recovered":
            return [
                ("fault_recovered_date", "<=", since),
                ("fault_recovered_date", ">", since - RECOVERY_WINDOW),
            ]
        return super()._itsm_escalation_trigger_domain(rule, since)

    @api.model
    def _itsm_escalation_conditions(self, rule):
        domain = super()._itsm_escalation_conditions(rule)
        if rule.declaration_type:
            domain += [("declaration_type", "=", rule.declaration_type)]
        if rule.priority_ids:
            domain += [("itsm_priority", "in", rule.priority_ids.mapped("level"))]
        if rule.category_ids:
            domain += [("category_id", "child_of", rule.category_ids.ids)]
        if rule.team_ids:
            domain += [("team_id", "in", rule.team_ids.ids)]
        if rule.stage_ids:
            domain += [("stage_id", "in", rule.stage_ids.ids)]
        if rule.min_recurrence:
            domain += [("recurrence_count", ">=", rule.min_recurrence)]
        if rule.fault_only:
            domain += [("is_fault", "=", True)]
        if rule.company_id and rule.declaration_type != "security_incident":
            # A company's rule reaches security incidents only when it names
            # them (which only the security group may do); the shared rules,
            # the administrators', reach them, told only to the security
            # group (itsm_escalation_rule_scope.py).
            domain += [("declaration_type", "!=", "security_incident")]
        return domain

    def _itsm_escalation_confidential(self):
        """Security incidents: told only to the security group (X-7)."""
        return self.filtered(
            lambda ticket: ticket.declaration_type == "security_incident"
        )

    def _itsm_escalation_org_chart_fallback(self, kind):
        """The team leader (``team_id.user_id``) stands in: for the supervisor
        of a handler who has none in the org chart, and for the supervisor and
        the department manager of a ticket nobody handles yet (S2 §5.4.6: an
        unassigned ticket's warning must reach someone)."""
        if kind == "supervisor":
            tickets = self
        elif kind == "department_manager":
            tickets = self.filtered(lambda ticket: not ticket.user_id)
        else:
            return super()._itsm_escalation_org_chart_fallback(kind)
        return {ticket.id: ticket.team_id.user_id.partner_id for ticket in tickets}

    def _itsm_escalation_customers(self):
        """The reporter and the followers: the followers of all tickets in
        one query (``message_partner_ids`` computes them ticket by ticket,
        a second of a 10 000-ticket sweep)."""
        self.fetch(["partner_id"])
        self.env["mail.followers"].flush_model(["res_model", "res_id", "partner_id"])
        self.env.cr.execute(
            SQL(
                "SELECT res_id, array_agg(partner_id) FROM mail_followers "
                "WHERE res_model = %s AND res_id = ANY(%s) AND partner_id IS NOT NULL "
                "GROUP BY res_id",
                self._name,
                self.ids,
            )
        )
        followers = dict(self.env.cr.fetchall())
        Partner = self.env["res.partner"]
        return {
            ticket.id: ticket.partner_id | Partner.browse(followers.get(ticket.id, ()))
            for ticket in self
        }

    def _itsm_escalation_actions(self, rule):
        result = super()._itsm_escalation_actions(rule)
        if rule.raise_priority:
            for level in ("2", "3", "4"):
                raised = self.filtered(lambda t, level=level: t.itsm_priority == level)
                raised.write(
                    {
                        "priority_override": str(int(level) - 1),
                        "priority_override_reason": rule.name,
                    }
                )
        if rule.reassign_user_id:
            # Only the tickets the new assignee may read (their companies;
            # a security incident, the security group).
            readable = rule._itsm_reader_ids(self, rule.reassign_user_id)
            self.browse(sorted(readable[rule.reassign_user_id.id])).write(
                {"user_id": rule.reassign_user_id.id}
            )
        return result
