from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


# One concern a file on purpose (the change's schedule is another).
# pylint: disable=consider-merging-classes-inherited
class ItsmChange(models.Model):
    """Review and closure (CHG-9): when the implementation finishes, the
    main business flows of the changed services are checked one by one; a
    change closes as successful only when every flow works, as failed with
    its rollback recorded; a failed change opens the incident of what it
    broke, linked to it."""

    _inherit = "itsm.change"

    check_ids = fields.One2many(
        "itsm.change.check",
        "change_id",
        string="Business flows checked",
        copy=False,
    )
    incident_count = fields.Integer(compute="_compute_incident_count")

    @api.depends("ticket_ids.declaration_type")
    def _compute_incident_count(self):
        """The incidents linked to each change, one grouped query for the
        whole set. A count, not the tickets: it is counted on the relation
        whatever the reader may open (the smart button's list applies the
        record rules)."""
        self.flush_model(["ticket_ids"])
        self.env["helpdesk.ticket"].flush_model(["declaration_type"])
        self.env.cr.execute(
            SQL(
                """
                SELECT r.change_id, count(*)
                  FROM itsm_change_ticket_rel r
                  JOIN helpdesk_ticket t ON t.id = r.ticket_id
                 WHERE r.change_id = ANY(%s) AND t.declaration_type = 'incident'
                 GROUP BY r.change_id
                """,
                self._origin.ids,
            )
        )
        counts = dict(self.env.cr.fetchall())
        for change in self:
            change.incident_count = counts.get(change._origin.id, 0)

    def action_finish(self):
        result = super().action_finish()
        values = []
        for change in self:
            for item in change.service_ids.check_item_ids:
                values.append(
                    {
                        "change_id": change.id,
                        "service_id": item.service_id.id,
                        "sequence": item.sequence,
                        "name": item.name,
                    }
                )
        # sudo: the checklist is the system's, from the services' flows.
        self.env["itsm.change.check"].sudo().create(values)
        return result

    def action_close(self):
        for change in self:
            unchecked = change.check_ids.filtered(lambda check: not check.result)
            if unchecked:
                raise UserError(
                    self.env._(
                        "%(change)s: check the business flows first (%(flows)s).",
                        change=change.display_name,
                        flows=", ".join(unchecked.mapped("name")),
                    )
                )
            failed = change.check_ids.filtered(lambda check: check.result == "failed")
            if failed:
                raise UserError(
                    self.env._(
                        "%(change)s: %(flows)s does not work; close it as failed "
                        "with its rollback.",
                        change=change.display_name,
                        flows=", ".join(failed.mapped("name")),
                    )
                )
        return super().action_close()

    @api.model
    def _itsm_raise_for(self, source, values):
        """A draft change raised from ``source`` (a requirement, a problem)
        and linked to it by ``values``; the source's chatter names it.
        Returns the change's form."""
        change = self.create(values)
        source.message_post(
            body=Markup("%s %s")
            % (self.env._("Change raised:"), change._get_html_link()),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "itsm.change",
            "res_id": change.id,
            "view_mode": "form",
        }

    def action_open_incident(self):
        """The incident of what a failed change broke (CHG-9): filed to the
        service desk on the change's first service, with its failed flows
        and rollback, and linked to the change."""
        self.ensure_one()
        failed = self.check_ids.filtered(lambda check: check.result == "failed")
        if self.result != "failed" and not failed:
            raise UserError(
                self.env._(
                    "%s did not fail: no incident to open from it.",
                    self.display_name,
                )
            )
        lines = Markup("").join(
            Markup("<li>%s: %s</li>") % (check.name, check.note or "-")
            for check in failed
        )
        description = Markup("<p>%s</p><ul>%s</ul><p>%s</p>") % (
            self.env._("Failed change %s.", self.display_name),
            lines,
            self.rollback_result or "",
        )
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": self.env._("Failed change: %s", self.name),
                "description": description,
                "declaration_type": "incident",
                "service_id": self.service_ids[:1].id,
                "team_id": self.service_ids[:1].team_id.id or False,
                "company_id": self.company_id.id,
                "partner_id": self.env.user.partner_id.id,
            }
        )
        self.write({"ticket_ids": [(4, ticket.id)]})
        self.message_post(
            body=Markup("%s %s")
            % (self.env._("Incident opened:"), ticket._get_html_link()),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": ticket.id,
            "view_mode": "form",
        }
