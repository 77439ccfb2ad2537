from odoo import api, models


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

    @api.model
    def _itsm_escalation_scope(self, rule):
        """Open ITSM tickets (plain teams have no ladder); for "not removed",
        not those resolved awaiting confirmation or waiting on the
        customer. Open stages by id, so that the indexed stage_id selects
        the few open tickets among a million closed ones (no join)."""
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
            return [("event_recovered_date", "<=", since)]
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
        return domain

    def _itsm_escalation_supervisor_fallback(self):
        # A handler without a supervisor in the org chart: the team leader.
        return {ticket.id: ticket.team_id.user_id.partner_id for ticket in self}

    def _itsm_escalation_customers(self):
        # One read of the followers for all tickets.
        self.fetch(["partner_id", "message_partner_ids"])
        return {
            ticket.id: ticket.partner_id | ticket.message_partner_ids for ticket in self
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
            self.write({"user_id": rule.reassign_user_id.id})
        return result
