"""Input checks shared by the scenario, city specs, importers and option objects.

Each check returns the value in its checked form or raises
:class:`~circularopt.exceptions.InputError` naming the field (``where``), the value and
what would be valid. Callers pass ``where`` as the user sees it: a JSON path
(``collection_points[3].lat``), a file row, or an option name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from circularopt.exceptions import InputError
from circularopt.i18n import Text, lazy

__all__ = ["boolean", "choice", "composition", "frozen_map", "ident", "integer", "number",
           "per_week", "position", "sequence", "share", "slug", "text_number", "time_of_day",
           "window"]

PER_WEEK = lazy("a whole number of collections per week from 1 to 7")
TIME_OF_DAY = lazy("a time of day HH:MM (00:00-24:00) or minutes after midnight (0-1440)")
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f"})
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

def number(where: str, value: Any, *, lo: float | None = None, hi: float | None = None,
           lo_open: bool = False) -> float:
    """Return ``value`` as a finite float in the given range, or raise InputError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(where, value, _range(lo, hi, lo_open))
    x = float(value)
    if (not math.isfinite(x) or (lo is not None and (x < lo or (lo_open and x == lo)))
            or (hi is not None and x > hi)):
        raise InputError(where, value, _range(lo, hi, lo_open))
    return x


def _range(lo: float | None, hi: float | None, lo_open: bool) -> Text:
    low = f"{'>' if lo_open else '>='} {lo:g}" if lo is not None else ""
    high = f"<= {hi:g}" if hi is not None else ""
    if low and high:
        return lazy("a finite number {low} and {high}", low=low, high=high)
    if low or high:
        return lazy("a finite number {bound}", bound=low or high)
    return lazy("a finite number")


def integer(where: str, value: Any, *, lo: int = 0, hi: int | None = None) -> int:
    """Return ``value`` if it is an integer (not a bool) in ``lo..hi``, else raise."""
    if (isinstance(value, bool) or not isinstance(value, int) or value < lo
            or (hi is not None and value > hi)):
        raise InputError(where, value, lazy("an integer >= {lo}", lo=lo) if hi is None
                         else lazy("an integer >= {lo} and <= {hi}", lo=lo, hi=hi))
    return value


def per_week(where: str, value: Any) -> int:
    """Collections per week: a whole number from 1 to 7 (``3.0`` counts as 3)."""
    if (isinstance(value, bool) or not isinstance(value, int | float)
            or not float(value).is_integer() or not 1 <= value <= 7):
        raise InputError(where, value, PER_WEEK)
    return int(value)


def share(where: str, value: Any) -> float:
    """A share from 0 to 1."""
    try:
        return number(where, value, lo=0, hi=1)
    except InputError:
        raise InputError(where, value, lazy("a share from 0 to 1")) from None


def boolean(where: str, value: Any, *, words: bool = False) -> bool:
    """``value`` as a bool; with ``words`` also the texts yes/no, true/false, 1/0, y/n, t/f."""
    if isinstance(value, bool):
        return value
    if words and isinstance(value, str):
        low = value.strip().lower()
        if low in TRUE_WORDS or low in FALSE_WORDS:
            return low in TRUE_WORDS
    raise InputError(where, value, lazy("true or false (also yes/no, 1/0)") if words
                     else lazy("true or false"))


def text_number(where: str, text: str, *, decimal_comma: bool, lo: float | None = None,
                hi: float | None = None, expected: str = lazy("a number")) -> float:
    """A number written in a text cell (``"1.5"``, ``"1 200"``; ``"1,5"`` with a decimal
    comma), finite and within ``lo..hi``; else InputError with ``expected``."""
    t = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if decimal_comma and "," in t:
        t = "" if "." in t or t.count(",") > 1 else t.replace(",", ".")
    if not _NUMBER.fullmatch(t):
        raise InputError(where, text, expected if decimal_comma or "," not in text else lazy(
            "{expected} (a decimal comma is read only in files separated by ';'; write a "
            "point)", expected=expected))
    x = float(t)
    if not math.isfinite(x) or (lo is not None and x < lo) or (hi is not None and x > hi):
        raise InputError(where, text, expected)
    return x


def time_of_day(where: str, value: Any, *, separators: str = ":",
                decimal_comma: bool | None = None) -> float:
    """Minutes after midnight from ``"HH:MM"`` (``separators`` between hours and minutes)
    or a number of minutes (0-1440); with ``decimal_comma`` given, also a number written
    as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 0 <= value <= 1440:
            return float(value)
    elif isinstance(value, str):
        m = re.fullmatch(rf"(\d{{1,2}})[{re.escape(separators)}](\d{{2}})", value.strip())
        if m:
            h, mi = int(m.group(1)), int(m.group(2))
            if mi < 60 and h * 60 + mi <= 1440:
                return float(h * 60 + mi)
        elif decimal_comma is not None:
            return text_number(where, value, decimal_comma=decimal_comma, lo=0, hi=1440,
                               expected=TIME_OF_DAY)
    raise InputError(where, value, TIME_OF_DAY)


def ident(where: str, value: Any) -> str:
    """A non-empty text."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(where, value, lazy("a non-empty string"))
    return value


def slug(where: str, value: Any) -> str:
    """An id of letters, digits, ``-``, ``_`` or ``.`` (starting with a letter or digit)."""
    if not isinstance(value, str) or not _SLUG.match(value):
        raise InputError(where, value, lazy("an id of letters, digits, '-', '_' or '.'"))
    return value


def position(where: str, lat: Any, lon: Any) -> tuple[float, float]:
    return (number(f"{where}.lat", lat, lo=-90, hi=90),
            number(f"{where}.lon", lon, lo=-180, hi=180))


def frozen_map(where: str, value: Any, *, lo: float | None = 0.0,
                hi: float | None = None) -> Mapping[str, float]:
    if not isinstance(value, Mapping):
        raise InputError(where, value, lazy("a mapping of stream name to number"))
    out = {}
    for key, v in value.items():
        ident(f"{where} key", key)
        out[key] = number(f"{where}[{key!r}]", v, lo=lo, hi=hi)
    return MappingProxyType(out)


def composition(where: str, value: Any, *,
                streams: Iterable[str] | None = None) -> Mapping[str, float]:
    """Shares per stream, each from 0 to 1, summing to 1 (streams among ``streams``)."""
    shares = frozen_map(where, value, hi=1.0)
    if streams is not None:
        known = list(streams)
        for key in shares:
            choice(f"{where} key", key, known)
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise InputError(where, dict(shares), lazy("shares that sum to 1 (they sum to {total})",
                                                 total=format(total, ".6g")))
    return shares


def window(where: str, value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise InputError(where, value, lazy("null or [earliest, latest] in minutes after midnight"))
    a = number(f"{where}[0]", value[0], lo=0)
    b = number(f"{where}[1]", value[1], lo=0)
    if b < a:
        raise InputError(where, value, lazy("earliest <= latest"))
    return (a, b)


def sequence(where: str, value: Any) -> Iterable[Any]:
    if not isinstance(value, Iterable) or isinstance(value, str | bytes | Mapping):
        raise InputError(where, value, lazy("a list"))
    return value


def choice(where: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise InputError listing them."""
    options = list(allowed)
    if value not in options:
        raise InputError(where, value, lazy("one of {options}", options=options))
    return value
