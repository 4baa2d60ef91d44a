"""Messages in the user's language.

Every message a department sees (command-line errors and warnings, report and table
headers) goes through :func:`tr`. The English text is the message id; the other
languages' catalogs translate it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["tr"]


def tr(message: str, /, **fields: Any) -> str:
    """``message`` in the current language, with ``{name}`` fields filled in.

    Parameters
    ----------
    message
        The English text, a :meth:`str.format` template.
    **fields
        Values of the template's fields.
    """
    return message.format(**fields) if fields else message
