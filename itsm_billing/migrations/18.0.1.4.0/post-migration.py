# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.4.0: runs in the background and the four-eyes check on tiers.

- A run's check items are written while it is *running* (its end step makes
  the check report) and when it *failed* (its data checked again). The rule
  that freezes signed check reports is ``noupdate`` data: its domain is
  brought in line here.
- Runs signed, or reviewed, before the check and the review were tiers get
  their tiers as they were decided (the checker validated the check, the
  reviewer the review), so that they can be reviewed and published. Runs
  computed and not signed get theirs asked now (or at their signature, if
  nobody eligible can be found today)."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError

from odoo.addons.itsm_incident.models.tier_validation import DECISION

_logger = logging.getLogger(__name__)

DOMAIN = (
    "[('run_id.state', 'in', "
    "('draft', 'data_checked', 'running', 'failed', 'computed'))]"
)


def _tiers_of_decided_runs(env):
    Run = env["itsm.billing.run"]
    runs = Run.search(
        [("state", "in", ("checked", "reviewed")), ("review_ids", "=", False)]
    )
    vals_list = []
    for run in runs:
        definitions = env["tier.definition"].search(
            [("model", "=", Run._name)], order="sequence desc"
        )
        definitions = definitions.filtered(run.evaluate_tier)
        for sequence, definition in enumerate(definitions, start=1):
            check = sequence == 1
            decided = check or run.state == "reviewed"
            vals = run._prepare_tier_review_vals(definition, sequence)
            vals["requested_by"] = run.operator_id.id
            if decided:
                vals.update(
                    status="approved",
                    done_by=(run.checker_id if check else run.reviewer_id).id,
                    reviewed_date=run.checked_date if check else run.reviewed_date,
                )
            vals_list.append(vals)
    env["tier.review"].with_context(**{DECISION: True}).create(vals_list)
    _logger.info("Tiers of %s runs decided before they were tiers.", len(runs))


def _tiers_of_computed_runs(env):
    runs = env["itsm.billing.run"].search(
        [("state", "=", "computed"), ("review_ids", "=", False)]
    )
    for run in runs:
        try:
            with env.cr.savepoint():
                run._itsm_request_checks()
        except UserError as error:
            _logger.warning(
                "%s: its steps are asked at its signature (%s)", run.display_name, error
            )


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref("itsm_billing.itsm_billing_check_item_rule_signed", False)
    if rule:
        rule.domain_force = DOMAIN
    _tiers_of_decided_runs(env)
    _tiers_of_computed_runs(env)
