"""The periodic problem: each stop is served on the days of one allowed pattern.

A :class:`PeriodicProblem` wraps a :class:`~circularopt.routing.problem.RoutingProblem`
(the stops, fleet and matrices of any one day) with a horizon of working days and, for
every stop, the visit patterns it allows (tuples of day indices). A plan chooses one
pattern per stop and routes every day; :func:`day_problem` builds the routing problem of
one day from that choice.

Loads: without ``accumulate`` each visit collects the stop's demand. With it, the stop's
demand is a daily rate and a visit collects the rate times the calendar days since the
pattern's previous visit (cyclically over ``cycle`` days), so uneven patterns carry
uneven loads: Monday after a Friday visit collects three days of waste in a 7-day cycle.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from circularopt.exceptions import InputError
from circularopt.routing.problem import RoutingProblem, Stop

__all__ = ["Pattern", "PeriodicProblem", "day_problem", "even_patterns", "visit_gaps"]

Pattern = tuple[int, ...]
"""Sorted day indices (0-based positions among the working days)."""


@dataclass(frozen=True, eq=False)
class PeriodicProblem:
    """A periodic routing problem over ``days`` working days.

    Parameters
    ----------
    base
        Stops, fleet and matrices; each vehicle type's ``count`` is its fleet on any day
        unless ``vehicles_per_day`` says otherwise.
    patterns
        For each stop of ``base`` (same order), the allowed visit patterns.
    day_names
        Names of the working days (``("Mon", ..., "Sat")``); default ``day 1``, ...
    calendar
        Calendar offset of each working day within the cycle (default ``0, 1, ...``):
        Monday-Saturday in a 7-day week is ``(0, 1, 2, 3, 4, 5)``.
    cycle
        Calendar days after which the plan repeats (default: the number of days).
    vehicles_per_day
        Per day, the vehicles of each type available, or ``None`` (``base`` counts).
    accumulate
        Demands are daily rates, a visit collecting the days since the previous one.
    """

    base: RoutingProblem
    patterns: tuple[tuple[Pattern, ...], ...]
    day_names: tuple[str, ...]
    calendar: tuple[int, ...] = ()
    cycle: int = 0
    vehicles_per_day: tuple[tuple[int, ...], ...] | None = None
    accumulate: bool = False

    def __post_init__(self) -> None:
        days = len(self.day_names)
        if days < 1:
            raise InputError("day_names", self.day_names, "at least one working day")
        if not self.calendar:
            object.__setattr__(self, "calendar", tuple(range(days)))
        if not self.cycle:
            object.__setattr__(self, "cycle", self.calendar[-1] + 1)
        self._check_calendar(days)
        self._check_patterns(days)
        self._check_fleet(days)

    def _check_calendar(self, days: int) -> None:
        cal = self.calendar
        if len(cal) != days or list(cal) != sorted(set(cal)) or cal[0] < 0 \
                or cal[-1] >= self.cycle:
            raise InputError("calendar", cal, f"{days} increasing offsets within the "
                                              f"{self.cycle}-day cycle")

    def _check_patterns(self, days: int) -> None:
        if len(self.patterns) != self.base.num_stops:
            raise InputError("patterns", f"{len(self.patterns)} entries",
                             f"one tuple of patterns per stop ({self.base.num_stops})")
        for stop, allowed in zip(self.base.stops, self.patterns, strict=True):
            if not allowed:
                raise InputError(f"patterns of stop {stop.id!r}", allowed,
                                 "at least one visit pattern")
            for p in allowed:
                if not p or list(p) != sorted(set(p)) or p[0] < 0 or p[-1] >= days:
                    raise InputError(f"pattern of stop {stop.id!r}", p,
                                     f"increasing distinct day indices in 0..{days - 1} "
                                     f"({', '.join(self.day_names)})")

    def _check_fleet(self, days: int) -> None:
        per_day = self.vehicles_per_day
        if per_day is None:
            return
        types = len(self.base.vehicle_types)
        if len(per_day) != days or any(len(c) != types or min(c, default=0) < 0
                                       for c in per_day):
            raise InputError("vehicles_per_day", per_day,
                             f"{days} rows of {types} non-negative vehicle counts")

    @property
    def name(self) -> str:
        """The problem's name."""
        return self.base.name

    @property
    def days(self) -> int:
        """Number of working days in the horizon."""
        return len(self.day_names)

    def fleet(self, day: int) -> tuple[int, ...]:
        """Vehicles of each type available on ``day``."""
        if self.vehicles_per_day is not None:
            return self.vehicles_per_day[day]
        return tuple(v.count for v in self.base.vehicle_types)

    def summary(self) -> str:
        """One line: size, horizon and pattern counts."""
        visits = sum(len(p[0]) for p in self.patterns)
        return (f"{self.name}: {self.base.num_stops} stops, {self.days} days, "
                f"{visits} visits a cycle, {self.base.num_vehicles} vehicles a day"
                + (", accumulating loads" if self.accumulate else ""))


def visit_gaps(problem: PeriodicProblem, pattern: Pattern) -> dict[int, int]:
    """Calendar days since the pattern's previous visit, for each day of ``pattern``."""
    cal = [problem.calendar[d] for d in pattern]
    return {d: (cal[k] - cal[k - 1]) % problem.cycle or problem.cycle
            for k, d in enumerate(pattern)}


def _visit(problem: PeriodicProblem, stop: Stop, pattern: Pattern, day: int) -> Stop:
    if not problem.accumulate:
        return stop
    gap = visit_gaps(problem, pattern)[day]
    return dataclasses.replace(stop, demand=tuple(x * gap for x in stop.demand))


def day_problem(problem: PeriodicProblem, choice: Sequence[int], day: int
                ) -> RoutingProblem:
    """The routing problem of ``day`` when stop ``k`` follows pattern ``choice[k]``.

    Its stops are the stops due that day, in the base order, with their visit loads; its
    fleet is the day's.
    """
    stops = tuple(_visit(problem, s, problem.patterns[k][choice[k]], day)
                  for k, s in enumerate(problem.base.stops)
                  if day in problem.patterns[k][choice[k]])
    types = tuple(dataclasses.replace(v, count=c) for v, c in
                  zip(problem.base.vehicle_types, problem.fleet(day), strict=True))
    return dataclasses.replace(problem.base, stops=stops, vehicle_types=types,
                               name=f"{problem.name} {problem.day_names[day]}")


def even_patterns(frequency: int, days: int) -> tuple[Pattern, ...]:
    """Evenly spaced patterns of ``frequency`` visits over ``days`` working days.

    3 a week over Monday-Saturday gives Mon/Wed/Fri and Tue/Thu/Sat; frequencies that do
    not divide the days give every rotation of the most even spacing.

    Raises
    ------
    InputError
        ``frequency`` not in ``1..days``.
    """
    if not 1 <= frequency <= days:
        raise InputError("frequency", frequency, f"1 to {days} visits per {days} days")
    base = tuple(round(k * days / frequency) for k in range(frequency))
    found = {tuple(sorted((d + shift) % days for d in base)) for shift in range(days)}
    return tuple(sorted(found))
