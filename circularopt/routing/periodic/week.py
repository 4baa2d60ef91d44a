"""The working week by day names: a point's allowed patterns from its frequency.

The :class:`~circularopt.scenario.Week` of a scenario names the working days of a
7-day calendar week (default Monday to Saturday) and the trucks available on each.
:func:`point_patterns` turns a point's visits per week, its allowed patterns (lists of
day names) or its fixed days into the day-index patterns of a
:class:`~circularopt.routing.periodic.model.PeriodicProblem`; :func:`periodic_problem`
builds that problem with accumulating loads over the calendar week.
"""

from __future__ import annotations

from collections.abc import Sequence

from circularopt.routing.periodic.model import Pattern, PeriodicProblem, even_patterns
from circularopt.routing.problem import RoutingProblem
from circularopt.scenario import WEEKDAYS, CollectionPoint, Week

__all__ = ["WEEKDAYS", "Week", "periodic_problem", "point_patterns", "scenario_patterns"]


def point_patterns(week: Week, frequency: int, *, patterns: Sequence[Sequence[str]] = (),
                   fixed_days: Sequence[str] = (), where: str = "point"
                   ) -> tuple[Pattern, ...]:
    """Allowed visit patterns (day indices) of a point collected ``frequency`` times a
    week.

    ``fixed_days`` wins over ``patterns``, which win over the evenly spaced patterns
    (:func:`~circularopt.routing.periodic.model.even_patterns`). A frequency of 7 means
    every working day.

    Raises
    ------
    InputError
        A frequency above the working days, a day that is not a working day, or fixed
        days or a pattern whose count differs from the frequency; the error names
        ``where`` and the field.
    """
    visits = week.visits(frequency, f"{where}.collections_per_week")
    if fixed_days:
        return (week.days_of(fixed_days, visits, f"{where}.fixed_days"),)
    if patterns:
        return tuple(week.days_of(p, visits, f"{where}.patterns[{i}]")
                     for i, p in enumerate(patterns))
    return even_patterns(visits, len(week.working_days))


def scenario_patterns(week: Week, points: Sequence[CollectionPoint]
                      ) -> tuple[tuple[Pattern, ...], ...]:
    """:func:`point_patterns` of each scenario point (its patterns and fixed days)."""
    return tuple(point_patterns(week, p.collections_per_week, patterns=p.visit_patterns,
                                fixed_days=p.fixed_days, where=f"CollectionPoint {p.id!r}")
                 for p in points)


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
        per_day = tuple(fleet_cap(full, week.trucks_per_day.get(d))
                        for d in week.working_days)
    return PeriodicProblem(base, tuple(patterns), week.working_days,
                           calendar=week.calendar, cycle=7, vehicles_per_day=per_day,
                           accumulate=accumulate)


def fleet_cap(full: Sequence[int], limit: int | None) -> tuple[int, ...]:
    """``full`` counts taken in order up to ``limit`` trucks (``None``: all)."""
    if limit is None:
        return tuple(full)
    out = []
    for n in full:
        out.append(min(n, limit))
        limit -= out[-1]
    return tuple(out)
