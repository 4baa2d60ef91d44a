"""Routing engines behind one entry point, :func:`solve`.

See :mod:`circularopt.routing` for the features each engine supports.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from circularopt.exceptions import InputError, SolverError
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.result import RoutingResult

__all__ = ["ENGINES", "solve"]

ENGINES = ("pyvrp", "ortools")
"""Names accepted by :func:`solve`."""


def solve(problem: RoutingProblem, *, engine: str = "pyvrp", time_limit: float = 10.0,
          seed: int = 0, allow_infeasible: bool = False, **options: Any) -> RoutingResult:
    """Solve a routing problem and check the plan with the independent validator.

    Parameters
    ----------
    problem
        The problem.
    engine
        ``"pyvrp"`` or ``"ortools"``.
    time_limit
        Wall-clock seconds for the search.
    seed
        Random seed.
    allow_infeasible
        Return an infeasible plan (``status="infeasible"``, validator violations in
        ``info["violations"]``) instead of raising.
    **options
        Engine options (see :func:`~circularopt.routing.engines.pyvrp_engine.solve_pyvrp`
        and :func:`~circularopt.routing.engines.ortools_engine.solve_ortools`).

    Returns
    -------
    RoutingResult
        A plan the validator accepts (unless ``allow_infeasible``).

    Raises
    ------
    InputError
        Unknown engine, or a feature the engine cannot honour.
    SolverError
        No feasible plan was found within the time limit.
    """
    from circularopt.routing.validate import validate_routes

    run: Callable[..., RoutingResult]
    if engine == "pyvrp":
        from circularopt.routing.engines.pyvrp_engine import solve_pyvrp
        run = solve_pyvrp
    elif engine == "ortools":
        from circularopt.routing.engines.ortools_engine import solve_ortools
        run = solve_ortools
    else:
        raise InputError("engine", engine, f"one of {list(ENGINES)}")
    known = [name for name, par in inspect.signature(run).parameters.items()
             if par.kind is par.KEYWORD_ONLY and name not in ("time_limit", "seed")]
    for name in options:
        if name not in known:
            raise InputError("engine_options", name,
                             f"an option of engine {engine!r}: one of {known}")
    result = run(problem, time_limit=time_limit, seed=seed, **options)
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
