from odoo import api, models
from odoo.exceptions import AccessError

# Fields the system stamps (security review M5): the clocks' mirrors, the
# acknowledgement, screening, verification, hand-over, resolution and
# confirmation stamps, recurrence and monitoring counters. ``readonly`` only
# hides them in the web client; through RPC they are refused unless the code
# that owns them writes them with sudo, after its own checks.
SYSTEM_FIELDS = frozenset(
    {
        # Acknowledgement (helpdesk_ticket_assignment.py)
        "acknowledged_date",
        "acknowledged_by_id",
        "response_minutes",
        "reassignment_count",
        # The clocks' mirrors (helpdesk_ticket_sla.py)
        "response_deadline",
        "resolution_deadline",
        "response_met",
        "resolution_met",
        "sla_breached_at",
        "response_working_minutes",
        "resolution_working_minutes",
        "resolution_done_date",
        # Recurrence (helpdesk_ticket_kpi.py, helpdesk_ticket_recurrence.py)
        "is_recurrence",
        "recurrence_count",
        # Resolution and confirmation (helpdesk_ticket_resolution.py)
        "resolved_date",
        "resolved_by_id",
        "auto_close_date",
        "reporter_confirmed_date",
        "auto_closed",
        "reopen_count",
        # Screening (helpdesk_ticket_screening.py, the screening wizard)
        "screening_state",
        # Verification, hand-over, progress (helpdesk_ticket_handling.py)
        "verification_state",
        "verified_by_id",
        "verified_date",
        "handover_user_id",
        "handover_date",
        "progress_date",
        # Monitoring (helpdesk_ticket_monitoring.py, itsm.event.source)
        "event_source_id",
        "event_fingerprint",
        "event_count",
        "event_reopen_count",
        "event_last_seen",
        "event_recovered",
        "event_recovered_date",
        "event_storm",
    }
)


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class HelpdeskTicket(models.Model):
    """System-stamped fields are the system's (security review M5): neither
    created nor written by a user, RPC included. The actions that stamp them
    check who may act, then write them with sudo."""

    _inherit = "helpdesk.ticket"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            vals_list = [self._itsm_without_default_stamps(vals) for vals in vals_list]
        for vals in vals_list:
            self._itsm_check_system_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._itsm_check_system_fields(vals)
        return super().write(vals)

    @api.model
    def _itsm_system_fields(self):
        """The names of the system-stamped fields; an addon adds its own."""
        return SYSTEM_FIELDS

    @api.model
    def _itsm_without_default_stamps(self, vals):
        """The values to create, without the system fields a form sends with
        the value a new ticket takes anyway (empty, or "to screen")."""
        stamped = self._itsm_system_fields() & set(vals)
        if not stamped:
            return vals
        defaults = self.default_get(list(stamped))
        return {
            name: value
            for name, value in vals.items()
            if name not in stamped or (value and value != defaults.get(name))
        }

    @api.model
    def _itsm_check_system_fields(self, vals):
        stamped = self._itsm_system_fields() & set(vals)
        if not stamped or self.env.su:
            return
        labels = ", ".join(
            sorted(self._fields[name]._description_string(self.env) for name in stamped)
        )
        raise AccessError(
            self.env._(
                "%(fields)s are recorded by the system (by the actions that "
                "acknowledge, screen, verify, resolve or confirm a ticket, and by "
                "its clocks), not written by hand.",
                fields=labels,
            )
        )
