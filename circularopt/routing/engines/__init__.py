"""Routing engines behind one entry point, :func:`solve`.

See :mod:`circularopt.routing` for the features each engine supports and
:mod:`~circularopt.routing.engines.options` for their typed options.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from circularopt.exceptions import SolverError
from circularopt.routing.engines._common import int_loads, int_matrix, int_time
from circularopt.routing.engines.options import (
    ENGINES,
    EngineOptions,
    ORToolsOptions,
    PyVRPOptions,
    engine_options,
)
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.result import RoutingResult
from circularopt.stop import StoppingCriterion

__all__ = ["ENGINES", "EngineOptions", "ORToolsOptions", "PyVRPOptions", "engine_options",
           "int_loads", "int_matrix", "int_time", "solve"]


def solve(problem: RoutingProblem, *, engine: str = "pyvrp",
          options: Mapping[str, Any] | EngineOptions | None = None, time_limit: float = 10.0,
          stop: StoppingCriterion | None = None, seed: int = 0,
          allow_infeasible: bool = False) -> RoutingResult:
    """Solve a routing problem and check the plan with the independent validator.

    Parameters
    ----------
    problem
        The problem.
    engine
        ``"pyvrp"`` or ``"ortools"``.
    options
        The engine's options: :class:`PyVRPOptions`, :class:`ORToolsOptions`, or a JSON
        object of them (see :func:`engine_options`); ``None``: the defaults.
    time_limit
        Seconds for the search (on the clock of the options, wall by default).
    stop
        A further stopping criterion (see :mod:`circularopt.stop`): the search stops at
        whichever comes first. OR-Tools takes only a
        :class:`~circularopt.stop.MaxRuntime`.
    seed
        Random seed.
    allow_infeasible
        Return an infeasible plan (``status="infeasible"``, validator violations in
        ``info["violations"]``) instead of raising.

    Returns
    -------
    RoutingResult
        A plan the validator accepts (unless ``allow_infeasible``).

    Raises
    ------
    InputError
        Unknown engine or option, a bad option value, or a feature the engine cannot
        honour.
    SolverError
        No feasible plan was found within the time limit.
    """
    from circularopt.routing.validate import validate_routes

    typed = engine_options(engine, options)
    result: RoutingResult
    if isinstance(typed, PyVRPOptions):
        from circularopt.routing.engines.pyvrp_engine import solve_pyvrp
        result = solve_pyvrp(problem, time_limit=time_limit, seed=seed, options=typed,
                             stop=stop)
    else:
        from circularopt.routing.engines.ortools_engine import solve_ortools
        result = solve_ortools(problem, time_limit=time_limit, seed=seed, options=typed,
                               stop=stop)
    report = validate_routes(problem, result)
    if not report.ok:
        info = {**result.info, "violations": list(report.violations)}
        result = RoutingResult(result.problem_name, result.engine, "infeasible",
                               result.seconds, result.routes, result.unassigned,
                               result.objective, info)
        if not allow_infeasible:
            raise SolverError(f"engine {engine!r} found no feasible plan for "
                              f"{problem.name!r} in {time_limit:g} s; "
                              + report.summary(limit=5).replace("\n", "; "))
    return result
