"""Collection routing with unloading trips, on two engines behind one interface.

Build a :class:`RoutingProblem` with :class:`RoutingModel`, solve it with :func:`solve`
(``engine="pyvrp"`` or ``"ortools"``), check the :class:`RoutingResult` with
:func:`validate_routes`. Both engines return the same result type; the validator recomputes
loads, times, distance and cost from the raw problem, independently of the engines.

Features by engine
------------------
==============================  =========  =========
feature                         pyvrp      ortools
==============================  =========  =========
capacity, several dimensions    yes        yes
unload sites (multiple trips)   yes [1]_   yes [2]_
max unloads per route           yes        yes
return empty (unload last)      yes [3]_   yes
time windows, service times     yes        yes
unload-site opening hours       yes        yes
shift window, max duration      yes        yes
fixed, distance, duration cost  yes        yes
several depots, vehicle types   yes        yes
release times                   yes        no (error)
max stops per route             no (error) yes
breaks (lunch hour)             no (error) yes
==============================  =========  =========

.. [1] PyVRP ``reload_depots``: each unload site is a reload depot with the unload
   duration as its service time.
.. [2] As in OR-Tools' ``cvrp_reload`` sample: each unload site is duplicated into
   optional nodes (one per possible unload) whose negative demand is absorbed by capacity
   slack, so the load drops to zero there.
.. [3] PyVRP routes end at a depot, so a type that must return empty gets a private end
   depot reached through its best allowed unload site (by the type's costs); see
   :mod:`circularopt.routing.engines.pyvrp_engine`.

An engine refuses (``InputError``) a problem using a feature it lacks: a plan is never
silently relaxed. For ``return_empty`` PyVRP uses, for the final unload, only sites whose
opening hours cannot bind there (its time is not modelled), and refuses when there is
none; intermediate unloads keep every site's hours.

Budgets
-------
``solve(..., time_limit=S)`` gives the search ``S`` wall-clock seconds; with the engine
option ``clock="cpu"`` it gives ``S`` CPU seconds of the solving process instead (what
the benchmarks use, so "n/10 s on one core" means the same on a shared, busy machine).
``stop=`` adds a stopping criterion of :mod:`circularopt.stop` (PyVRP takes any, OR-Tools
a :class:`~circularopt.stop.MaxRuntime`); engine options are typed
(:class:`~circularopt.routing.engines.options.PyVRPOptions`,
:class:`~circularopt.routing.engines.options.ORToolsOptions`) or given as a JSON object.

Benchmarks: ``docs/benchmarks.md`` (Routing) has the measured gaps of both engines on
CVRPLIB X, Cordeau MDVRP, Yang's multi-trip VRPTW and Solomon.
"""

from __future__ import annotations

from circularopt.routing.engines import ENGINES, solve
from circularopt.routing.problem import (
    INF_TIME,
    Break,
    Depot,
    RoutingModel,
    RoutingProblem,
    Stop,
    UnloadSite,
    VehicleType,
)
from circularopt.routing.result import Route, RoutingResult, Visit, schedule_route
from circularopt.routing.validate import (
    RoutesReport,
    ValidationReport,
    validate,
    validate_routes,
)

__all__ = [
    "ENGINES",
    "INF_TIME",
    "Break",
    "Depot",
    "Route",
    "RoutesReport",
    "RoutingModel",
    "RoutingProblem",
    "RoutingResult",
    "Stop",
    "UnloadSite",
    "ValidationReport",
    "VehicleType",
    "Visit",
    "schedule_route",
    "solve",
    "validate",
    "validate_routes",
]
