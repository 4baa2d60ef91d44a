"""The working week by day names: a point's allowed patterns from its frequency.

A :class:`Week` names the working days of a 7-day calendar week (default Monday to
Saturday) and, optionally, the trucks available on each of them. :func:`point_patterns`
turns a point's visits per week, its allowed patterns (lists of day names) or its fixed
days into the day-index patterns of a
:class:`~circularopt.routing.periodic.model.PeriodicProblem`; :func:`periodic_problem`
builds that problem with accumulating loads over the calendar week.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from circularopt.exceptions import InputError
from circularopt.routing.periodic.model import Pattern, PeriodicProblem, even_patterns
from circularopt.routing.problem import RoutingProblem

__all__ = ["WEEKDAYS", "Week", "periodic_problem", "point_patterns"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Day names of the calendar week, in order."""

DAILY = 7
"""``collections_per_week`` meaning every working day."""


@dataclass(frozen=True, kw_only=True)
class Week:
    """The working days and the trucks available on each.

    Parameters
    ----------
    working_days
        Names from :data:`WEEKDAYS`, in calendar order (default Monday to Saturday).
    trucks_per_day
        Day name -> trucks available that day (every vehicle type scaled to it); days
        not named keep the full fleet.
    source
        Where the week comes from, or ``"assumed"``.
    """

    working_days: tuple[str, ...] = WEEKDAYS[:6]
    trucks_per_day: Mapping[str, int] | None = None
    source: str = "assumed: Monday to Saturday, the full fleet every day"

    def __post_init__(self) -> None:
        days = tuple(self.working_days)
        if not days or any(d not in WEEKDAYS for d in days) or len(set(days)) != len(days):
            raise InputError("week.working_days", list(days),
                             f"distinct day names among {', '.join(WEEKDAYS)}")
        object.__setattr__(self, "working_days",
                           tuple(sorted(days, key=WEEKDAYS.index)))
        for day, n in (self.trucks_per_day or {}).items():
            _check_day("week.trucks_per_day", day, self.working_days)
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise InputError(f"week.trucks_per_day.{day}", n,
                                 "a non-negative whole number of trucks")

    @property
    def calendar(self) -> tuple[int, ...]:
        """Offset of each working day in the 7-day week (Monday 0)."""
        return tuple(WEEKDAYS.index(d) for d in self.working_days)


def _check_day(field: str, day: object, working: Sequence[str]) -> int:
    if day not in working:
        raise InputError(field, day, f"a working day: {', '.join(working)}")
    return list(working).index(str(day))


def point_patterns(week: Week, frequency: int, *, patterns: Sequence[Sequence[str]] = (),
                   fixed_days: Sequence[str] = (), where: str = "point"
                   ) -> tuple[Pattern, ...]:
    """Allowed visit patterns (day indices) of a point collected ``frequency`` times a
    week.

    ``fixed_days`` wins over ``patterns``, which win over the evenly spaced patterns
    (:func:`~circularopt.routing.periodic.model.even_patterns`). A frequency of
    :data:`DAILY` (7) means every working day.

    Raises
    ------
    InputError
        A frequency above the working days, a day that is not a working day, or fixed
        days or a pattern whose count differs from the frequency; the error names
        ``where`` and the field.
    """
    days = len(week.working_days)
    freq = days if frequency == DAILY else frequency
    if not isinstance(freq, int) or not 1 <= freq <= days:
        raise InputError(f"{where}.collections_per_week", frequency,
                         f"1 to {days} visits a week (the working days "
                         f"{', '.join(week.working_days)}), or 7 for every working day")
    if fixed_days:
        return (_pattern(week, fixed_days, freq, f"{where}.fixed_days"),)
    if patterns:
        return tuple(_pattern(week, p, freq, f"{where}.patterns[{i}]")
                     for i, p in enumerate(patterns))
    return even_patterns(freq, days)


def _pattern(week: Week, names: Sequence[str], freq: int, field: str) -> Pattern:
    idx = sorted({_check_day(field, d, week.working_days) for d in names})
    if len(idx) != freq:
        raise InputError(field, list(names),
                         f"{freq} distinct working days (collections_per_week is {freq})")
    return tuple(idx)


def periodic_problem(base: RoutingProblem, week: Week,
                     patterns: Sequence[tuple[Pattern, ...]], *,
                     accumulate: bool = True) -> PeriodicProblem:
    """The week of ``base`` (demands are daily rates when ``accumulate``).

    The trucks of a day named in ``week.trucks_per_day`` are taken type by type in the
    base order up to that number.
    """
    full = tuple(v.count for v in base.vehicle_types)
    per_day = None
    if week.trucks_per_day:
        per_day = tuple(_cap(full, week.trucks_per_day.get(d)) for d in week.working_days)
    return PeriodicProblem(base, tuple(patterns), week.working_days,
                           calendar=week.calendar, cycle=7, vehicles_per_day=per_day,
                           accumulate=accumulate)


def _cap(full: tuple[int, ...], limit: int | None) -> tuple[int, ...]:
    if limit is None:
        return full
    out = []
    for n in full:
        out.append(min(n, limit))
        limit -= out[-1]
    return tuple(out)
