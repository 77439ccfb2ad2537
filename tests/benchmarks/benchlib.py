"""What the benchmarks share: where Odoo is, the addons path of
setup/common.sh, and building a database without demo data."""

# pylint: disable=print-used
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ODOO_SRC = Path(os.environ.get("ODOO_SRC", Path.home() / "odoo-18.0"))


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
