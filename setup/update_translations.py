"""Export an addon's terms to i18n/<addon>.pot and merge them into zh_CN.po.

    .venv/bin/python setup/update_translations.py --db DB --addon itsm_incident \\
        [--add translations.json]

Existing translations are kept, terms no longer in the source are dropped, and
--add takes a JSON object {English term: Chinese} for new ones. Prints the
terms still untranslated. The database must have the addon installed at its
current version.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addon", required=True)
    parser.add_argument("--add")
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args()

    i18n = ROOT / args.addon / "i18n"
    i18n.mkdir(exist_ok=True)
    pot_path = i18n / f"{args.addon}.pot"
    export = subprocess.run(
        [
            "bash",
            "-c",
            'source "$0/setup/common.sh" && odoo_bin -d "$1" --modules="$2" '
            '--i18n-export="$3" --stop-after-init --log-level=warn',
            str(ROOT),
            args.db,
            args.addon,
            str(pot_path),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    if "Failed to extract" in export.stderr:
        sys.exit(f"Term extraction failed; the .po is left as it was:\n{export.stderr}")
    pot = polib.pofile(pot_path)
    po_path = i18n / f"{args.lang}.po"
    old = polib.pofile(po_path) if po_path.exists() else polib.POFile()
    known = {entry.msgid: entry.msgstr for entry in old if entry.msgstr}
    if args.add:
        known.update(json.loads(Path(args.add).read_text()))
    po = polib.POFile()
    po.header = pot.header
    po.metadata = dict(pot.metadata)
    po.metadata.update(
        {
            "Language": args.lang,
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=1; plural=0;",
        }
    )
    missing = []
    for entry in pot:
        msgstr = known.get(entry.msgid, "")
        if not msgstr:
            missing.append(entry.msgid)
        po.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr=msgstr,
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=entry.tcomment,
                flags=entry.flags,
            )
        )
    po.save(po_path)
    for msgid in missing:
        sys.stdout.write(f"untranslated: {msgid!r}\n")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
