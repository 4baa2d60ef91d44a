"""``python -m circularopt.i18n extract [--prune] [LANG ...]``: add new message ids to the
catalogs (see :mod:`circularopt.i18n._extract`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from circularopt.i18n import LANGUAGES


def main(argv: Sequence[str] | None = None) -> int:
    """Run the catalog tool; return the exit code (1 when ids are left untranslated)."""
    parser = argparse.ArgumentParser(prog="python -m circularopt.i18n")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="add the package's new tr()/lazy() ids to the PO "
                                        "catalogs (empty translations, to be filled in)")
    ex.add_argument("languages", nargs="*", default=["ru"], metavar="LANG",
                    help="catalogs to update (default ru)")
    ex.add_argument("--prune", action="store_true",
                    help="make ids no longer in the source obsolete (#~); without it they "
                         "stay, as other branches may use them")
    args = parser.parse_args(argv)
    unknown = [lang for lang in args.languages if lang not in LANGUAGES[1:]]
    if unknown:
        parser.error(f"unknown language(s) {unknown}; expected some of {list(LANGUAGES[1:])}")
    from circularopt.i18n._extract import extract_ids, update_catalog

    ids = extract_ids()
    missing = 0
    for lang in args.languages:
        added, untranslated, unused = update_catalog(lang, ids, prune=args.prune)
        print(f"{lang}: {len(ids)} ids, {added} added, {len(untranslated)} untranslated, "
              f"{len(unused)} not in the source" + (" (now obsolete)" if args.prune else ""))
        for message in untranslated:
            print(f"  {message!r}")
        missing += len(untranslated)
    return 1 if missing else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
