"""Solve a tiny arc routing problem briefly and have the independent validator pass it."""

from __future__ import annotations

from circularopt.routing.arcs import ArcProblem, ArcSolution, solve_arcs, validate_arc_routes
from circularopt.routing.arcs.validate import ArcValidationReport


def solved(problem: ArcProblem, engine: str) -> tuple[ArcSolution, ArcValidationReport]:
    """Solve ``problem`` for 0.3 CPU s on ``engine``; the validator must pass the routes."""
    solution = solve_arcs(problem, engine=engine, time_limit=0.3, clock="cpu")
    report = validate_arc_routes(problem, solution)
    assert report.ok, report.summary()
    return solution, report
