# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""ITSM became a property of the team (is_itsm). Before, every team's tickets
followed the ITSM process: an upgraded database keeps that, and an admin
unticks the teams that are not IT service desks.

S2's P1 < 24 h, P2 < 72 h and P3 < 1 month became hours of the clock: the
levels whose resolution calendar was left empty (the company's working
hours) are measured round the clock, as on a new database; a calendar an
admin chose stays.

S4's fault ladder: its seeded 5/15/30-minute rungs mean "not removed" and
apply to faults only; the seeded rules still as they were installed follow."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE helpdesk_ticket_team SET is_itsm = TRUE")
    cr.execute(
        """
        UPDATE helpdesk_ticket t
           SET is_itsm = TRUE
         WHERE t.team_id IS NOT NULL AND t.is_itsm IS NOT TRUE
        """
    )
    cr.execute(
        """
        UPDATE itsm_priority p
           SET resolution_calendar_id = d.res_id
          FROM ir_model_data d
         WHERE d.module = 'itsm_incident' AND d.name = 'calendar_24x7'
           AND p.level IN ('1', '2', '3') AND p.resolution_calendar_id IS NULL
        """
    )
    cr.execute(
        """
        UPDATE itsm_escalation_rule r
           SET fault_only = TRUE,
               trigger = 'unresolved'
          FROM ir_model_data d
         WHERE d.model = 'itsm.escalation.rule' AND d.res_id = r.id
           AND d.module = 'itsm_incident'
           AND d.name IN ('escalation_rule_supervisor_5',
                          'escalation_rule_department_manager_15',
                          'escalation_rule_division_leader_30',
                          'escalation_rule_all_departments_30')
           AND r.trigger IN ('unacknowledged', 'unresolved')
        """
    )
