"""Run by ``odoo-bin shell`` of the virtualenv the wheels were installed
into (setup/test): the suite's addons are installed from that virtualenv's
site-packages, not from a checkout, and an ITSM ticket gets its priority
from the impact × urgency matrix. Exits 1 when not."""

# A check script: it prints.
# pylint: disable=print-used
import sys
from pathlib import Path

import odoo.addons.itsm_incident as itsm_incident

SUITE = ("itsm_incident", "itsm_change", "itsm_billing", "itsm_billing_timesheet")
SITE = Path(sys.prefix).resolve()

problems = []
for name in SUITE:
    module = __import__(f"odoo.addons.{name}", fromlist=["__file__"])
    path = Path(module.__file__).resolve()
    if SITE not in path.parents:
        problems.append(f"{name} comes from {path}, not from {SITE}")
modules = env["ir.module.module"].search([("name", "in", SUITE)])  # noqa: F821
states = {module.name: module.state for module in modules}
if states != dict.fromkeys(SUITE, "installed"):
    problems.append(f"states: {states}")
team = env["helpdesk.ticket.team"].create({"name": "Wheel check", "is_itsm": True})  # noqa: F821
ticket = env["helpdesk.ticket"].create(  # noqa: F821
    {
        "name": "Installed from wheels",
        "description": "A check.",
        "team_id": team.id,
        "impact": "severe",
        "urgency": "high",
    }
)
if ticket.itsm_priority != "1":
    problems.append(f"severe × high gave priority {ticket.itsm_priority!r}, not 1")
env.cr.rollback()  # noqa: F821
print(f"Installed from {Path(itsm_incident.__file__).parent.parent}")
for problem in problems:
    print("  -", problem)
sys.exit(1 if problems else 0)
