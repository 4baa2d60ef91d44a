"""A population of pattern choices with crossover, after Vidal et al. (2012).

Each member is a pattern choice (a pattern index per stop) with its routed cost and
plan. :class:`Population` keeps at most ``size`` members, no two with the same choice,
and drops the member of worst *biased fitness* when it is full: the rank by cost plus,
weighted by ``1 - elite / size``, the rank by diversity contribution (the mean distance
to its ``close`` nearest members, a distance being the share of stops with a choice
whose patterns differ), so that a cheap member and an unusual one both survive.
Parents are chosen by binary tournaments on the same fitness.

:func:`area_crossover` makes a child choice: the patterns of one parent, except in an
area (the stops nearest a random stop, 20-80 % of the stops with a choice) that takes
the other parent's patterns, so that neighbouring stops keep days in common.
:func:`adopt` moves a plan's routes to a child choice by cheapest insertion (the
repair); the caller improves and routes the child.
:meth:`~circularopt.routing.periodic.patterns.DayRoutes.cost` is the exact cost of such
repaired routes, by which the caller screens several children and routes only
the cheapest (a PyVRP round costs several times a child's repair).

Unlike Vidal et al., there is no infeasible sub-population and no giant-tour split:
the routing of each child is PyVRP's (see :mod:`~circularopt.routing.periodic.solve`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from circularopt.routing.periodic.model import PeriodicProblem
from circularopt.routing.periodic.patterns import DayRoutes

__all__ = ["Member", "Population", "adopt", "area_crossover", "choice_distance"]

T = TypeVar("T")


def choice_distance(a: Sequence[int], b: Sequence[int], movable: Sequence[int]) -> float:
    """Share of the ``movable`` stops whose patterns differ in choices ``a`` and ``b``."""
    if not movable:
        return 0.0
    return sum(a[k] != b[k] for k in movable) / len(movable)


@dataclass(frozen=True)
class Member(Generic[T]):
    """A pattern choice, its cost and its plan (whatever the caller routes)."""

    choice: tuple[int, ...]
    cost: float
    plan: T


class Population(Generic[T]):
    """Members ranked by biased fitness (see the module docstring).

    Parameters
    ----------
    problem
        The periodic problem (its stops with more than one pattern are compared).
    size
        Most members kept (at least 2).
    elite
        Members protected by cost: the diversity rank weighs ``1 - elite / size``.
    close
        Nearest members whose mean distance is a member's diversity contribution.
    """

    def __init__(self, problem: PeriodicProblem, *, size: int = 8, elite: int = 3,
                 close: int = 3) -> None:
        self.movable = [k for k, p in enumerate(problem.patterns) if len(p) > 1]
        self.size, self.elite, self.close = max(2, size), elite, close
        self.members: list[Member[T]] = []

    def __len__(self) -> int:
        return len(self.members)

    def best(self) -> Member[T]:
        """The cheapest member."""
        return min(self.members, key=lambda m: m.cost)

    def holds(self, choice: Sequence[int]) -> bool:
        """Whether a member has this choice."""
        return any(m.choice == tuple(choice) for m in self.members)

    def elite_member(self, rng: np.random.Generator) -> Member[T]:
        """A random one of the ``elite`` cheapest members."""
        ranked = sorted(self.members, key=lambda m: m.cost)[:max(1, self.elite)]
        return ranked[int(rng.integers(len(ranked)))]

    def add(self, choice: Sequence[int], cost: float, plan: T) -> bool:
        """Offer a member; whether it is kept. A choice already held keeps the cheaper
        plan; when full, the member of worst biased fitness is dropped (maybe this one)."""
        if not np.isfinite(cost):
            return False
        new = Member(tuple(choice), float(cost), plan)
        for i, m in enumerate(self.members):
            if m.choice == new.choice:
                if new.cost < m.cost - 1e-9:
                    self.members[i] = new
                    return True
                return False
        self.members.append(new)
        if len(self.members) > self.size:
            worst = int(np.argmax(self.fitness()))
            dropped = self.members.pop(worst)
            return dropped is not new
        return True

    def fitness(self) -> np.ndarray:
        """Biased fitness of each member (lower is better)."""
        n = len(self.members)
        if n < 2:
            return np.zeros(n)
        dist = np.array([[choice_distance(a.choice, b.choice, self.movable)
                          for b in self.members] for a in self.members])
        np.fill_diagonal(dist, np.inf)
        near = np.sort(dist, axis=1)[:, :min(self.close, n - 1)].mean(axis=1)
        cost_rank = np.argsort(np.argsort([m.cost for m in self.members], kind="stable"))
        div_rank = np.argsort(np.argsort(-near, kind="stable"))
        weight = max(0.0, 1.0 - self.elite / n)
        return (cost_rank + weight * div_rank) / (n - 1)

    def parents(self, rng: np.random.Generator) -> tuple[Member[T], Member[T]]:
        """Two different members, each the better of a random pair (by fitness)."""
        fit = self.fitness()

        def tournament(skip: int) -> int:
            pool = [i for i in range(len(self.members)) if i != skip]
            a, b = (int(x) for x in rng.choice(pool, size=2, replace=len(pool) < 2))
            return a if fit[a] <= fit[b] else b

        first = tournament(-1)
        return self.members[first], self.members[tournament(first)]


def area_crossover(problem: PeriodicProblem, a: Sequence[int], b: Sequence[int],
                   rng: np.random.Generator) -> tuple[int, ...]:
    """``a``'s patterns, except the stops nearest a random stop with a choice (a random
    20-80 % of the stops with a choice), which take ``b``'s."""
    movable = [k for k, p in enumerate(problem.patterns) if len(p) > 1]
    child = list(a)
    if not movable:
        return tuple(child)
    base = problem.base
    locs = np.array([base.stops[k].location for k in movable], dtype=int)
    centre = int(rng.integers(len(movable)))
    order = np.argsort(base.distance[locs[centre], locs], kind="stable")
    count = max(1, round(len(movable) * float(rng.uniform(0.2, 0.8))))
    for i in order[:count]:
        child[movable[int(i)]] = b[movable[int(i)]]
    return tuple(child)


def adopt(routes: DayRoutes, choice: Sequence[int], rng: np.random.Generator) -> list[int]:
    """Move each stop whose pattern differs from ``choice`` to that pattern (removed from
    its days, inserted at the cheapest feasible places, stops in random order); a stop
    that does not fit keeps its pattern. The stops moved."""
    moved = []
    for k in (int(x) for x in rng.permutation(len(choice))):
        if routes.choice[k] == choice[k]:
            continue
        undo = routes.snapshot(routes.pattern(k))
        for d in routes.pattern(k):
            routes.remove(k, d)
        pattern = routes.problem.patterns[k][choice[k]]
        plan = [(d, routes.cheapest(k, d, routes.visit_load(k, pattern, d))) for d in pattern]
        if not all(np.isfinite(where[0]) for _, where in plan):
            routes.restore(undo)
            continue
        routes.choice[k] = choice[k]
        for d, where in plan:
            routes.insert(k, d, where)
        moved.append(k)
    return moved
