"""Arc routing: serving streets (edges) rather than points, e.g. curbside bag collection.

Build an :class:`ArcProblem` with :class:`ArcModel`, solve it with :func:`solve_arcs`
(PyVRP or OR-Tools through the exact node transformation of :mod:`.tasks`) and check the
result with :func:`validate_arc_routes`.
"""

from circularopt.routing.arcs.problem import (
    RULES,
    ArcEdge,
    ArcModel,
    ArcProblem,
    ArcVehicleType,
    RequiredEdge,
    ServeRule,
)
from circularopt.routing.arcs.result import ArcRoute, ArcSolution, ArcVisit
from circularopt.routing.arcs.solve import ENGINES, solve_arcs
from circularopt.routing.arcs.tasks import ArcTask, build_tasks, shortest_paths, task_matrix
from circularopt.routing.arcs.validate import ArcValidationReport, validate_arc_routes

__all__ = ["ENGINES", "RULES", "ArcEdge", "ArcModel", "ArcProblem", "ArcRoute",
           "ArcSolution", "ArcTask", "ArcValidationReport", "ArcVehicleType", "ArcVisit",
           "RequiredEdge", "ServeRule", "build_tasks", "shortest_paths", "solve_arcs",
           "task_matrix", "validate_arc_routes"]
