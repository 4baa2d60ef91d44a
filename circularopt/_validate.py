"""Input checks shared by the scenario, city specs, importers and option objects.

Each check returns the value in its checked form or raises
:class:`~circularopt.exceptions.InputError` naming the field (``where``), the value and
what would be valid. Callers pass ``where`` as the user sees it: a JSON path
(``collection_points[3].lat``), a file row, or an option name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from circularopt.exceptions import InputError

__all__ = ["choice", "frozen_map", "ident", "integer", "number", "position", "sequence",
           "window"]

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


def _range(lo: float | None, hi: float | None, lo_open: bool) -> str:
    bounds = []
    if lo is not None:
        bounds.append(f"{'>' if lo_open else '>='} {lo:g}")
    if hi is not None:
        bounds.append(f"<= {hi:g}")
    return "a finite number" + (f" {' and '.join(bounds)}" if bounds else "")


def integer(where: str, value: Any, *, lo: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise InputError(where, value, f"an integer >= {lo}")
    return value


def ident(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(where, value, "a non-empty string")
    return value


def position(where: str, lat: Any, lon: Any) -> tuple[float, float]:
    return (number(f"{where}.lat", lat, lo=-90, hi=90),
            number(f"{where}.lon", lon, lo=-180, hi=180))


def frozen_map(where: str, value: Any, *, lo: float | None = 0.0,
                hi: float | None = None) -> Mapping[str, float]:
    if not isinstance(value, Mapping):
        raise InputError(where, value, "a mapping of stream name to number")
    out = {}
    for key, v in value.items():
        ident(f"{where} key", key)
        out[key] = number(f"{where}[{key!r}]", v, lo=lo, hi=hi)
    return MappingProxyType(out)


def window(where: str, value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise InputError(where, value, "null or [earliest, latest] in minutes after midnight")
    a = number(f"{where}[0]", value[0], lo=0)
    b = number(f"{where}[1]", value[1], lo=0)
    if b < a:
        raise InputError(where, value, "earliest <= latest")
    return (a, b)


def sequence(where: str, value: Any) -> Iterable[Any]:
    if not isinstance(value, Iterable) or isinstance(value, str | bytes | Mapping):
        raise InputError(where, value, "a list")
    return value


def choice(where: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise InputError listing them."""
    options = list(allowed)
    if value not in options:
        raise InputError(where, value, f"one of {options}")
    return value
