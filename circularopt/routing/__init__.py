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
   depot reached through its nearest allowed unload site; see
   :mod:`circularopt.routing.engines.pyvrp`.

An engine refuses (``InputError``) a problem using a feature it lacks: a plan is never
silently relaxed. For ``return_empty`` PyVRP uses, for the final unload, only sites whose
opening hours cannot bind there (its time is not modelled), and refuses when there is
none; intermediate unloads keep every site's hours.

Budgets
-------
``solve(..., time_limit=S)`` gives the search ``S`` wall-clock seconds; with
``clock="cpu"`` it gives ``S`` CPU seconds of the solving process instead (what the
benchmarks use, so "n/10 s on one core" means the same on a shared, busy machine).

Benchmarks (2-core machine shared with other heavy jobs, CPU-second budgets)
-----------------------------------------------------------------------------
CVRPLIB X, all 50, n/10 CPU s per instance, seed 0 (``circularopt bench cvrp --data
../shared/benchmarks/cvrp/X --engine E --time-per-100 10``): ``pyvrp`` average gap
0.735 % (all feasible; n 101-200 0.60, 201-500 0.67, 501-1000 0.96 %; second session),
``ortools`` 2.70 % (all feasible; 2.38 / 2.90 / 2.64 %; seed 1: 2.70 %; fourth session,
two processes side by side), within its 3 % goal since the search starts from our own Clarke-Wright
savings plan instead of OR-Tools' ``SAVINGS`` strategy (5.80 % before; see
:mod:`~circularopt.routing.engines.ortools_engine`).
Cordeau MDVRP, 33 (``bench mdvrp``): ``pyvrp`` 0.36 %; ``ortools`` 5.04 %, all 33
feasible (third session; before, 7 tight-fleet instances had no solution). Yang
multi-trip VRPTW with release times, 86 (``bench mtvrptwr``): ``pyvrp`` 1.98 % (seed 0;
seed 1: 1.77 %; all feasible; PyVRP's search with at most 5 perturbations per iteration, see
:data:`~circularopt.routing.literature.YANG_SEARCH`; 2.66 % with PyVRP's defaults).
Solomon C101, C201, R101, R201, RC101, RC201 at 3 CPU s (first session): ``pyvrp``
0.29 %, ``ortools`` 3.54 %, textbook OR-Tools GLS 1.86 % on the four it solved.
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
