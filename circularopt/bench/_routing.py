"""What the routing runners share: the CPU clock of their budgets and the engine call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from circularopt.bench._core import BenchOptions, BenchRow, routing_engine_options
from circularopt.exceptions import CircularOptError, DataNotFoundError, InputError
from circularopt.routing.engines import solve
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.result import RoutingResult
from circularopt.routing.validate import validate_routes

__all__ = ["CLOCK", "distance_row", "solve_routing", "text_lines"]

CLOCK = "cpu"
"""Budgets are CPU seconds of the solving process: "n/10 s on one core" stays that on a
shared, busy machine (wall seconds are reported in the ``seconds`` column)."""


def solve_routing(problem: RoutingProblem, engine: str, options: BenchOptions,
                  seconds: float, **preset: Any) -> tuple[RoutingResult | None, str]:
    """Solve on the benchmarks' CPU clock; the plan (``None`` on failure) and the error.

    ``preset`` are the set's own engine options; ``options.engine_options`` (see
    :func:`~circularopt.bench._core.routing_engine_options`) override them.

    Raises
    ------
    InputError
        An engine option the engine does not know (any other failure is returned).
    """
    engine_options = {**preset, **routing_engine_options(options), "clock": CLOCK}
    try:
        return solve(problem, engine=engine, options=engine_options, time_limit=seconds,
                     seed=options.seed, allow_infeasible=True), ""
    except InputError as exc:
        if exc.field.startswith("engine_options"):
            raise
        return None, str(exc)
    except CircularOptError as exc:
        return None, str(exc)


def distance_row(problem: RoutingProblem, result: RoutingResult | None, *,
                 bks: float | None, factor: float, seconds: float, engine: str, error: str,
                 extra: dict[str, Any] | None = None) -> tuple[BenchRow, float | None]:
    """Row with ``cost = factor * validated distance`` (``None`` plan: a failed row); also
    returns that cost."""
    if result is None:
        return BenchRow(problem.name, problem.num_stops, bks, None, False, seconds, engine,
                        {"vehicles": "", **(extra or {}), "error": error}), None
    report = validate_routes(problem, result)
    cost = round(report.distance * factor, 6)
    row = BenchRow(problem.name, problem.num_stops, bks, cost, report.ok, seconds, engine,
                   {"vehicles": result.num_vehicles, **(extra or {}),
                    "error": "; ".join(report.violations[:3]) or error})
    return row, cost


def text_lines(path: Path) -> list[str]:
    """The lines of an instance file (latin-1), or DataNotFoundError."""
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"instance file not found: {path}")
    return path.read_text(encoding="latin-1").splitlines()


