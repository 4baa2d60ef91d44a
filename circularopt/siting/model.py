r"""Scenario-level location-allocation of sorting complexes (OR-Tools MathOpt MIP).

:func:`site` decides which sorting complexes to open and at which size, which complex
serves each collection point, how much recyclate of each stream each complex sends to
each recycling SME, and what goes to the landfill, minimising the annual net cost.

Formulation
-----------
Sets: collection points :math:`i \in I`; complex candidates :math:`j \in J` with capacity
options :math:`o \in O_j`; streams :math:`s \in S`; recyclers :math:`r \in R` (existing
:math:`R^e` and candidates :math:`R^c`), recycler :math:`r` accepts streams
:math:`S_r`; landfills :math:`l \in L`.

Data (daily quantities per working day, :math:`D` working days per year):
:math:`w_{is}` waste of stream :math:`s` at point :math:`i`, :math:`W_i=\sum_s w_{is}`;
:math:`Q_{jo}, F_{jo}` capacity (t/day) and annual fixed cost of option :math:`o`;
:math:`\sigma_j` sorting cost per tonne; :math:`\rho_{js}` recovery rate;
:math:`K_r` recycler capacity (t/day), :math:`p_{rs}` price paid per tonne,
:math:`G_r` annual opening cost of a candidate recycler; :math:`M_l` landfill capacity
(t/day, may be unlimited), :math:`f_l` tipping fee; :math:`\tau` transfer cost per
tonne-km, :math:`d_{ab}` road km from the travel matrices; :math:`c_{ik}` estimated daily
cost of collecting point :math:`i` into facility :math:`k` (a complex or, when allowed,
a landfill; see :func:`collection_cost_estimate`).

Variables: :math:`y_{jo}\in\{0,1\}` open :math:`j` with option :math:`o`;
:math:`x_{ij}\in\{0,1\}` point :math:`i` served by complex :math:`j` (single source);
:math:`z_{il}\in\{0,1\}` point :math:`i` taken directly to landfill :math:`l` (only with
``allow_direct_landfill``); :math:`u_{jsr}\ge 0` recyclate of stream :math:`s` sent from
:math:`j` to :math:`r` (t/day); :math:`v_{jl}\ge 0` residue plus unsold recyclate sent
from :math:`j` to :math:`l`; :math:`e_r\in\{0,1\}` open candidate recycler :math:`r`
(only with ``open_candidate_recyclers``; otherwise candidates stay closed).

.. math::

    \min\; & \sum_{j,o} F_{jo} y_{jo} + \sum_{r\in R^c} G_r e_r
      + D\Big[\sum_{i,j} (c_{ij} + \sigma_j W_i) x_{ij}
      + \sum_{i,l} (c_{il} + f_l W_i) z_{il}
      + \sum_{j,s,r} (\tau d_{jr} - p_{rs}) u_{jsr}
      + \sum_{j,l} (\tau d_{jl} + f_l) v_{jl}\Big] \\
    \text{s.t.}\; & \textstyle\sum_j x_{ij} + \sum_l z_{il} = 1 && \forall i
      \quad\text{(each point served once)} \\
    & \textstyle\sum_o y_{jo} \le 1 \;(= 1 \text{ if locked open}, = 0 \text{ if locked
      closed}) && \forall j \\
    & x_{ij} \le \textstyle\sum_o y_{jo} && \forall i, j \\
    & \textstyle\sum_i W_i x_{ij} \le \sum_o Q_{jo} y_{jo} && \forall j
      \quad\text{(chosen capacity)} \\
    & \textstyle\sum_{r: s\in S_r} u_{jsr} \le \rho_{js} \sum_i w_{is} x_{ij}
      && \forall j, s \quad\text{(only recovered material is sold)} \\
    & \textstyle\sum_l v_{jl} + \sum_{s,r} u_{jsr} = \sum_i W_i x_{ij}
      && \forall j \quad\text{(mass balance)} \\
    & \textstyle\sum_{j,s} u_{jsr} \le K_r \;(K_r e_r \text{ for candidates}) && \forall r \\
    & \textstyle\sum_j v_{jl} + \sum_i W_i z_{il} \le M_l && \forall l
      \text{ with a capacity} \\
    & \textstyle\sum_{j,s,r} u_{jsr} \ge \delta \sum_i W_i
      && \text{(minimum diversion } \delta\text{)} \\
    & \textstyle\sum_{j,o} y_{jo} = N \;(\text{or} \le N_{\max}) \\
    & \textstyle\sum_{j,o} Q_{jo} y_{jo} + \sum_{i,l} W_i z_{il} \ge \sum_i W_i
      && \text{(capacity cover, implied; strengthens the bound)} \\
    & \textstyle\sum_{j,o} y_{jo} \ge k && \text{(without direct landfill: } k
      \text{ the fewest complexes whose largest options hold } \textstyle\sum_i W_i)
      \\
    & x_{ij} = 0 \text{ (and } z_{il} = 0\text{) when the travel time from } i
      \text{ exceeds the limit}

Per-stream mass balance holds: of stream :math:`s`, complex :math:`j` receives
:math:`\sum_i w_{is} x_{ij}`, sells :math:`\sum_r u_{jsr}` (at most the recovered share)
and sends the rest (residue and unsold recyclate) to landfills through :math:`v`.
Diversion rate = tonnes delivered to recyclers / tonnes generated.

Solution method
---------------
By default (``method="two-phase"``) the model is first solved with the assignment
variables :math:`x, z` relaxed to :math:`[0, 1]` (multi-source): only the few site
variables :math:`y, e` are integer, and its dual bound is a valid lower bound of the
single-source problem. The sites found are then fixed and the single-source assignment
is solved; as a point's waste is small against a complex's capacity this loses little.
If no single-source assignment fits the chosen
sites, the full MIP is solved instead; when the gap is still above the tolerance, the
full MIP continues from the two-phase solution (as a hint) in the time left and the
better solution and bound are kept. ``method="mip"`` solves the full MIP directly;
its LP bound is weaker (the capacity-option fixed costs are paid fractionally), so it
proves optimality more slowly. The implied capacity-cover row lets SCIP and HiGHS
derive knapsack cover cuts on :math:`y`, which shortens the search (measurements:
``docs/benchmarks.md``, *Siting*).

Backends
--------
The same MathOpt model is solved by SCIP (``"scip"``), HiGHS (``"highs"``) or CP-SAT
(``"cpsat"``), all bundled with OR-Tools. :data:`DEFAULT_BACKEND` is the one that was
fastest to prove optimality on generated scenarios (``docs/benchmarks.md``, *Siting*).
"""

from __future__ import annotations

import datetime
import math
import multiprocessing
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, cast

import numpy as np
from ortools.math_opt.python import mathopt
from scipy.optimize import linprog

from circularopt._validate import choice, integer, number, sequence
from circularopt.exceptions import InfeasibleError, InputError, SolverError
from circularopt.matrices import TravelMatrices
from circularopt.scenario import ComplexCandidate, Recycler, Scenario
from circularopt.siting.cflp import fewest_facilities
from circularopt.siting.result import (
    CostBreakdown,
    OpenComplex,
    ResidueFlow,
    SitingResult,
    StreamFlow,
)
from circularopt.siting.site_portfolio import VARIANTS, combine, race
from circularopt.stop import Budget

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "METHODS",
    "CollectionCostParams",
    "SitingOptions",
    "collection_cost_estimate",
    "max_diversion_t_per_day",
    "site",
]

BACKENDS: dict[str, mathopt.SolverType] = {
    "scip": mathopt.SolverType.GSCIP,
    "highs": mathopt.SolverType.HIGHS,
    "cpsat": mathopt.SolverType.CP_SAT,
}
"""Backend name -> MathOpt solver."""

DEFAULT_BACKEND = "scip"
"""Backend used when none is given (the fastest to prove optimality in
``docs/benchmarks.md``, *Siting*)."""

METHODS = ("two-phase", "mip")
"""Solution methods of :func:`site` (see its ``method`` parameter)."""

_EPS = 1e-9


# --------------------------------------------------------------------------- collection cost


@dataclass(frozen=True)
class CollectionCostParams:
    """Parameters of the collection-cost approximation.

    Parameters
    ----------
    truck_capacity_t, truck_capacity_m3
        Payload of a representative collection truck; a load is limited by both (volume
        from the point's stream mix and the stream densities).
    cost_per_km
        Variable cost per km driven.
    cost_per_hour
        Cost per hour on the road, including the truck's daily fixed cost spread over
        its shift (``cost_per_hour + fixed_cost_per_day / shift hours``).
    unload_minutes
        Time to unload one load at the receiving facility.
    tour_factor
        Local tour length per stop divided by the distance to the nearest other point.
        ``1.42`` ≈ 2 x 0.7124: the Beardwood-Halton-Hammersley constant (tour length
        ≈ 0.7124 sqrt(n A)) over the mean nearest-neighbour distance of uniformly
        random points (0.5 / sqrt(density)).
    scale
        Factor applied to the whole estimate, to calibrate it against routed costs
        (see :func:`collection_cost_estimate`); 1 leaves the formula as it is.
    """

    truck_capacity_t: float = 8.0
    truck_capacity_m3: float = 20.0
    cost_per_km: float = 1.0
    cost_per_hour: float = 15.0
    unload_minutes: float = 20.0
    tour_factor: float = 1.42
    scale: float = 1.0

    def __post_init__(self) -> None:
        for name in ("truck_capacity_t", "truck_capacity_m3"):
            if not getattr(self, name) > 0:
                raise InputError(f"CollectionCostParams.{name}", getattr(self, name),
                                 "a number > 0")
        for name in ("cost_per_km", "cost_per_hour", "unload_minutes", "tour_factor",
                     "scale"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise InputError(f"CollectionCostParams.{name}", value, "a number >= 0")

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> CollectionCostParams:
        """Fleet-weighted average of the scenario's vehicle types (defaults if none).

        Each vehicle type is weighted by its ``count`` (equally if all counts are 0).
        """
        types = [v for d in scenario.depots for v in d.vehicle_types]
        if not types:
            return cls()
        weights = np.array([v.count for v in types], dtype=float)
        if weights.sum() <= 0:
            weights = np.ones(len(types))
        weights /= weights.sum()

        def avg(values: Iterable[float]) -> float:
            return float(np.dot(weights, np.fromiter(values, dtype=float)))

        return cls(
            truck_capacity_t=avg(v.capacity_tonnes for v in types),
            truck_capacity_m3=avg(v.capacity_m3 for v in types),
            cost_per_km=avg(v.cost_per_km for v in types),
            cost_per_hour=avg(v.cost_per_hour + v.fixed_cost_per_day / (v.shift_minutes / 60)
                              for v in types),
            unload_minutes=avg(v.unload_minutes for v in types),
        )

    def as_dict(self) -> dict[str, float]:
        """The parameters as a plain dict."""
        return asdict(self)


def _nearest_neighbour(scenario: Scenario, matrices: TravelMatrices) -> tuple[np.ndarray,
                                                                             np.ndarray]:
    """Per point, road km and hours to its nearest other collection point (0 if alone)."""
    idx = matrices.indices([p.id for p in scenario.collection_points])
    n = len(idx)
    if n < 2:
        return np.zeros(n), np.zeros(n)
    dist = matrices.distance_m[np.ix_(idx, idx)]
    dur = matrices.duration_s[np.ix_(idx, idx)]
    dist = np.minimum(dist, dist.T).astype(float)
    np.fill_diagonal(dist, np.inf)
    nearest = np.argmin(dist, axis=1)
    rows = np.arange(n)
    d_km = dist[rows, nearest] / 1000.0
    t_h = np.minimum(dur[rows, nearest], dur[nearest, rows]) / 3600.0
    finite = np.isfinite(d_km) & np.isfinite(t_h)
    return np.where(finite, d_km, 0.0), np.where(finite, t_h, 0.0)


def collection_cost_estimate(scenario: Scenario, matrices: TravelMatrices,
                             targets: Sequence[str], *,
                             params: CollectionCostParams | None = None) -> np.ndarray:
    r"""Estimated daily cost of collecting each point into each target facility.

    For point :math:`i` delivered to facility :math:`k` (a sorting complex, or a landfill
    for direct disposal) the cost per working day is a line-haul part plus a local-tour
    part:

    .. math::

        c_{ik} = \underbrace{\frac{W_i}{q_i}\Big[2 d_{ik}\,c_{km}
                 + \big(2 t_{ik} + t_{unload}\big)\,c_{h}\Big]}_{\text{loads to } k
                 \text{ and back}}
               + \underbrace{\frac{n_i}{7}\Big[\ell_i\,c_{km}
                 + \big(\ell_i^{t} + t^{serv}_i\big)\,c_{h}\Big]}_{\text{share of the
                 local tour}}

    - :math:`W_i` daily tonnes, :math:`q_i = \min(Q_t, Q_{m^3}\,\bar\rho_i)` the tonnes
      per truck load (volume limit through the point's mix density :math:`\bar\rho_i =
      W_i / \sum_s w_{is}/\rho_s`); :math:`W_i/q_i` is the fractional number of loads per
      day the point causes (stem/line-haul share: each full load drives to the facility
      and back once);
    - :math:`d_{ik}` road km and :math:`t_{ik}` hours from the point to the facility
      (matrices), :math:`c_{km}` cost per km, :math:`c_h` cost per hour (including the
      truck's daily fixed cost spread over its shift), :math:`t_{unload}` unloading time;
    - local tour (continuous approximation, Beardwood-Halton-Hammersley / Daganzo): on a
      collection day a tour through :math:`m` stops in area :math:`A` is about
      :math:`0.7124\sqrt{mA}`, i.e. :math:`0.7124/\sqrt{\delta}` per stop; with the mean
      nearest-neighbour distance :math:`0.5/\sqrt{\delta}` this is ``tour_factor`` (1.42)
      times the nearest-neighbour road distance :math:`nn_i`. Only the
      :math:`n_i/7` share of points visited on a day is on the tours (``n_i`` =
      ``collections_per_week``), so the density is lower and
      :math:`\ell_i = \text{tour\_factor}\cdot nn_i\sqrt{7/n_i}` (km, and likewise
      hours :math:`\ell^t_i` from the nearest-neighbour travel time); :math:`t^{serv}_i`
      is the service time per visit and :math:`n_i/7` the visits per day.

    Left out: the depot to first stop and last stop to depot legs (per truck, not per
    point), traffic and time windows, and trucks are paid per hour used rather than per
    truck-day. The local part does not depend on the facility; it only keeps the total
    comparable with routed costs.

    Calibration: routed costs come out about 1.2 times this estimate (whole-day truck
    fixed costs, larger trucks); set ``params.scale`` to a measured ratio to match routed
    totals (measurements: ``docs/benchmarks.md``, *Siting*). The facility-dependent
    line-haul part, which drives the siting decisions, is scaled alike.

    Parameters
    ----------
    scenario
        The scenario (points, streams and, through :meth:`CollectionCostParams.
        from_scenario`, the fleet).
    matrices
        Travel matrices holding every point and target id.
    targets
        Facility ids (columns of the result).
    params
        Approximation parameters; default :meth:`CollectionCostParams.from_scenario`.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(points), len(targets))``, currency per working day.
    """
    prm = params if params is not None else CollectionCostParams.from_scenario(scenario)
    points = scenario.collection_points
    density = {s.name: s.density_t_per_m3 for s in scenario.streams}
    tonnes = np.array([p.total_tonnes_per_day for p in points], dtype=float)
    volume = np.array([sum(t / density[s] for s, t in p.tonnes_per_day.items())
                       for p in points], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mix = np.where(volume > 0, tonnes / volume, 1.0)
    load = np.minimum(prm.truck_capacity_t, prm.truck_capacity_m3 * mix)
    loads_per_day = tonnes / load
    pi = matrices.indices([p.id for p in points])
    ti = matrices.indices(list(targets))
    d_km = matrices.distance_m[np.ix_(pi, ti)] / 1000.0
    t_h = matrices.duration_s[np.ix_(pi, ti)] / 3600.0
    haul = loads_per_day[:, None] * (2 * d_km * prm.cost_per_km
                                     + (2 * t_h + prm.unload_minutes / 60) * prm.cost_per_hour)
    nn_km, nn_h = _nearest_neighbour(scenario, matrices)
    visits = np.array([p.collections_per_week for p in points], dtype=float) / 7.0
    spread = prm.tour_factor / np.sqrt(np.maximum(visits, _EPS))
    service_h = np.array([p.service_minutes for p in points], dtype=float) / 60.0
    local = visits * (spread * nn_km * prm.cost_per_km
                      + (spread * nn_h + service_h) * prm.cost_per_hour)
    out: np.ndarray = prm.scale * (haul + local[:, None])
    return out


# --------------------------------------------------------------------------- pre-checks


def _usable_recyclers(scenario: Scenario, open_candidates: bool) -> list[Recycler]:
    return [r for r in scenario.recyclers if r.existing or open_candidates]


def max_diversion_t_per_day(scenario: Scenario, *, candidates: Sequence[ComplexCandidate]
                            | None = None, open_candidate_recyclers: bool = False) -> float:
    """Upper bound on the tonnes per day that can be delivered to recyclers.

    Each stream can yield at most its total times the best recovery rate among
    ``candidates`` (default: all complex candidates); recyclers take at most their capacity
    of the streams they accept. The bound is the maximum flow streams -> recyclers,
    ignoring complex capacities and travel limits.
    """
    cands = scenario.complex_candidates if candidates is None else candidates
    recyclable = {s.name for s in scenario.streams if s.recyclable}
    by_stream = scenario.tonnes_by_stream()
    supply = {s: by_stream[s] * max((c.recovery_rate.get(s, 0.0) for c in cands), default=0.0)
              for s in scenario.stream_names if s in recyclable}
    supply = {s: t for s, t in supply.items() if t > _EPS}
    recyclers = [r for r in _usable_recyclers(scenario, open_candidate_recyclers)
                 if r.capacity_t_per_day > 0]
    arcs = [(s, k) for s in supply for k, r in enumerate(recyclers) if s in r.price_per_tonne]
    if not arcs:
        return 0.0
    streams = list(supply)
    a_ub = np.zeros((len(streams) + len(recyclers), len(arcs)))
    for a, (s, k) in enumerate(arcs):
        a_ub[streams.index(s), a] = 1.0
        a_ub[len(streams) + k, a] = 1.0
    b_ub = [supply[s] for s in streams] + [r.capacity_t_per_day for r in recyclers]
    res = linprog(-np.ones(len(arcs)), A_ub=a_ub, b_ub=b_ub, bounds=(0, None),
                  method="highs")
    return float(-res.fun) if res.status == 0 else 0.0


def _fmt_ids(ids: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(repr(i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


# --------------------------------------------------------------------------- the model


@dataclass
class _Data:
    """Arrays of one siting run (rows: points, columns: candidates / landfills)."""

    points: list[str]
    streams: list[str]
    w: np.ndarray                 # (P, S) tonnes per day
    W: np.ndarray                 # (P,)
    cands: list[ComplexCandidate]
    landfills: list[str]
    lf_fee: np.ndarray            # (L,)
    lf_cap: list[float | None]
    recyclers: list[Recycler]
    allowed_x: np.ndarray         # (P, J) bool
    allowed_z: np.ndarray         # (P, L) bool
    c_x: np.ndarray               # (P, J) daily collection cost
    c_z: np.ndarray               # (P, L)
    km_jr: np.ndarray             # (J, R)
    km_jl: np.ndarray             # (J, L)


SMALL_PAIRS = 40_000
"""Point x candidate pairs up to which ``SitingOptions(workers=2)`` races backends in
parallel processes (each process builds the whole model)."""

RACE_MIN_PAIRS = 5_000
"""Point x candidate pairs from which ``SitingOptions(workers=None)`` (*auto*) races two
backends: below, one solve takes seconds and starting processes costs about as much."""


@dataclass(frozen=True, kw_only=True)
class SitingOptions:
    """What :func:`site` may decide and how it solves, beyond its time limit and seed.

    Parameters
    ----------
    complexes
        Open exactly this many complexes (``None``: free).
    max_complexes
        Open at most this many complexes (exclusive with ``complexes``).
    min_diversion
        Minimum share of generated waste delivered to recyclers (0-1).
    max_travel_minutes
        Longest allowed travel time from a point to the facility serving it.
    locked_open, locked_closed
        Complex candidates that must be opened / must stay closed.
    allow_direct_landfill
        Let points be collected straight to a landfill, bypassing sorting.
    open_candidate_recyclers
        Allow opening candidate recyclers (``existing=False``) at their opening cost;
        otherwise only existing recyclers are used.
    collection
        Collection-cost approximation parameters (default: from the scenario's fleet).
    method
        ``"two-phase"`` (default): solve the multi-source relaxation (assignments
        continuous) for the sites, then the single-source assignment for those sites; the
        bound is the relaxation's; when the gap is still above ``relative_gap`` the full
        MIP continues from that solution in the time left (and is solved instead when
        phase 2 finds no assignment). ``"mip"``: solve the full MIP directly.
    backend
        ``"scip"``, ``"highs"`` or ``"cpsat"``.
    relative_gap
        Relative optimality gap at which the solver stops.
    threads
        Solver threads (``None``: the solver's default).
    workers
        With 2 or more, and at most
        :data:`SMALL_PAIRS` point x candidate pairs,
        solve with that many backend/method variants in parallel processes and keep the
        best solution with the best bound of all
        (:mod:`~circularopt.siting.site_portfolio`); 1 (default): one solve with
        ``backend`` and ``method``. ``None`` (*auto*): 2 when the problem has
        :data:`RACE_MIN_PAIRS` to :data:`SMALL_PAIRS` pairs, ``backend`` and ``method``
        are the defaults, the
        machine has 2 or more CPUs and this is not a daemon process (which may not
        start processes); else 1. Not the default: on the tight Bishkek case one solve
        proved the optimum sooner than the race (each process builds the model;
        ``docs/benchmarks.md``, *Siting portfolio*).
    """

    complexes: int | None = None
    max_complexes: int | None = None
    min_diversion: float | None = None
    max_travel_minutes: float | None = None
    locked_open: tuple[str, ...] = ()
    locked_closed: tuple[str, ...] = ()
    allow_direct_landfill: bool = False
    open_candidate_recyclers: bool = False
    collection: CollectionCostParams | None = None
    method: str = "two-phase"
    backend: str = DEFAULT_BACKEND
    relative_gap: float = 1e-4
    threads: int | None = None
    workers: int | None = 1

    def __post_init__(self) -> None:
        where = "siting_options."
        choice(where + "backend", self.backend, sorted(BACKENDS))
        choice(where + "method", self.method, list(METHODS))
        for name in ("complexes", "max_complexes"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 0):
                raise InputError(where + name, value, "None or an integer >= 0")
        if self.complexes is not None and self.max_complexes is not None:
            raise InputError(where + "complexes", self.complexes,
                             "None when max_complexes is given (give one of the two)")
        if self.min_diversion is not None:
            number(where + "min_diversion", self.min_diversion, lo=0.0, hi=1.0)
        if self.max_travel_minutes is not None:
            number(where + "max_travel_minutes", self.max_travel_minutes, lo=0.0,
                   lo_open=True)
        for name in ("locked_open", "locked_closed"):
            object.__setattr__(self, name, tuple(sequence(where + name, getattr(self, name))))
        number(where + "relative_gap", self.relative_gap, lo=0.0)
        if self.threads is not None:
            integer(where + "threads", self.threads, lo=1)
        if self.workers is not None:
            integer(where + "workers", self.workers, lo=1)

    @property
    def count_limit(self) -> tuple[int | None, str]:
        """The limit on open complexes and the option that sets it."""
        if self.complexes is not None:
            return self.complexes, "complexes"
        return self.max_complexes, "max_complexes"


def _check_against(scenario: Scenario, time_limit: float, opts: SitingOptions) -> None:
    """The checks that need the scenario: known locked ids, at least one point."""
    number("time_limit", time_limit, lo=0.0, lo_open=True)
    known = {c.id for c in scenario.complex_candidates}
    for name, ids in (("locked_open", opts.locked_open), ("locked_closed", opts.locked_closed)):
        unknown = sorted(set(ids) - known)
        if unknown:
            raise InputError(f"siting_options.{name}", unknown,
                             f"ids of complex candidates {sorted(known)}")
    if not scenario.collection_points:
        raise InputError("scenario.collection_points", [], "at least one collection point")


def _prepare(scenario: Scenario, matrices: TravelMatrices, opts: SitingOptions,
             params: CollectionCostParams) -> _Data:
    needed = [p.id for p in scenario.collection_points]
    needed += [c.id for c in scenario.complex_candidates]
    needed += [r.id for r in scenario.recyclers] + [lf.id for lf in scenario.landfills]
    have = set(matrices.ids)
    missing = [i for i in needed if i not in have]
    if missing:
        raise InputError("matrices.ids", f"missing {_fmt_ids(missing)}",
                         "travel matrices covering every point, complex, recycler and "
                         "landfill of the scenario")
    allow_direct_landfill = opts.allow_direct_landfill
    streams = list(scenario.stream_names)
    points = scenario.collection_points
    w = np.array([[p.tonnes_per_day.get(s, 0.0) for s in streams] for p in points])
    cands = [c for c in scenario.complex_candidates if c.id not in set(opts.locked_closed)]
    landfills = list(scenario.landfills)
    recyclers = _usable_recyclers(scenario, opts.open_candidate_recyclers)
    cand_ids = [c.id for c in cands]
    lf_ids = [lf.id for lf in landfills]
    pi = matrices.indices([p.id for p in points])
    dur_min = matrices.duration_s[np.ix_(pi, matrices.indices(cand_ids))] / 60.0
    dur_lf = matrices.duration_s[np.ix_(pi, matrices.indices(lf_ids))] / 60.0
    limit = math.inf if opts.max_travel_minutes is None else opts.max_travel_minutes
    c_x = collection_cost_estimate(scenario, matrices, cand_ids, params=params)
    c_z = (collection_cost_estimate(scenario, matrices, lf_ids, params=params)
           if allow_direct_landfill and lf_ids else np.zeros((len(points), len(lf_ids))))
    allowed_x = np.isfinite(c_x) & np.isfinite(dur_min) & (dur_min <= limit + _EPS)
    allowed_z = (np.isfinite(c_z) & np.isfinite(dur_lf) & (dur_lf <= limit + _EPS)
                 & allow_direct_landfill)
    ci = matrices.indices(cand_ids)
    km_jr = matrices.distance_m[np.ix_(ci, matrices.indices([r.id for r in recyclers]))] / 1e3
    km_jl = matrices.distance_m[np.ix_(ci, matrices.indices(lf_ids))] / 1e3
    return _Data(
        points=[p.id for p in points], streams=streams, w=w, W=w.sum(axis=1), cands=cands,
        landfills=lf_ids,
        lf_fee=np.array([lf.tipping_fee_per_tonne for lf in landfills], dtype=float),
        lf_cap=[lf.capacity_t_per_day for lf in landfills], recyclers=recyclers,
        allowed_x=allowed_x, allowed_z=allowed_z,
        c_x=c_x, c_z=c_z, km_jr=km_jr, km_jl=km_jl)


def _precheck(scenario: Scenario, data: _Data, opts: SitingOptions) -> None:
    """Raise :class:`InfeasibleError` naming the cause when the options cannot be met."""
    _check_counts(data, opts)
    _check_orphans(data, opts)
    _check_total_capacity(data, opts)
    _check_single_reach(data)
    _check_disposal(scenario, data, opts)


def _check_counts(data: _Data, opts: SitingOptions) -> None:
    """Locks that contradict each other or the number of complexes."""
    locked_open, locked_closed = set(opts.locked_open), set(opts.locked_closed)
    both = sorted(locked_open & locked_closed)
    if both:
        raise InfeasibleError(f"complex(es) {_fmt_ids(both)} are both locked open and locked "
                              "closed; remove them from one of the two lists")
    limit, which = opts.count_limit
    if limit is not None and len(locked_open) > limit:
        raise InfeasibleError(
            f"{len(locked_open)} complexes are locked open ({_fmt_ids(sorted(locked_open))}) "
            f"but {which}={limit}; raise {which} to at least {len(locked_open)} or unlock "
            "some")
    complexes = opts.complexes
    if complexes is not None and complexes > len(data.cands):
        raise InfeasibleError(
            f"complexes={complexes} but only {len(data.cands)} candidate(s) are available "
            f"({len(locked_closed)} locked closed); lower complexes or add candidates")


def _check_orphans(data: _Data, opts: SitingOptions) -> None:
    """Every point needs a reachable facility."""
    orphans = [p for k, p in enumerate(data.points)
               if not data.allowed_x[k].any() and not data.allowed_z[k].any()]
    if not orphans:
        return
    if opts.max_travel_minutes is not None:
        raise InfeasibleError(
            f"{len(orphans)} collection point(s) lie farther than "
            f"{opts.max_travel_minutes:g} min from every available complex"
            f"{' and landfill' if opts.allow_direct_landfill else ''}: {_fmt_ids(orphans)}; "
            "raise max_travel_minutes, unlock or add a nearer candidate, or allow "
            "direct landfill")
    raise InfeasibleError(
        f"{len(orphans)} collection point(s) cannot reach any available complex "
        f"(no candidate left or unreachable in the matrices): {_fmt_ids(orphans)}")


def _check_total_capacity(data: _Data, opts: SitingOptions) -> None:
    """The largest complexes allowed (plus direct landfill) must hold all the waste."""
    total = float(data.W.sum())
    limit, which = opts.count_limit
    locked_open = set(opts.locked_open)
    caps = {c.id: c.max_capacity_t_per_day for c in data.cands}
    locked_caps = [caps[c] for c in locked_open]
    others = sorted((v for k, v in caps.items() if k not in locked_open), reverse=True)
    k = len(others) if limit is None else max(0, limit - len(locked_open))
    complex_cap = sum(locked_caps) + sum(others[:k])
    direct = 0.0
    if opts.allow_direct_landfill and data.landfills:
        direct = (math.inf if any(c is None for c in data.lf_cap)
                  else float(sum(c for c in data.lf_cap if c is not None)))
    if total > complex_cap + direct + 1e-6:
        parts = f"{complex_cap:,.1f} t/day from complexes"
        if limit is not None:
            parts += f" with {which}={limit}"
        if opts.allow_direct_landfill:
            parts += f" plus {direct:,.1f} t/day of direct landfill"
        raise InfeasibleError(
            f"total waste {total:,.1f} t/day exceeds the largest possible complex and "
            f"landfill capacity of {complex_cap + direct:,.1f} t/day ({parts}); raise "
            f"{which if limit is not None else 'the capacity options'}, add candidates, "
            "unlock closed sites or allow direct landfill")


def _check_single_reach(data: _Data) -> None:
    """Points that can reach only one complex must fit into it."""
    only: dict[int, list[int]] = {}
    for i in range(len(data.points)):
        reach = np.flatnonzero(data.allowed_x[i])
        if len(reach) == 1 and not data.allowed_z[i].any():
            only.setdefault(int(reach[0]), []).append(i)
    for j, rows in only.items():
        load = float(data.W[rows].sum())
        cap = data.cands[j].max_capacity_t_per_day
        if load > cap + 1e-6:
            raise InfeasibleError(
                f"{len(rows)} point(s) ({_fmt_ids([data.points[i] for i in rows])}) can only "
                f"reach complex {data.cands[j].id!r} within the travel limit; their "
                f"{load:,.1f} t/day exceed its largest option of {cap:,.1f} t/day; raise "
                "max_travel_minutes or add a larger capacity option")


def _check_disposal(scenario: Scenario, data: _Data, opts: SitingOptions) -> None:
    """Landfills must take what recyclers cannot; the minimum diversion must be possible."""
    total = float(data.W.sum())
    best = max_diversion_t_per_day(scenario, candidates=data.cands,
                                   open_candidate_recyclers=opts.open_candidate_recyclers)
    if all(c is not None for c in data.lf_cap):
        lf_total = float(sum(c for c in data.lf_cap if c is not None))
        if total - best > lf_total + 1e-6:
            raise InfeasibleError(
                f"at least {total - best:,.1f} t/day must be landfilled (total waste "
                f"{total:,.1f} t/day minus at most {best:,.1f} t/day deliverable to "
                f"recyclers), but the landfills take only {lf_total:,.1f} t/day; add "
                "landfill capacity or recycler capacity")
    min_diversion = opts.min_diversion
    if min_diversion is not None and min_diversion * total > best + 1e-6:
        raise InfeasibleError(
            f"min_diversion {min_diversion:.1%} needs {min_diversion * total:,.1f} t/day "
            f"delivered to recyclers, but at most {best:,.1f} t/day "
            f"({best / total:.1%} of {total:,.1f} t/day) can be: recovery rates x waste per "
            "stream, limited by the capacity of recyclers accepting each stream; lower "
            "min_diversion, add recycler capacity"
            + ("" if opts.open_candidate_recyclers else " or open candidate recyclers"))


def _termination_status(result: mathopt.SolveResult) -> str:
    reason = result.termination.reason
    if reason == mathopt.TerminationReason.OPTIMAL:
        return "optimal"
    if reason == mathopt.TerminationReason.FEASIBLE:
        return "feasible"
    return reason.name.lower()


def site(scenario: Scenario, matrices: TravelMatrices, *, time_limit: float = 60.0,
         seed: int = 0, options: SitingOptions | None = None,
         backend: str = DEFAULT_BACKEND, complexes: int | None = None,
         max_complexes: int | None = None, min_diversion: float | None = None,
         max_travel_minutes: float | None = None, locked_open: Iterable[str] = (),
         locked_closed: Iterable[str] = (), allow_direct_landfill: bool = False,
         open_candidate_recyclers: bool = False,
         collection: CollectionCostParams | None = None, method: str = "two-phase",
         relative_gap: float = 1e-4, threads: int | None = None,
         workers: int | None = 1) -> SitingResult:
    """Site sorting complexes and route the feedstock (see the module docstring).

    Parameters
    ----------
    scenario
        The scenario.
    matrices
        Travel matrices covering every point, complex, recycler and landfill.
    time_limit
        Wall-clock seconds for the whole call: preparing and building the model count,
        the solver gets what is left (at least 0.5 s).
    seed
        Random seed of the solver.
    options
        What may be decided and how (see :class:`SitingOptions`). When given it replaces
        the keywords below, which are kept for existing callers and mean the same fields.
    backend, complexes, max_complexes, min_diversion, max_travel_minutes
        The fields of :class:`SitingOptions` of the same names, used when ``options`` is
        ``None`` (as are ``locked_open``, ``locked_closed``, ``allow_direct_landfill``,
        ``open_candidate_recyclers``, ``collection``, ``method``, ``relative_gap``,
        ``threads`` and ``workers``).

    Returns
    -------
    SitingResult
        Decisions, cost breakdown (recomputed from the decisions), solver figures.

    Raises
    ------
    InfeasibleError
        With the cause and the option to change, when the options cannot be met.
    SolverError
        When the solver finds no solution in the time limit or fails.
    """
    if options is None:
        options = SitingOptions(
            complexes=complexes, max_complexes=max_complexes, min_diversion=min_diversion,
            max_travel_minutes=max_travel_minutes, locked_open=tuple(locked_open),
            locked_closed=tuple(locked_closed), allow_direct_landfill=allow_direct_landfill,
            open_candidate_recyclers=open_candidate_recyclers, collection=collection,
            method=method, backend=backend, relative_gap=relative_gap, threads=threads,
            workers=workers)
    _check_against(scenario, time_limit, options)
    budget = Budget(float(time_limit))  # one budget: the model build counts as well
    workers = _workers(scenario, options)
    if workers > 1 and _pairs(scenario) <= SMALL_PAIRS:
        return _site_race(scenario, matrices, budget, seed,
                          replace(options, workers=workers))
    params = options.collection if options.collection is not None \
        else CollectionCostParams.from_scenario(scenario)
    data = _prepare(scenario, matrices, options, params)
    _precheck(scenario, data, options)
    built = _build(scenario, data, options)
    start = time.perf_counter()
    run = _Solver(built, scenario.name, options, seed)
    res, bound = _solve(run, built, data, options, start + max(0.5, budget.left()))
    if not res.has_primal_feasible_solution():
        raise SolverError(
            f"{options.backend} found no feasible siting for {scenario.name!r} within "
            f"{time_limit:g} s (termination: {res.termination.reason.name.lower()}, "
            f"{res.termination.detail}); raise time_limit or try another backend")
    seconds = time.perf_counter() - start
    return _extract(scenario, matrices, data, built, res, seconds=seconds,
                    backend=options.backend,
                    options=_recorded(options, params, time_limit), bound=bound,
                    relative_gap=options.relative_gap)


def _pairs(scenario: Scenario) -> int:
    return len(scenario.collection_points) * len(scenario.complex_candidates)


def _workers(scenario: Scenario, opts: SitingOptions) -> int:
    """``opts.workers``, or for ``None`` the *auto* choice (see :class:`SitingOptions`)."""
    if opts.workers is not None:
        return opts.workers
    small = RACE_MIN_PAIRS <= _pairs(scenario) <= SMALL_PAIRS \
        and opts.backend == DEFAULT_BACKEND \
        and opts.method == METHODS[0]
    return 2 if small and (os.cpu_count() or 1) >= 2 \
        and not multiprocessing.current_process().daemon else 1


def _site_job(scenario_data: dict[str, Any], matrices: TravelMatrices, until: float,
              seed: int, options: SitingOptions) -> dict[str, Any]:
    """One run of :func:`_site_race`, in a spawned process (scenarios do not pickle),
    ending by ``until`` (``time.time()``: process start-up counts too)."""
    return site(Scenario.from_dict(scenario_data), matrices,
                time_limit=max(0.5, until - time.time()), seed=seed,
                options=options).to_dict()


def _site_race(scenario: Scenario, matrices: TravelMatrices, budget: Budget, seed: int,
               options: SitingOptions) -> SitingResult:
    """``options.workers`` backend/method variants in parallel (:func:`race`), all
    within ``budget``."""
    data = scenario.to_dict()
    until = time.time() + budget.left()
    runs = [(f"{backend}/{method}",
             (data, matrices, until, seed,
              replace(options, backend=backend, method=method, workers=1)))
            for backend, method in VARIANTS[:options.workers]]
    answers, seconds = race(_site_job, runs, time_limit=max(0.5, budget.left()),
                            relative_gap=options.relative_gap)
    return combine(answers, options.relative_gap, seconds)


def _recorded(opts: SitingOptions, params: CollectionCostParams,
              time_limit: float) -> dict[str, Any]:
    """The options as the result records them (the validator reads them back)."""
    return {
        "complexes": opts.complexes, "max_complexes": opts.max_complexes,
        "min_diversion": opts.min_diversion, "max_travel_minutes": opts.max_travel_minutes,
        "locked_open": sorted(set(opts.locked_open)),
        "locked_closed": sorted(set(opts.locked_closed)),
        "allow_direct_landfill": opts.allow_direct_landfill,
        "open_candidate_recyclers": opts.open_candidate_recyclers,
        "collection": params.as_dict(), "time_limit": time_limit,
        "relative_gap": opts.relative_gap, "method": opts.method,
    }


@dataclass
class _Solver:
    """Solves the built model with the run's backend, seed and threads."""

    built: _Built
    scenario_name: str
    opts: SitingOptions
    seed: int

    def __call__(self, seconds: float, gap: float | None = None,
                 hint: Mapping[mathopt.Variable, float] | None = None) -> mathopt.SolveResult:
        backend = self.opts.backend
        prm = mathopt.SolveParameters(
            time_limit=datetime.timedelta(seconds=max(0.5, seconds)),
            relative_gap_tolerance=self.opts.relative_gap if gap is None else gap,
            threads=self.opts.threads, random_seed=self.seed)
        model_prm = mathopt.ModelSolveParameters(
            solution_hints=[mathopt.SolutionHint(variable_values=dict(hint))] if hint else [])
        try:
            res = mathopt.solve(self.built.model, BACKENDS[backend], params=prm,
                                model_params=model_prm)
        except Exception as exc:
            raise SolverError(f"{backend} failed on scenario {self.scenario_name!r}: {exc}") \
                from exc
        if res.termination.reason in (mathopt.TerminationReason.INFEASIBLE,
                                      mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED):
            raise InfeasibleError(
                f"{backend} proved scenario {self.scenario_name!r} infeasible although the "
                "aggregate checks pass (total capacity, reachability, landfill room, "
                "diversion bound). Likely causes: single sourcing cannot pack the points "
                "into the capacity options, or the travel limit ties too many points to one "
                "complex. Try raising complexes/max_complexes, larger capacity options, a "
                "higher max_travel_minutes, a lower min_diversion or "
                "allow_direct_landfill=True")
        return res


def _solve(run: _Solver, built: _Built, data: _Data, opts: SitingOptions, deadline: float
           ) -> tuple[mathopt.SolveResult, float | None]:
    """The solution by ``opts.method`` and its dual bound (``None``: the solver's)."""
    bound: float | None = None
    res: mathopt.SolveResult | None = None
    relative_gap = opts.relative_gap
    if opts.method == "two-phase":
        bound, res = _two_phase(built, data, run, deadline, relative_gap)
        left = deadline - time.perf_counter()
        if (res is not None and bound is not None and left > 1.0
                and _gap(res.objective_value(), bound) > relative_gap):
            # phase 3: the full MIP from the two-phase solution, in the time left
            full = run(left, hint=res.variable_values())
            if full.has_primal_feasible_solution() \
                    and full.objective_value() < res.objective_value():
                res = full
            bound = max(bound, float(full.termination.objective_bounds.dual_bound))
    if res is None:
        res = run(deadline - time.perf_counter())
    return res, bound


def _gap(objective: float, bound: float) -> float:
    """``(objective - bound) / max(|objective|, 1)``, infinite without a finite bound."""
    if not math.isfinite(bound):
        return math.inf
    return max(0.0, objective - bound) / max(abs(objective), 1.0)


def _two_phase(built: _Built, data: _Data, run: Any, deadline: float, relative_gap: float
               ) -> tuple[float | None, mathopt.SolveResult | None]:
    """Multi-source relaxation for the sites, then single-source assignment for them.

    Phase 1 relaxes the assignment variables to ``[0, 1]`` (multi-source) and solves for
    the sites with 70% of the time and half the gap tolerance (the other half is left for
    what single sourcing loses); its dual bound is a valid lower bound of the full
    problem. Phase 2 fixes the sites (and opened recyclers) and solves the single-source
    assignment, first near phase 1's (:func:`_round_assignment`), then with every point
    free when that is not within the gap. Returns ``(bound, result)``, or
    ``(None, None)`` when the full MIP should be solved instead (phase 1 found no
    solution, or the phase-2 assignment is infeasible for the chosen sites).
    """
    assign = [*built.x.values(), *built.z.values()]
    sites = [*built.y.values(), *built.e.values()]
    for var in assign:
        var.integer = False
    try:
        res1 = run(0.7 * (deadline - time.perf_counter()), relative_gap / 2)
    finally:
        for var in assign:
            var.integer = True
    if not res1.has_primal_feasible_solution():
        return None, None
    bound = float(res1.termination.objective_bounds.dual_bound)
    values = res1.variable_values(sites)
    for var, value in zip(sites, values, strict=True):
        var.lower_bound = var.upper_bound = float(round(value))
    try:
        res2 = _round_assignment(built, data, res1, run, deadline, bound, relative_gap)
        try:
            if res2 is None or _gap(res2.objective_value(), bound) > relative_gap:
                res2 = _better(res2, run(deadline - time.perf_counter(), hint=None
                                         if res2 is None else res2.variable_values()))
        except InfeasibleError:
            pass
        if res2 is not None and not res2.has_primal_feasible_solution():
            # No assignment found in time (a busy machine, a hard packing): fix a greedy
            # single-source assignment and solve what is left (the flows) as an LP.
            res2 = _greedy_assignment(built, data, run, deadline)
    finally:
        for var in sites:
            var.lower_bound, var.upper_bound = 0.0, 1.0
    if res2 is None or not res2.has_primal_feasible_solution():
        return None, None
    return bound, res2


_FREE_SHARES = (0.0, 0.03, 0.15)
"""Shares of the points (cheapest to move first) re-assigned with phase 1's split points
by :func:`_round_assignment`, one solve each, until one is within the gap."""


def _better(a: mathopt.SolveResult | None, b: mathopt.SolveResult) -> mathopt.SolveResult:
    """The cheaper of two results (``b`` when ``a`` is ``None`` or infeasible)."""
    if a is None or not a.has_primal_feasible_solution():
        return b
    if b.has_primal_feasible_solution() and b.objective_value() < a.objective_value():
        return b
    return a


def _point_vars(built: _Built) -> dict[int, list[tuple[mathopt.Variable, int]]]:
    """Assignment variables of each point with their facility (complex ``j`` or landfill
    ``-1 - q``)."""
    out: dict[int, list[tuple[mathopt.Variable, int]]] = {}
    for (i, j), var in built.x.items():
        out.setdefault(i, []).append((var, j))
    for (i, q), var in built.z.items():
        out.setdefault(i, []).append((var, -1 - q))
    return out


def _round_assignment(built: _Built, data: _Data, res1: mathopt.SolveResult, run: Any,
                      deadline: float, bound: float, relative_gap: float
                      ) -> mathopt.SolveResult | None:
    """Phase 2 near phase 1: keep the points phase 1 served whole where they are and
    re-assign only the few it split (a vertex of the relaxation splits about as many
    points as there are tight rows), then also the points cheapest to move
    (:data:`_FREE_SHARES`), with the sites fixed. Stops at the first solution within
    ``relative_gap`` of ``bound``; returns the best found, or ``None``.

    On tight capacities the plain phase 2 (every point free) often finds only poor
    packings in the time; here each solve is a small MIP.
    """
    per_point = _point_vars(built)
    value = dict(zip(built.x.values(), res1.variable_values(list(built.x.values())),
                     strict=True))
    value.update(zip(built.z.values(), res1.variable_values(list(built.z.values())),
                     strict=True))
    opened = {j for (j, _), var in built.y.items() if var.lower_bound > 0.5}
    cost = _assignment_costs(data)
    whole: dict[int, mathopt.Variable] = {}
    regret: dict[int, float] = {}
    for i, pairs in per_point.items():
        top = max(pairs, key=lambda vk: value[vk[0]])
        if value[top[0]] > 1 - 1e-6:
            whole[i] = top[0]
            here = cost(i, top[1])
            regret[i] = min((cost(i, k) - here for _, k in pairs
                             if k != top[1] and (k < 0 or k in opened)), default=math.inf)
    movable = sorted(regret, key=regret.__getitem__)
    best: mathopt.SolveResult | None = None
    try:
        for stage, share in enumerate(_FREE_SHARES):
            free = set(movable[:round(share * len(data.points))])
            for i, pairs in per_point.items():
                for var, _ in pairs:
                    kept = i in whole and i not in free
                    var.lower_bound = float(kept and var is whole[i])
                    var.upper_bound = 0.0 if kept and var is not whole[i] else 1.0
            left = deadline - time.perf_counter()
            try:  # the last, largest neighbourhood gets most of the time
                res = run(left * (0.8 if stage == len(_FREE_SHARES) - 1 else 0.4))
            except InfeasibleError:
                continue
            best = _better(best, res) if res.has_primal_feasible_solution() else best
            if best is not None and _gap(best.objective_value(), bound) <= relative_gap:
                break
    finally:
        for pairs in per_point.values():
            for var, _ in pairs:
                var.lower_bound, var.upper_bound = 0.0, 1.0
    return best


def _assignment_costs(data: _Data) -> Any:
    """``cost(i, k)``: daily cost of serving point ``i`` at facility ``k`` (complex
    ``k >= 0`` with its sorting cost, landfill ``-1 - k`` with its fee)."""
    sigma = np.array([c.variable_cost_per_tonne for c in data.cands])

    def cost(i: int, k: int) -> float:
        if k >= 0:
            return float(data.c_x[i, k] + sigma[k] * data.W[i])
        return float(data.c_z[i, -1 - k] + data.lf_fee[-1 - k] * data.W[i])
    return cost


def _greedy_assignment(built: _Built, data: _Data, run: Any, deadline: float
                       ) -> mathopt.SolveResult | None:
    """With the sites fixed, assign points (heaviest first) to the cheapest open complex
    with room left, else an allowed landfill; fix that and solve the flows.

    Returns ``None`` when some point fits nowhere (the caller then solves the full MIP).
    """
    room = np.zeros(len(data.cands))
    for (j, o), var in built.y.items():
        if var.lower_bound > 0.5:
            room[j] += data.cands[j].capacity_options[o].capacity_t_per_day
    cost = data.c_x + np.array([c.variable_cost_per_tonne for c in data.cands])[None, :] \
        * data.W[:, None]
    fixed: dict[mathopt.Variable, float] = {}
    for i in np.argsort(-data.W, kind="stable"):
        options = [j for j in np.argsort(cost[i], kind="stable")
                   if (i, j) in built.x and room[j] >= data.W[i] - 1e-9]
        if options:
            room[options[0]] -= data.W[i]
            fixed[built.x[i, options[0]]] = 1.0
        else:
            direct = [q for q in range(len(data.landfills)) if (i, q) in built.z]
            if not direct:
                return None
            fixed[built.z[i, direct[0]]] = 1.0
    assign = [*built.x.values(), *built.z.values()]
    for var in assign:
        var.lower_bound = var.upper_bound = fixed.get(var, 0.0)
    try:
        return cast(mathopt.SolveResult, run(max(0.5, deadline - time.perf_counter())))
    except InfeasibleError:
        return None
    finally:
        for var in assign:
            var.lower_bound, var.upper_bound = 0.0, 1.0


@dataclass
class _Built:
    model: mathopt.Model
    y: dict[tuple[int, int], mathopt.Variable]
    x: dict[tuple[int, int], mathopt.Variable]
    z: dict[tuple[int, int], mathopt.Variable]
    u: dict[tuple[int, int, int], mathopt.Variable]
    v: dict[tuple[int, int], mathopt.Variable]
    e: dict[int, mathopt.Variable]


def _build(scenario: Scenario, data: _Data, opts: SitingOptions) -> _Built:
    """The siting MIP (see the module docstring); rows in a fixed order."""
    built = _variables(scenario, data)
    x_of_i: dict[int, list[Any]] = {}
    x_of_j: dict[int, list[tuple[int, mathopt.Variable]]] = {}
    for (i, j), var in built.x.items():
        x_of_i.setdefault(i, []).append(var)
        x_of_j.setdefault(j, []).append((i, var))
    z_of_i: dict[int, list[Any]] = {}
    z_of_l: dict[int, list[tuple[int, mathopt.Variable]]] = {}
    for (i, q), var in built.z.items():
        z_of_i.setdefault(i, []).append(var)
        z_of_l.setdefault(q, []).append((i, var))
    for i in range(len(data.points)):
        built.model.add_linear_constraint(
            mathopt.fast_sum(x_of_i.get(i, []) + z_of_i.get(i, [])) == 1,
            name=f"assign[{data.points[i]}]")
    locked_open = set(opts.locked_open)
    for j in range(len(data.cands)):
        _complex_rows(built, data, j, x_of_j.get(j, []), locked_open)
    _outlet_rows(built, data, z_of_l)
    _global_rows(built, data, opts)
    built.model.minimize(_objective(scenario, data, built))
    return built


def _variables(scenario: Scenario, data: _Data) -> _Built:
    """The model with its variables ``y, x, z, u, v, e`` (see the module docstring)."""
    recyclable = {s.name for s in scenario.streams if s.recyclable}
    m = mathopt.Model(name=f"siting-{scenario.name}")
    y = {(j, o): m.add_binary_variable(name=f"y[{c.id},{o}]")
         for j, c in enumerate(data.cands) for o in range(len(c.capacity_options))}
    x = {(i, j): m.add_binary_variable(name=f"x[{data.points[i]},{data.cands[j].id}]")
         for i, j in zip(*np.nonzero(data.allowed_x), strict=True)}
    z = {(i, q): m.add_binary_variable(name=f"z[{data.points[i]},{data.landfills[q]}]")
         for i, q in zip(*np.nonzero(data.allowed_z), strict=True)}
    u = {}
    for j, c in enumerate(data.cands):
        for s, name in enumerate(data.streams):
            if name not in recyclable or c.recovery_rate.get(name, 0.0) <= 0:
                continue
            for r, rec in enumerate(data.recyclers):
                if (name in rec.price_per_tonne and rec.capacity_t_per_day > 0
                        and math.isfinite(data.km_jr[j, r])):
                    u[j, s, r] = m.add_variable(lb=0.0, name=f"u[{c.id},{name},{rec.id}]")
    J, L = len(data.cands), len(data.landfills)
    v = {(j, q): m.add_variable(lb=0.0, name=f"v[{data.cands[j].id},{data.landfills[q]}]")
         for j in range(J) for q in range(L) if math.isfinite(data.km_jl[j, q])}
    e = {r: m.add_binary_variable(name=f"e[{rec.id}]")
         for r, rec in enumerate(data.recyclers) if not rec.existing}
    return _Built(m, y, x, z, u, v, e)


def _complex_rows(built: _Built, data: _Data, j: int,
                  assigned: list[tuple[int, mathopt.Variable]], locked_open: set[str]) -> None:
    """Complex ``j``: one option (or locked open), links, capacity, recovery, balance."""
    m, y, u, v, c = built.model, built.y, built.u, built.v, data.cands[j]
    opened = mathopt.fast_sum(y[j, o] for o in range(len(c.capacity_options)))
    if c.id in locked_open:
        m.add_linear_constraint(opened == 1, name=f"locked_open[{c.id}]")
    else:
        m.add_linear_constraint(opened <= 1, name=f"one_option[{c.id}]")
    for i, var in assigned:
        m.add_linear_constraint(var - opened <= 0, name=f"link[{data.points[i]},{c.id}]")
    cap = mathopt.fast_sum(o.capacity_t_per_day * y[j, k]
                           for k, o in enumerate(c.capacity_options))
    inflow = mathopt.fast_sum(data.W[i] * var for i, var in assigned)
    m.add_linear_constraint(inflow - cap <= 0, name=f"capacity[{c.id}]")
    for s, name in enumerate(data.streams):
        sold = [u[j, s, r] for r in range(len(data.recyclers)) if (j, s, r) in u]
        if sold:
            rho = c.recovery_rate.get(name, 0.0)
            recovered = mathopt.fast_sum(rho * data.w[i, s] * var for i, var in assigned)
            m.add_linear_constraint(mathopt.fast_sum(sold) - recovered <= 0,
                                    name=f"recovery[{c.id},{name}]")
    out = [val for (jj, _, _), val in u.items() if jj == j]
    out += [v[j, q] for q in range(len(data.landfills)) if (j, q) in v]
    m.add_linear_constraint(mathopt.fast_sum(out) - inflow == 0, name=f"balance[{c.id}]")


def _outlet_rows(built: _Built, data: _Data,
                 z_of_l: Mapping[int, list[tuple[int, mathopt.Variable]]]) -> None:
    """Recycler capacities (candidates only when opened) and landfill capacities."""
    m, u, v, e = built.model, built.u, built.v, built.e
    for r, rec in enumerate(data.recyclers):
        intake = [val for (_, _, rr), val in u.items() if rr == r]
        if not intake:
            continue
        cap_r = rec.capacity_t_per_day * e[r] if r in e else rec.capacity_t_per_day
        m.add_linear_constraint(mathopt.fast_sum(intake) - cap_r <= 0,
                                name=f"recycler[{rec.id}]")
    J = len(data.cands)
    for q, cap_l in enumerate(data.lf_cap):
        if cap_l is not None:
            load = mathopt.fast_sum([v[j, q] for j in range(J) if (j, q) in v]
                                    + [data.W[i] * var for i, var in z_of_l.get(q, [])])
            m.add_linear_constraint(load <= cap_l, name=f"landfill[{data.landfills[q]}]")


def _global_rows(built: _Built, data: _Data, opts: SitingOptions) -> None:
    """Minimum diversion, the capacity cover and the number of complexes."""
    m, y = built.model, built.y
    if opts.min_diversion is not None and opts.min_diversion > 0:
        m.add_linear_constraint(mathopt.fast_sum(built.u.values())
                                >= opts.min_diversion * float(data.W.sum()), name="diversion")
    # aggregate capacity cover (implied by the rows above, but it lets the solvers derive
    # knapsack cover cuts on the site variables: the LP bound improves dramatically)
    m.add_linear_constraint(
        mathopt.fast_sum([data.cands[j].capacity_options[o].capacity_t_per_day * var
                          for (j, o), var in y.items()]
                         + [data.W[i] * var for (i, _), var in built.z.items()])
        >= float(data.W.sum()), name="cover")
    n_open = mathopt.fast_sum(y.values())
    if not built.z:  # cardinality cut: the fewest complexes whose largest options hold all
        largest = np.array([max((o.capacity_t_per_day for o in c.capacity_options),
                                default=0.0) for c in data.cands])
        least = fewest_facilities(largest, float(data.W.sum())) if len(largest) else 0
        if least > 1:
            m.add_linear_constraint(n_open >= least, name="fewest_complexes")
    if opts.complexes is not None:
        m.add_linear_constraint(n_open == opts.complexes, name="complexes")
    elif opts.max_complexes is not None:
        m.add_linear_constraint(n_open <= opts.max_complexes, name="max_complexes")


def _objective(scenario: Scenario, data: _Data, built: _Built) -> Any:
    """Annual fixed and opening costs plus working days x the daily costs and revenue."""
    days = scenario.parameters.working_days_per_year
    tau = scenario.parameters.transfer_cost_per_tonne_km
    terms: list[Any] = []
    for (j, o), var in built.y.items():
        terms.append(data.cands[j].capacity_options[o].annual_fixed_cost * var)
    for r, var in built.e.items():
        terms.append(data.recyclers[r].opening_cost * var)
    for (i, j), var in built.x.items():
        terms.append(days * (data.c_x[i, j]
                             + data.cands[j].variable_cost_per_tonne * data.W[i]) * var)
    for (i, q), var in built.z.items():
        terms.append(days * (data.c_z[i, q] + data.lf_fee[q] * data.W[i]) * var)
    for (j, s, r), var in built.u.items():
        price = data.recyclers[r].price_per_tonne[data.streams[s]]
        terms.append(days * (tau * data.km_jr[j, r] - price) * var)
    for (j, q), var in built.v.items():
        terms.append(days * (tau * data.km_jl[j, q] + data.lf_fee[q]) * var)
    return mathopt.fast_sum(terms)


@dataclass
class _Sums:
    """Money read off a solution: daily amounts except the annual ``fixed`` and
    ``opening``."""

    fixed: float = 0.0
    collection: float = 0.0
    sorting: float = 0.0
    landfill: float = 0.0
    transport: float = 0.0
    revenue: float = 0.0
    opening: float = 0.0

    def costs(self, days: float) -> CostBreakdown:
        return CostBreakdown(fixed=self.fixed, collection=days * self.collection,
                             transport=days * self.transport, sorting=days * self.sorting,
                             landfill=days * self.landfill, revenue=days * self.revenue,
                             recycler_opening=self.opening)


def _extract(scenario: Scenario, matrices: TravelMatrices, data: _Data, built: _Built,
             res: mathopt.SolveResult, *, seconds: float, backend: str,
             options: Mapping[str, Any], bound: float | None,
             relative_gap: float) -> SitingResult:
    """The solution as a :class:`SitingResult`, costs recomputed from the decisions."""
    val = res.variable_values()
    sums = _Sums()
    assignment, members = _read_assignment(data, built, val, sums)
    open_complexes = _read_open_complexes(data, built, val, members, sums)
    tau = scenario.parameters.transfer_cost_per_tonne_km
    flows, residues, sold = _read_flows(data, built, val, tau, sums)
    recyclable = {s.name for s in scenario.streams if s.recyclable}
    unplaced = _unplaced(data, members, sold, recyclable)
    opened_rec = []
    for r, var in built.e.items():
        if val[var] > 0.5:
            opened_rec.append(data.recyclers[r].id)
            sums.opening += data.recyclers[r].opening_cost
    objective = float(res.objective_value())
    status = _termination_status(res)
    if bound is None:
        bound = float(res.termination.objective_bounds.dual_bound)
    gap = _gap(objective, bound)
    if options.get("method") == "two-phase":
        # the bound comes from the relaxation: optimal means proven within the tolerance
        status = "optimal" if gap <= relative_gap * (1 + 1e-9) else "feasible"
    delivered = float(sum(f.tonnes_per_day for f in flows))
    return SitingResult(
        scenario=scenario.name, open_complexes=tuple(open_complexes),
        assignment={p: assignment[p] for p in data.points if p in assignment},
        flows=tuple(flows), residues=tuple(residues), opened_recyclers=tuple(opened_rec),
        costs=sums.costs(scenario.parameters.working_days_per_year),
        diversion_rate=delivered / float(data.W.sum()),
        status=status, objective=objective, bound=bound, gap=gap,
        solve_seconds=seconds, backend=backend, approximate=matrices.approximate,
        matrices_source=matrices.source, options=dict(options),
        unplaced_t_per_day={s: t for s, t in unplaced.items() if s in recyclable},
        currency=scenario.parameters.currency)


def _read_assignment(data: _Data, built: _Built, val: Mapping[mathopt.Variable, float],
                     sums: _Sums) -> tuple[dict[str, str], dict[int, list[int]]]:
    """Point -> facility, and complex -> its points; books collection, sorting, fees."""
    assignment: dict[str, str] = {}
    members: dict[int, list[int]] = {}
    for (i, j), var in built.x.items():
        if val[var] > 0.5:
            assignment[data.points[i]] = data.cands[j].id
            members.setdefault(j, []).append(i)
            sums.collection += data.c_x[i, j]
            sums.sorting += data.cands[j].variable_cost_per_tonne * data.W[i]
    for (i, q), var in built.z.items():
        if val[var] > 0.5:
            assignment[data.points[i]] = data.landfills[q]
            sums.collection += data.c_z[i, q]
            sums.landfill += data.lf_fee[q] * data.W[i]
    return assignment, members


def _read_open_complexes(data: _Data, built: _Built, val: Mapping[mathopt.Variable, float],
                         members: Mapping[int, list[int]], sums: _Sums) -> list[OpenComplex]:
    """The open complexes with their option and inflow; books the fixed costs."""
    open_complexes = []
    for (j, o), var in sorted(built.y.items()):
        if val[var] > 0.5:
            c = data.cands[j]
            opt = c.capacity_options[o]
            rows = members.get(j, [])
            inflow = {s: float(data.w[rows, k].sum()) for k, s in enumerate(data.streams)}
            open_complexes.append(OpenComplex(c.id, o, opt.capacity_t_per_day,
                                              opt.annual_fixed_cost, inflow))
            sums.fixed += opt.annual_fixed_cost
    return open_complexes


def _read_flows(data: _Data, built: _Built, val: Mapping[mathopt.Variable, float],
                tau: float, sums: _Sums
                ) -> tuple[list[StreamFlow], list[ResidueFlow], np.ndarray]:
    """Recyclate and residue flows, and tonnes sold per complex and stream; books
    transport, revenue and landfill fees."""
    flows = []
    sold = np.zeros((len(data.cands), len(data.streams)))
    for (j, s, r), var in sorted(built.u.items()):
        t = float(val[var])
        if t > 1e-7:
            rec = data.recyclers[r]
            flows.append(StreamFlow(data.cands[j].id, rec.id, data.streams[s], t))
            sold[j, s] += t
            sums.transport += tau * data.km_jr[j, r] * t
            sums.revenue += rec.price_per_tonne[data.streams[s]] * t
    residues = []
    for (j, q), var in sorted(built.v.items()):
        t = float(val[var])
        if t > 1e-7:
            residues.append(ResidueFlow(data.cands[j].id, data.landfills[q], t))
            sums.transport += tau * data.km_jl[j, q] * t
            sums.landfill += data.lf_fee[q] * t
    return flows, residues, sold


def _unplaced(data: _Data, members: Mapping[int, list[int]], sold: np.ndarray,
              recyclable: set[str]) -> dict[str, float]:
    """Recovered but unsold tonnes per day, by stream."""
    unplaced = dict.fromkeys(data.streams, 0.0)
    for j, rows in members.items():
        c = data.cands[j]
        for k, name in enumerate(data.streams):
            if name in recyclable:
                rec_t = c.recovery_rate.get(name, 0.0) * float(data.w[rows, k].sum())
                unplaced[name] += max(0.0, rec_t - sold[j, k])
    return unplaced
