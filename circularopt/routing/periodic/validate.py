"""Independent validator of periodic plans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from circularopt.routing.periodic.model import PeriodicProblem, day_problem
from circularopt.routing.periodic.result import PeriodicResult
from circularopt.routing.validate import validate_routes
from circularopt.validation import ValidationReport

__all__ = ["PeriodicReport", "validate_periodic"]


@dataclass(frozen=True)
class PeriodicReport(ValidationReport):
    """What :func:`validate_periodic` found; ``cost`` is over the horizon.

    Parameters
    ----------
    day_costs, day_distances
        Recomputed cost and distance of each day.
    """

    day_costs: tuple[float, ...] = ()
    day_distances: tuple[float, ...] = ()

    subject: ClassVar[str] = "periodic plan"

    def figures(self) -> str:
        """The horizon's cost and distance."""
        return f"cost {self.cost or 0.0:,.2f}, distance {sum(self.day_distances):,.2f}"


def _choice_violations(problem: PeriodicProblem, result: PeriodicResult) -> list[str]:
    if len(result.choice) != problem.base.num_stops:
        return [f"the plan chooses {len(result.choice)} patterns for "
                f"{problem.base.num_stops} stops"]
    return [f"stop {s.id!r}: pattern {c} is not one of its {len(problem.patterns[k])}"
            for k, (s, c) in enumerate(zip(problem.base.stops, result.choice, strict=True))
            if not 0 <= c < len(problem.patterns[k])]


def _served_days(problem: PeriodicProblem, result: PeriodicResult) -> list[str]:
    served: dict[str, list[int]] = {s.id: [] for s in problem.base.stops}
    for d, day in enumerate(result.days):
        for route in day.routes:
            for stop_id in route.stops:
                served.setdefault(stop_id, []).append(d)
    bad = []
    for k, s in enumerate(problem.base.stops):
        want = list(problem.patterns[k][result.choice[k]])
        if sorted(served[s.id]) != want:
            names = problem.day_names
            bad.append(f"stop {s.id!r} is served on {[names[d] for d in served[s.id]]}, "
                       f"its pattern says {[names[d] for d in want]}")
    return bad


def validate_periodic(problem: PeriodicProblem, result: PeriodicResult, *,
                      tol: float = 1e-6) -> PeriodicReport:
    """Check a periodic plan and recompute its cost from the problem.

    Every stop follows one of its allowed patterns and is served on exactly its days;
    each day's routes are checked by
    :func:`~circularopt.routing.validate.validate_routes` against the day's problem
    rebuilt from the chosen patterns (loads from accumulation, the day's fleet,
    capacities, unloading, shifts).
    """
    bad = _choice_violations(problem, result)
    if len(result.days) != problem.days:
        bad.append(f"the plan has {len(result.days)} days, the problem {problem.days}")
    if bad:
        return PeriodicReport(violations=tuple(bad))
    bad = _served_days(problem, result)
    costs, dists = [], []
    for d, day in enumerate(result.days):
        report = validate_routes(day_problem(problem, result.choice, d), day, tol=tol)
        bad += [f"{problem.day_names[d]}: {v}" for v in report.violations]
        costs.append(report.cost or 0.0)
        dists.append(report.distance)
    return PeriodicReport(violations=tuple(bad), cost=sum(costs), day_costs=tuple(costs),
                          day_distances=tuple(dists))
