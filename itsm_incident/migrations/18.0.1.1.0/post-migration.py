# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""ITSM became a property of the team (is_itsm). Before, every team's tickets
followed the ITSM process: an upgraded database keeps that, and an admin
unticks the teams that are not IT service desks."""


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
