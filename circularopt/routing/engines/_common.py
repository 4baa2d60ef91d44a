"""Integer conversion shared by the engines.

Both engines optimise integers. Times and distances are already multiples of
``1 / problem.scale`` and loads of ``1 / problem.load_scale`` (see
:mod:`circularopt.routing.problem`), so multiplying by the scale is exact. Costs are
multiplied by a factor :func:`cost_factor` that makes every per-unit cost integral (up to
``10**6``; beyond that the per-unit costs are rounded, which the engines' objective then
only approximates; results are always costed exactly from the problem).
"""

from __future__ import annotations

import math

import numpy as np

from circularopt.exceptions import InputError
from circularopt.routing.problem import INF_TIME, RoutingProblem

__all__ = ["BIG", "cost_factor", "int_loads", "int_matrix", "int_time", "refuse"]

BIG = 10**12
"""Integer standing for an open time-window end or a forbidden arc."""


def int_time(problem: RoutingProblem, x: float) -> int:
    """``x`` on the engines' integer grid (``BIG`` for open ends)."""
    return BIG if x >= INF_TIME else round(x * problem.scale)


def int_loads(problem: RoutingProblem, values: tuple[float, ...]) -> list[int]:
    """Loads on the integer grid."""
    return [round(v * problem.load_scale) for v in values]


def int_matrix(problem: RoutingProblem, which: str) -> np.ndarray:
    """``distance`` or ``duration`` as int64 on the grid, forbidden arcs as ``BIG``."""
    m = problem.distance if which == "distance" else problem.duration
    out = np.rint(m * problem.scale)
    out[m >= INF_TIME] = BIG
    return out.astype(np.int64)


def cost_factor(problem: RoutingProblem) -> int:
    """Smallest power of ten (<= 10**6) making every integer-grid unit cost integral."""
    coefs = []
    for v in problem.vehicle_types:
        coefs += [v.fixed_cost, v.cost_per_distance / problem.scale,
                  v.cost_per_duration / problem.scale]
    for k in range(7):
        f = 10**k
        if all(math.isclose(c * f, round(c * f), rel_tol=1e-9, abs_tol=1e-9) for c in coefs):
            return f
    return 10**6


def refuse(engine: str, feature: str, where: str, alternative: str) -> InputError:
    """The error an engine raises for a feature it cannot honour."""
    return InputError(where, feature,
                      f"a problem without {feature}: engine {engine!r} cannot honour it "
                      f"and never relaxes a plan silently; {alternative}")
