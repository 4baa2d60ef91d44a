"""Languages and number formats of the web pages."""

from __future__ import annotations

from typing import Any

from circularopt.i18n import LANGUAGES as KNOWN
from circularopt.i18n import catalog_path, tr

__all__ = ["LANGUAGES", "NAMES", "fmt_number", "offered"]

NAMES = {"en": "English", "ru": "Русский", "ky": "Кыргызча"}
"""Each language's name in itself."""


def offered() -> dict[str, str]:
    """Languages a user can choose: English (the messages' own) and each language with a
    catalog (``circularopt/locale/<lang>/LC_MESSAGES/circularopt.po``); Kyrgyz has none
    yet, so it is not offered (a user would see Russian under a Kyrgyz label)."""
    return {lang: NAMES.get(lang, lang) for lang in KNOWN
            if lang == "en" or catalog_path(lang).is_file()}


LANGUAGES = offered()
"""Languages a user can choose (messages go through :func:`circularopt.i18n.tr`)."""


def fmt_number(value: Any, digits: int = 0, lang: str = "en") -> str:
    """A number in the user's locale: ``1,234.5`` (en) or ``1 234,5`` (ru)."""
    if value is None or isinstance(value, str):
        return "-" if value is None else value
    if isinstance(value, bool):
        return tr("yes") if value else tr("no")
    text = f"{value:,.{digits}f}"
    if lang == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text
