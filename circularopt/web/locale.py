"""Languages and number formats of the web pages."""

from __future__ import annotations

from typing import Any

from circularopt.i18n import tr

__all__ = ["LANGUAGES", "fmt_number"]

LANGUAGES = {"en": "English", "ru": "Русский"}
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
