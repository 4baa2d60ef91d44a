"""The exception hierarchy of circularopt.

Every error raised on purpose by circularopt derives from :class:`CircularOptError`, so a
caller can catch them all at once. Each error message names what was wrong (a field, a
file row, a point id), the offending value, and what would have been valid.
"""

from __future__ import annotations

from typing import Any

from circularopt.i18n import num, tr

__all__ = [
    "CircularOptError",
    "DataNotFoundError",
    "InfeasibleError",
    "InputError",
    "NetworkError",
    "SnappingError",
    "SolverError",
]


class CircularOptError(Exception):
    """Base class of all circularopt errors."""


class InputError(CircularOptError, ValueError):
    """Invalid input: a field holds a value that is not allowed.

    Parameters
    ----------
    field
        Where the value sits, e.g. ``"collection_points[3].lat"`` or ``"file.csv, row 7,
        column 'tonnes'"``.
    value
        The offending value.
    expected
        What would have been valid, in words (English; a :func:`circularopt.i18n.lazy`
        text or a phrase of the catalog is shown translated).

    Notes
    -----
    ``str(exc)`` is rendered in the language current when it is called ("field: got X;
    expected Y" in English), unless a subclass set ``args`` to its own one message;
    programs read ``field``, ``value`` and ``expected``.
    """

    def __init__(self, field: str, value: Any, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(field, value, expected)

    def __str__(self) -> str:
        if len(self.args) == 1:  # a subclass set its own message
            return str(self.args[0])
        return tr("{field}: got {value}; expected {expected}", field=self.field,
                  value=repr(self.value), expected=tr(self.expected))


class DataNotFoundError(CircularOptError, FileNotFoundError):
    """A data file or folder (city spec, benchmark set, shared data) was not found."""


class NetworkError(CircularOptError):
    """A road network could not be loaded, downloaded or used."""


class SnappingError(NetworkError):
    """Points lie farther from the road network than the snapping limit allows.

    Parameters
    ----------
    far
        ``(point id, distance in metres)`` for each refused point.
    limit_m
        The snapping limit in metres.
    """

    def __init__(self, far: list[tuple[str, float]], limit_m: float) -> None:
        self.far = far
        self.limit_m = limit_m
        super().__init__(far, limit_m)

    def __str__(self) -> str:
        shown = ", ".join(tr("{id} ({m} m)", id=repr(pid), m=num(dist))
                          for pid, dist in self.far[:10])
        more = tr(" and {n} more", n=len(self.far) - 10) if len(self.far) > 10 else ""
        return tr("{n} point(s) lie farther than {limit} m from the road network: "
                  "{shown}{more}. Move them onto a road, use a larger network extract, or "
                  "raise the snapping limit (max_snap_m).", n=len(self.far),
                  limit=num(self.limit_m), shown=shown, more=more)


class InfeasibleError(CircularOptError):
    """The problem has no feasible solution; the message says why and what to change."""


class SolverError(CircularOptError):
    """A solver failed for a reason other than infeasibility (e.g. no solution in time)."""
