"""Arc routes: which streets each vehicle serves, in which direction, and how it gets
there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from circularopt.routing.arcs.problem import ArcProblem

__all__ = ["ArcRoute", "ArcSolution", "ArcVisit"]


@dataclass(frozen=True)
class ArcVisit:
    """One visit of a route: serving a street, or unloading.

    Parameters
    ----------
    kind
        ``"serve"`` or ``"unload"``.
    deadhead
        Nodes driven without serving from the previous position to ``start``
        (both included; ``(start,)`` when already there).
    start, end
        Nodes where the visit starts and ends (equal for an unload).
    required
        Index of the required edge served (``None`` for an unload).
    forward
        Whether the street is served in its edge's ``u -> v`` direction.
    """

    kind: Literal["serve", "unload"]
    deadhead: tuple[int, ...]
    start: int
    end: int
    required: int | None = None
    forward: bool = True


@dataclass(frozen=True)
class ArcRoute:
    """A vehicle's route from the depot: its visits, then ``home``, the deadheading
    nodes back to the depot; ``vehicle_type`` indexes
    :attr:`ArcProblem.vehicle_types`."""

    visits: tuple[ArcVisit, ...]
    home: tuple[int, ...]
    vehicle_type: int = 0

    def served(self) -> tuple[int, ...]:
        """Indices of the required edges served, in order."""
        return tuple(v.required for v in self.visits if v.required is not None)


@dataclass(frozen=True)
class ArcSolution:
    """The routes an engine found, with the cost it reported (distance plus the fixed
    cost of the vehicles used) and how long it took."""

    routes: tuple[ArcRoute, ...]
    cost: float
    engine: str
    seconds: float

    @property
    def num_vehicles(self) -> int:
        """Routes that serve at least one street."""
        return sum(1 for r in self.routes if r.served())

    def as_pairs(self, problem: ArcProblem) -> list[list[Any]]:
        """Each route as a list of ``[edge id, from node, to node]`` served, and
        ``["unload", node]`` for unloads (node ids as in the problem)."""
        out: list[list[Any]] = []
        for route in self.routes:
            seq: list[Any] = []
            for v in route.visits:
                if v.required is None:
                    seq.append(["unload", problem.nodes[v.start]])
                else:
                    edge = problem.edges[problem.required[v.required].edge]
                    seq.append([edge.id, problem.nodes[v.start], problem.nodes[v.end]])
            out.append(seq)
        return out
