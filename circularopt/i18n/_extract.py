"""Collect the package's message ids and add the new ones to the PO catalogs.

Message ids are the string literals passed first to ``tr(...)`` and ``lazy(...)``, found
by walking each module's syntax tree (:mod:`ast`), and to ``t(...)`` in the package's
Jinja templates (``*.html``, the web app's, which calls ``tr`` through ``t``), found by
Jinja2's own parser (:func:`jinja2.ext.extract_from_ast`; a ``t`` of a variable, such as a
run's status, cannot be listed). Babel's Python extractor
(``babel.messages.extract``) misses a ``tr`` call nested in the arguments of another
one, so it is not used here. The catalogs are read and written with Babel's PO reader
and writer. Translations already in a catalog are kept. Ids not in the source stay in
the catalog (another branch may use them until it is merged); with ``prune`` they become
obsolete entries (``#~``), whose translation comes back if the id is used again.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from circularopt.i18n import DOMAIN, catalog_path

__all__ = ["KEYWORDS", "TEMPLATE_KEYWORDS", "extract_ids", "template_ids", "update_catalog"]

KEYWORDS = ("tr", "lazy")
"""Functions whose first argument is a message id."""

TEMPLATE_KEYWORDS = ("t",)
"""Functions whose first argument is a message id in the Jinja templates."""

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def extract_ids(package_dir: Path = PACKAGE_DIR) -> dict[str, list[tuple[str, int]]]:
    """Message id -> ``(file, line)`` places, for every literal ``tr``/``lazy`` call."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(package_dir.rglob("*.py")):
        where = path.relative_to(package_dir.parent).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (message := _message(node)):
                found.setdefault(message, []).append((where, node.lineno))
    for message, places in template_ids(package_dir).items():
        found.setdefault(message, []).extend(places)
    return found


def template_ids(package_dir: Path = PACKAGE_DIR) -> dict[str, list[tuple[str, int]]]:
    """Message id -> places, for every literal ``t("...")`` in the ``*.html`` templates."""
    try:
        from jinja2 import Environment
        from jinja2.ext import extract_from_ast
    except ImportError:  # the web extra is not installed: no templates are used
        return {}
    env, found = Environment(), dict[str, list[tuple[str, int]]]()
    for path in sorted(package_dir.rglob("*.html")):
        where = path.relative_to(package_dir.parent).as_posix()
        tree = env.parse(path.read_text(encoding="utf-8"))
        for line, _, strings in extract_from_ast(tree, TEMPLATE_KEYWORDS):
            first = strings[0] if isinstance(strings, tuple) else strings
            if isinstance(first, str):
                found.setdefault(first, []).append((where, line))
    return found


def _message(node: ast.Call) -> str | None:
    if not node.args:
        return None
    func = node.func
    name = func.id if isinstance(func, ast.Name) else (
        func.attr if isinstance(func, ast.Attribute) else None)
    first = node.args[0]
    if name in KEYWORDS and isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def update_catalog(lang: str, ids: dict[str, list[tuple[str, int]]],
                   path: Path | None = None, *, prune: bool = False
                   ) -> tuple[int, list[str], list[str]]:
    """Add ``ids`` missing from ``lang``'s catalog (empty translations, or the obsolete
    entry's translation); with ``prune`` make the entries not in ``ids`` obsolete.

    Returns
    -------
    tuple
        How many ids were added, the ids still untranslated, and the catalog's ids that
        are not in ``ids`` (obsolete now when pruned).
    """
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
            old = catalog.obsolete.pop(message, None)
            catalog.add(message, old.string if old is not None else "", locations=places)
            added += 1
        else:
            entry.locations = list(places)
    unused = [m.id for m in catalog if isinstance(m.id, str) and m.id and m.id not in ids]
    for message in unused if prune else ():
        catalog.obsolete[message] = catalog[message]
        catalog.delete(message)
    with path.open("wb") as f:
        write_po(f, catalog, width=96, sort_output=True, include_lineno=False)
    return added, _untranslated(catalog), unused


def _untranslated(catalog: Iterable) -> list[str]:
    return [m.id for m in catalog if m.id and not m.string]
