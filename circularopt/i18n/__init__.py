"""Messages in the user's language.

Every message a department sees (command-line errors and warnings, report and table
headers) goes through :func:`tr`. The English text is the message id; the catalogs in
``circularopt/locale/<lang>/LC_MESSAGES/circularopt.po`` (gettext PO files, read with
Babel on first use) translate it.

The language is, in this order: the one set by :func:`using` in the current context, the
one set by :func:`set_language`, the setting ``CIRCULAROPT_LANG`` (``en``, ``ru``,
``ky``; another value is ignored, see :func:`setting_problem`), the locale (the first
set of ``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``ru...`` -> Russian, ``ky...`` -> Kyrgyz),
else English. A message missing in Kyrgyz is shown in Russian, one
missing in Russian in English (:data:`FALLBACK`).

``python -m circularopt.i18n extract`` adds the package's new message ids to the catalogs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["DOMAIN", "FALLBACK", "LANGUAGES", "LOCALE_DIR", "Text", "catalog_path",
           "get_language", "lazy", "num", "number_symbols", "plain_number", "set_language",
           "setting_problem", "tr", "using"]

LANGUAGES = ("en", "ru", "ky")
"""Languages one can choose; English is the message ids themselves."""

FALLBACK: Mapping[str, tuple[str, ...]] = {"en": ("en",), "ru": ("ru", "en"),
                                           "ky": ("ky", "ru", "en")}
"""Catalogs tried, in order, for each language."""

DOMAIN = "circularopt"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
"""Folder of the catalogs: ``<lang>/LC_MESSAGES/circularopt.po``."""

_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")
_chosen: str | None = None
_context: ContextVar[str | None] = ContextVar("circularopt_language", default=None)


def _check(lang: str, where: str) -> str:
    # ValueError, not InputError: circularopt.exceptions renders its messages through
    # this module, which therefore imports nothing of circularopt.
    if lang not in LANGUAGES:
        raise ValueError(tr("{field}: got {value}; expected {expected}", field=where,
                            value=repr(lang), expected=tr("one of {options}",
                                                          options=list(LANGUAGES))))
    return lang


def set_language(lang: str | None) -> None:
    """Choose the language for the whole process; ``None`` returns to the automatic choice
    (setting, then locale)."""
    global _chosen
    _chosen = None if lang is None else _check(lang, "language")


@contextmanager
def using(lang: str | None) -> Iterator[None]:
    """Use ``lang`` within the ``with`` block (in this thread or task only), e.g. for one
    command or one web request; ``None`` changes nothing."""
    if lang is None:
        yield
        return
    token = _context.set(_check(lang, "language"))
    try:
        yield
    finally:
        _context.reset(token)


def get_language() -> str:
    """The current language code (see the module docstring for the order of choice)."""
    lang = _context.get() or _chosen
    if lang is not None:
        return lang
    setting = os.environ.get("CIRCULAROPT_LANG", "").strip().lower()
    if setting in LANGUAGES:
        return setting
    for var in _LOCALE_VARS:
        value = os.environ.get(var, "")
        if value:  # the first one set decides, as in POSIX
            code = value.split("_")[0].split(".")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


def setting_problem() -> tuple[str, str, str] | None:
    """``(field, value, expected)`` when ``CIRCULAROPT_LANG`` holds an unknown language
    (then ignored), else ``None``; the command line reports it as an input error."""
    setting = os.environ.get("CIRCULAROPT_LANG", "").strip().lower()
    if setting and setting not in LANGUAGES:
        return "CIRCULAROPT_LANG", setting, tr("one of {options}", options=list(LANGUAGES))
    return None


def catalog_path(lang: str) -> Path:
    """The PO file of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _catalog(lang: str) -> Mapping[str, str]:
    """Message id -> translation for ``lang`` (empty when there is no catalog); fuzzy and
    untranslated entries are left out."""
    path = catalog_path(lang)
    if lang == "en" or not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    return {m.id: m.string for m in catalog
            if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
            and not m.fuzzy}


def _lookup(message: str, lang: str) -> str:
    for code in FALLBACK[lang]:
        found = _catalog(code).get(message)
        if found:
            return found
    return message


class Text(str):
    """An English message that remembers its template and fields, so that it can be
    shown later in whatever language is current then (see :func:`lazy`).

    It is a ``str`` equal to the English text; :func:`tr` translates it.
    """

    template: str
    fields: Mapping[str, Any]

    def __new__(cls, template: str, fields: Mapping[str, Any]) -> Text:
        self = super().__new__(cls, _fill(template, template, fields))
        self.template = template
        self.fields = dict(fields)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (self.template, self.fields))


def lazy(message: str, /, **fields: Any) -> Text:
    """``message`` filled in English now, translated when passed to :func:`tr` later.

    Use it where a message is built before the language is known to apply, e.g. the
    ``expected`` part of an :class:`~circularopt.exceptions.InputError`.
    """
    return Text(message, fields)


def _fill(template: str, english: str, fields: Mapping[str, Any]) -> str:
    if not fields:
        return template
    values = {k: tr(v) if isinstance(v, Text) else v for k, v in fields.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation with a broken field
        return english.format(**values)


def tr(message: str, /, **fields: Any) -> str:
    """``message`` in the current language, with ``{name}`` fields filled in.

    Parameters
    ----------
    message
        The English text, a :meth:`str.format` template (used as is without fields), or
        a :class:`Text` from :func:`lazy`.
    **fields
        Values of the template's fields (added to a :class:`Text`'s own); :class:`Text`
        values are translated too.
    """
    if isinstance(message, Text):
        return tr(message.template, **{**message.fields, **fields})
    lang = get_language()
    translated = message if lang == "en" else _lookup(message, lang)
    return _fill(translated, message, fields)


def num(value: float, decimals: int = 0) -> str:
    """``value`` rounded to ``decimals`` and grouped as the current language writes it:
    ``1,234.5`` in English, ``1 234,5`` in Russian and Kyrgyz (no-break space)."""
    lang = get_language()
    if lang == "en":
        return f"{value:,.{decimals}f}"
    from decimal import Decimal

    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    # rounded as Python rounds (the float's exact value), so both languages agree
    return format_decimal(Decimal(f"{value:.{decimals}f}"), format=pattern, locale=lang,
                          group_separator=True)


def number_symbols() -> str:
    """The decimal and the grouping symbol of the current language (``".,"`` in English,
    ``",\u00a0"`` in Russian), as plotly's ``layout.separators`` takes them."""
    lang = get_language()
    if lang == "en":
        return ".,"
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_decimal_symbol(lang) + get_group_symbol(lang)


def plain_number(text: str) -> str:
    """Undo :func:`num`: ``"1 234,5"`` (Russian) or ``"1,234.5"`` (English) -> ``"1234.5"``."""
    if get_language() == "en":
        return text.replace(",", "")
    return text.replace("\u00a0", "").replace("\u202f", "").replace(",", ".")
