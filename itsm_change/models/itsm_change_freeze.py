import pytz

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools import monthly_spans, overlaps

RECURRENCES = [("monthly", "Every month"), ("once", "Once")]


class ItsmChangeFreeze(models.Model):
    """A freeze window (CHG-8): a time in which changes are refused unless an
    emergency override is approved, every month on the same days (the
    billing days 1st–2nd, the settlement days up to the 10th: BIL-5) or
    once. It may hold for some services only: a change is frozen when it
    touches one of them or a service one of them depends on."""

    _name = "itsm.change.freeze"
    _inherit = ["itsm.config.cache.mixin"]
    _description = "ITSM Change Freeze"
    _order = "sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Empty: the freeze holds in every company.",
    )
    recurrence = fields.Selection(RECURRENCES, required=True, default="monthly")
    day_from = fields.Integer(
        string="From day",
        default=1,
        help="First day of the month of the freeze, from 00:00.",
    )
    day_to = fields.Integer(
        string="To day",
        default=2,
        help="Last day of the month of the freeze, until 24:00; before the "
        "first day, the freeze runs into the next month.",
    )
    date_from = fields.Datetime(string="From")
    date_to = fields.Datetime(string="To")
    service_ids = fields.Many2many(
        "itsm.service",
        "itsm_change_freeze_service_rel",
        "freeze_id",
        "service_id",
        string="Services",
        check_company=True,
        help="The services it protects: empty, every service.",
    )
    user_impacting_only = fields.Boolean(
        string="User-impacting changes only",
        help="Changes that do not affect users may still run in it.",
    )
    note = fields.Text()

    @api.constrains("recurrence", "day_from", "day_to", "date_from", "date_to")
    def _check_span(self):
        for freeze in self:
            if freeze.recurrence == "monthly":
                if not (1 <= freeze.day_from <= 31 and 1 <= freeze.day_to <= 31):
                    raise ValidationError(
                        self.env._(
                            "The days of the monthly freeze %s are days of the "
                            "month, from 1 to 31.",
                            freeze.name,
                        )
                    )
            elif not (
                freeze.date_from
                and freeze.date_to
                and freeze.date_from < freeze.date_to
            ):
                raise ValidationError(
                    self.env._(
                        "The freeze %s needs a start and an end after it.",
                        freeze.name,
                    )
                )

    @api.model
    def _itsm_hits(self, company, start, end, service_ids, user_impacting, tz):
        """[(freeze, begin, end)] of the active freezes of ``company`` that
        the slot [start, end) (naive UTC) meets, for a change that affects
        the services of ``service_ids`` (a set of ids; monthly days in
        ``tz``). The freezes are read from the registry's cache (cleared
        when one changes): checking a change asks no query of them."""
        begin = pytz.utc.localize(start)
        stop = pytz.utc.localize(end)
        hits = []
        for freeze_id, days, span, services, impacting_only in self._itsm_freeze_data(
            company.id
        ):
            if impacting_only and not user_impacting:
                continue
            if services and not services & service_ids:
                continue
            spans = monthly_spans(begin, stop, tz, *days) if days else [span]
            for span_begin, span_end in spans:
                if overlaps(begin, stop, span_begin, span_end):
                    hits.append(
                        (self.browse(freeze_id), _naive(span_begin), _naive(span_end))
                    )
                    break
        return hits

    @api.model
    @tools.ormcache("company_id")
    def _itsm_freeze_data(self, company_id):
        """((id, (first day, last day) of a monthly freeze, (begin, end) of a
        one-off one, frozenset of service ids, user-impacting only), ...) of
        the active freezes of the company and the shared ones, in their
        order.

        sudo: the freezes hold for every change, whoever schedules it."""
        freezes = self.sudo().search([("company_id", "in", (company_id, False))])
        return tuple(
            (
                freeze.id,
                (freeze.day_from, freeze.day_to)
                if freeze.recurrence == "monthly"
                else None,
                None
                if freeze.recurrence == "monthly"
                else (
                    pytz.utc.localize(freeze.date_from),
                    pytz.utc.localize(freeze.date_to),
                ),
                frozenset(freeze.service_ids.ids),
                freeze.user_impacting_only,
            )
            for freeze in freezes
        )


def _naive(moment):
    """An aware datetime as Odoo stores it (naive UTC)."""
    return moment.astimezone(pytz.utc).replace(tzinfo=None)
