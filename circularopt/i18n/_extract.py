"""Collect the package's message ids and add the new ones to the PO catalogs.

Uses Babel's extraction (``babel.messages.extract``) for calls ``tr("...")`` and
``lazy("...")`` with a string literal, and Babel's PO reader and writer. Translations
already in a catalog are kept; ids no longer in the source are kept as obsolete
entries (``#~``) so that a translation is not lost while branches are merged.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from circularopt.i18n import DOMAIN, catalog_path

__all__ = ["KEYWORDS", "extract_ids", "update_catalog"]

KEYWORDS = {"tr": None, "lazy": None}
"""Functions whose first argument is a message id (Babel keyword spec)."""

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def extract_ids(package_dir: Path = PACKAGE_DIR) -> dict[str, list[tuple[str, int]]]:
    """Message id -> ``(file, line)`` places, for every literal ``tr``/``lazy`` call."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            package_dir, method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=(), strip_comment_tags=True):
        if isinstance(message, str) and message:
            found.setdefault(message, []).append((f"circularopt/{filename}", lineno))
    return found


def update_catalog(lang: str, ids: dict[str, list[tuple[str, int]]],
                   path: Path | None = None) -> tuple[int, list[str]]:
    """Add ``ids`` missing from ``lang``'s catalog (empty translations); return how many
    were added and the ids still untranslated."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    path = catalog_path(lang) if path is None else path
    if path.is_file():
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang, domain=DOMAIN)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=lang, domain=DOMAIN, project="circularopt")
    added = 0
    for message, places in ids.items():
        entry = catalog.get(message)
        if entry is None:
            catalog.add(message, "", locations=places)
            added += 1
        else:
            entry.locations = list(places)
    gone = [m.id for m in catalog if isinstance(m.id, str) and m.id and m.id not in ids]
    for old in gone:
        catalog.obsolete[old] = catalog[old]
        catalog.delete(old)
    with path.open("wb") as f:
        write_po(f, catalog, width=96, sort_output=True, include_lineno=False)
    return added, _untranslated(catalog)


def _untranslated(catalog: Iterable) -> list[str]:
    return [m.id for m in catalog if m.id and not m.string]
