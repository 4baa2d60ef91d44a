"""Periodic routing: a visit pattern per stop over a horizon of days, and every day's routes.

:class:`PeriodicProblem` (model) -> :func:`solve_periodic` (solve) ->
:class:`PeriodicResult` (result), checked by :func:`validate_periodic` (validate).
"""

from circularopt.routing.periodic.model import (
    Pattern,
    PeriodicProblem,
    day_problem,
    even_patterns,
    visit_gaps,
)
from circularopt.routing.periodic.result import PeriodicResult
from circularopt.routing.periodic.solve import PeriodicOptions, initial_choice, solve_periodic
from circularopt.routing.periodic.validate import PeriodicReport, validate_periodic
from circularopt.routing.periodic.week import (
    WEEKDAYS,
    Week,
    periodic_problem,
    point_patterns,
    scenario_patterns,
)

__all__ = ["WEEKDAYS", "Pattern", "PeriodicOptions", "PeriodicProblem", "PeriodicReport",
           "PeriodicResult", "Week", "day_problem", "even_patterns", "initial_choice",
           "periodic_problem", "point_patterns", "scenario_patterns", "solve_periodic",
           "validate_periodic", "visit_gaps"]
