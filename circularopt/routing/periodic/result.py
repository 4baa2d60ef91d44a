"""The periodic plan: a pattern per stop and the routes of every day."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from circularopt.routing.result import RoutingResult

__all__ = ["PeriodicResult"]


@dataclass(frozen=True)
class PeriodicResult:
    """A plan for a :class:`~circularopt.routing.periodic.model.PeriodicProblem`.

    Parameters
    ----------
    problem_name, engine, seconds
        As for :class:`~circularopt.routing.result.RoutingResult`.
    choice
        For each stop, the index of its chosen pattern among the allowed ones.
    days
        The routes of each day, over that day's problem
        (:func:`~circularopt.routing.periodic.model.day_problem`).
    info
        Solver details (passes, moves, which method found the plan).
    """

    problem_name: str
    engine: str
    seconds: float
    choice: tuple[int, ...]
    days: tuple[RoutingResult, ...]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def cost(self) -> float:
        """Cost over the horizon (every day's routes)."""
        return sum(d.cost for d in self.days)

    @property
    def distance(self) -> float:
        """Distance over the horizon."""
        return sum(d.distance for d in self.days)

    @property
    def vehicles_per_day(self) -> tuple[int, ...]:
        """Routes driven on each day."""
        return tuple(d.num_vehicles for d in self.days)

    def summary(self) -> str:
        """One line: cost, distance and vehicles per day."""
        return (f"{self.problem_name} [{self.engine}]: cost {self.cost:,.2f}, distance "
                f"{self.distance:,.2f}, vehicles per day {list(self.vehicles_per_day)}, "
                f"{self.seconds:.1f} s")
