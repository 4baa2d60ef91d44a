r"""Capacitated location-routing (LRP): open depots and route vehicles from them.

Problem
-------
Candidate depots :math:`j` have a capacity :math:`W_j` and an opening cost :math:`O_j`;
customers :math:`i` have a demand :math:`q_i`; identical vehicles of capacity :math:`Q`
cost :math:`F` per route. A solution opens some depots and serves every customer exactly
once by routes that start and end at the same open depot, carry at most :math:`Q`, and
whose loads add up to at most :math:`W_j` at each depot. Its cost is

.. math::  \sum_{j \text{ open}} O_j + F \cdot \#\text{routes} + \sum_{\text{arcs}} c_{ab}

with :math:`c_{ab}` the arc cost from coordinates under the instance's rounding
convention (:data:`ROUNDINGS`).

Reader and cost convention
--------------------------
:func:`read_prodhon` reads Prodhon's format (Prins, Prodhon & Wolfler Calvo 2006). Its
last number is a flag: 1 means real costs, the Euclidean distance itself
(``rounding="euclidean"``; Tuzun's and Barreto's sets); 0 means integer costs, which the
format description gives as ``int(100 x Euclidean)``, i.e. truncated
(``rounding="trunc"``). **However**, for flag 0 the best-known values of the
set (``BKS.csv``) are only consistent with *rounding up*: on the four 20-customer
instances, whose optima are proven, this solver finds plans that cost *less* than the
proven optimum when arcs are truncated, and exactly the optimum when every arc is
``ceil(100 x Euclidean)``. The benchmark runner (:func:`circularopt.bench.lrp.run_lrp`)
therefore solves and reports flag-0 files under ``rounding="ceil"`` (column ``cost``) and
also gives the truncated cost of the same plan (``cost_trunc``).

Solution method (:func:`solve_lrp`)
-----------------------------------
An iterative *locate - route - improve* scheme:

(a) **Locate.** A CFLP (:class:`~circularopt.siting.FacilityProblem`, solved with the
    siting MIP :func:`~circularopt.siting.solve_mip`) whose assignment cost estimates the
    routing cost of serving customer :math:`i` from depot :math:`j`: the radial share
    :math:`2 c_{ji} q_i / Q` (a vehicle makes the round trip to the customer's area for
    every :math:`Q` units it carries) plus the route fixed cost :math:`F q_i / Q`; the
    tour share (travel between customers) hardly depends on the depot and is left to the
    calibration below.
(b) **Route.** The open depots become a multi-depot VRP of
    :mod:`circularopt.routing` (a :class:`~circularopt.routing.RoutingProblem`, solved by
    :func:`circularopt.routing.solve`, PyVRP by default); each customer may go to any
    open depot and every vehicle costs the route fixed cost. The engines cannot bound the
    total load of a depot, so the fleet is ``ceil(W_j / Q)`` vehicles of capacity ``Q``
    per depot (a relaxation: the plan is kept when the checker finds every depot within
    capacity, else repaired, see below; the fallback fleet ``floor(W_j / Q)`` vehicles of
    ``Q`` plus one of the remainder always respects ``W_j`` but forbids some feasible
    plans). Depots the routes leave unused are closed.
(c) **Re-estimate.** Each routed depot set gives a sample of the routed variable cost
    (everything but opening costs) against the estimate's radial cost; a least-squares
    line through the samples (slope clamped to [0.3, 3]) predicts the routed cost of
    depot sets not routed yet.
(d) **Improve.** Neighbours of the best routed set (close one depot, open one, swap one
    open for one closed; only sets whose capacity covers the demand) are ranked by the
    prediction, with a capacity-respecting regret-greedy assignment as the CFLP heuristic;
    the best-predicted unseen neighbour is routed with a short budget and replaces the
    best set if its routed cost is lower. This stops when the best prediction is more
    than ``10 %`` above the best routed cost or the evaluation budget is spent.
(e) **Final.** The rest of the time (at least half) goes to long routing runs of the best
    set; when the runner-up set's evaluation is within ``2 %``, both first get a trial of
    30 % of that time and the better one gets the rest. A set that needed the capacity
    repair gets several shorter runs instead of one, each pricing its depots'
    capacity Lagrangian-style from the previous repair (a cost per unit of demand routed
    from the depot, modelled as the routing problem's cost per duration with service
    durations equal to demands). The returned plan is the cheapest checked plan of all
    runs.

Depot-capacity repair: when the relaxed fleet overloads a depot, a single-source
assignment MIP (the siting :func:`~circularopt.siting.solve_mip`, depot capacities,
moving cost = cheapest insertion elsewhere minus removal saving) moves the fewest-cost
customers out, they are inserted where cheapest, and the depots whose customers changed
are re-routed alone (a CVRP each) when that is cheaper. Only if this fails is the exact
fleet used.

Caveats
-------
* Every routing run is limited by wall-clock time, so a seed reproduces a plan only on
  an equally loaded machine (the search is otherwise deterministic).
* Short evaluation runs are noisy (about 1 % on 200 customers); a depot set whose
  evaluation was unlucky is not revisited.
* Depot capacity is enforced through the fleet as described in (b); the exact encoding
  can exclude the optimum when depot capacities are not multiples of ``Q``.
* Depot sets are explored one move at a time from the MIP's set; far-away sets are
  reached only through a chain of improving moves.
"""

from __future__ import annotations

from circularopt.lrp.model import (
    ROUNDINGS,
    LRPInstance,
    LRPRoute,
    LRPSolution,
    Rounding,
    arc_cost,
)
from circularopt.lrp.reader import read_prodhon
from circularopt.lrp.solver import LRPEvaluation, LRPResult, solve_lrp
from circularopt.lrp.validate import LRPCheck, LRPReport, check_lrp, validate_lrp

__all__ = [
    "ROUNDINGS",
    "LRPCheck",
    "LRPEvaluation",
    "LRPInstance",
    "LRPReport",
    "LRPResult",
    "LRPRoute",
    "LRPSolution",
    "Rounding",
    "arc_cost",
    "check_lrp",
    "read_prodhon",
    "solve_lrp",
    "validate_lrp",
]
