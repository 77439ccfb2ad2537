"""What the benchmarks share: where Odoo is, the addons path of
setup/common.sh, building (or building anew and opening) and dropping a
database without demo data, and the columns every ticket inserted with SQL
needs."""

# pylint: disable=print-used
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ODOO_SRC = Path(os.environ.get("ODOO_SRC", Path.home() / "odoo-18.0"))

# The columns of a helpdesk ticket that the ORM would fill (required ones and
# defaults), as SQL expressions; ``{created}`` is the script's creation time.
# A script adds its own columns to these.
TICKET_BASE_COLUMNS = {
    "description": "'<p>A benchmark ticket.</p>'",
    "unattended": "false",
    "priority": "'1'",
    "active": "true",
    "sequence": "10",
    "kanban_state": "'normal'",
    "rating_status": "'stage_change'",
    "create_uid": "%(uid)s",
    "write_uid": "%(uid)s",
    "create_date": "{created}",
    "write_date": "{created}",
    "last_stage_update": "{created}",
}


def addons_path(root=ROOT):
    """The addons path of setup/common.sh: the checkout, then Odoo's."""
    paths = [Path(root)]
    if (ODOO_SRC / "addons").is_dir():
        paths.append(ODOO_SRC / "addons")
    paths.append(ODOO_SRC / "odoo" / "addons")
    return ",".join(str(path) for path in paths)


def build_database(db, modules, root=ROOT):
    """Create ``db`` with ``modules`` installed and no demo data."""
    print(f"Building database {db} with {modules} (no demo data)…", flush=True)
    subprocess.run(
        [
            sys.executable,
            str(ODOO_SRC / "odoo-bin"),
            f"--addons-path={addons_path(root)}",
            "--log-level=warn",
            "--without-demo=all",
            "-d",
            db,
            "-i",
            modules,
            "--stop-after-init",
        ],
        check=True,
    )


def drop_database(db):
    """Close ``db``'s registry and drop it (a benchmark's large data)."""
    import odoo  # noqa: PLC0415 - imported once Odoo's config is parsed
    from odoo.service import db as db_service  # noqa: PLC0415

    odoo.modules.registry.Registry.delete(db)
    db_service.exp_drop(db)
    print(f"Dropped {db}.")


def fresh_environment(db, modules, root=ROOT):
    """Odoo's config parsed for the checkout ``root``, ``db`` dropped if it
    exists and built anew with ``modules``; returns (registry, cursor, the
    superuser's environment in English and UTC)."""
    import odoo  # noqa: PLC0415 - imported once Odoo's config is parsed
    from odoo.service import db as db_service  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path(root)}", "--log-level=warn"]
    )
    if db_service.exp_db_exist(db):
        print(f"Dropping the earlier {db}.")
        db_service.exp_drop(db)
    build_database(db, modules, root)
    registry = odoo.modules.registry.Registry(db)
    cr = registry.cursor()
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US", "tz": "UTC"})
    return registry, cr, env
