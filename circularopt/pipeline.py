"""The pipeline: from a city (or a scenario) to a validated plan in one call.

:func:`solve` runs the stages in one direction::

    scenario -> travel matrices -> diagnosis -> siting -> feedstock -> routing
    -> validation -> Plan

The diagnosis (:func:`circularopt.diagnose.require_feasible`) refuses a scenario that
cannot be planned, with the reasons and the figures, before the solvers spend the budget;
its warnings go to ``progress`` and ``plan.info["warnings"]``. ``plan.info`` also records
the seed, the solver settings, the versions (:func:`versions`) and the scenario's
SHA-256 (:func:`scenario_hash`).

One wall-clock budget (``time_limit``) is shared by the stages: siting gets a share of
what is left when it starts, routing gets the rest (less a small reserve for validation
and KPIs). Each stage reports its start and end through ``progress``. A Ctrl-C
(``KeyboardInterrupt``) stops the run at the current stage and returns the plan as far
as it got, marked ``complete=False``; the CLI saves it.

Caveat: without a road network the travel figures are the explicit offline
approximation (:func:`circularopt.matrices.approximate_matrices`); the plan and every
output say so.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from circularopt.diagnose import require_feasible
from circularopt.exceptions import CircularOptError, InputError
from circularopt.feedstock import FeedstockResult, assign_feedstock
from circularopt.matrices import TravelMatrices, approximate_matrices
from circularopt.plan import Plan, compute_kpis
from circularopt.routing.decompose import CityPlan, route_city
from circularopt.scenario import Scenario
from circularopt.siting.model import site
from circularopt.siting.result import SitingResult
from circularopt.siting.validate import validate_siting

__all__ = ["DEFAULT_TIME_LIMIT", "Budget", "compute_kpis", "load_scenario", "scenario_hash",
           "solve", "versions"]

DEFAULT_TIME_LIMIT = 180.0
"""Default wall-clock budget of :func:`solve`, seconds."""

SITING_SHARE = 0.3
"""Share of the remaining budget given to siting (routing gets the rest)."""

JOINT_SHARE = 0.5
"""Share of the budget left after siting that ``joint=True`` spends judging sitings."""

Progress = Callable[[str], None]


@dataclass
class Budget:
    """A wall-clock deadline shared by the stages.

    Parameters
    ----------
    seconds
        Total budget from creation.
    """

    seconds: float

    def __post_init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def elapsed(self) -> float:
        """Seconds since the budget started."""
        return time.perf_counter() - self.start

    @property
    def left(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.seconds - self.elapsed)


def load_scenario(source: Scenario | str | Path, *, size: int | None = None, seed: int = 0,
                  season: str | None = None) -> Scenario:
    """Return a scenario from a Scenario, a scenario JSON file or a city name.

    Parameters
    ----------
    source
        A :class:`Scenario`, a path to a scenario JSON file, or the name of a city spec
        (``bishkek``, ``osh``, ``issyk-kul``; see :func:`circularopt.cities.list_cities`).
    size, seed, season
        Passed to :func:`circularopt.cities.generate` for a city name; ``season`` defaults
        to ``summer`` for cities with seasons. Refused for a Scenario or a file.
    """
    from circularopt import cities

    if isinstance(source, Scenario):
        _no_generation_options(size, season, "a Scenario object")
        return source
    path = Path(source)
    if path.suffix.lower() == ".json" or path.is_file():
        _no_generation_options(size, season, f"the scenario file {path}")
        return Scenario.from_json(path)
    name = str(source)
    known = cities.list_cities()
    if name not in known:
        raise InputError("city or scenario", name,
                         f"a scenario JSON file or one of the cities {list(known)}")
    spec = cities.load_spec(name)
    if season is None and spec.seasons:
        season = "summer" if "summer" in spec.seasons else sorted(spec.seasons)[0]
    kwargs: dict[str, Any] = {"seed": seed, "season": season}
    if size is not None:
        kwargs["size"] = size
    return cities.generate(spec, **kwargs)


def _no_generation_options(size: int | None, season: str | None, what: str) -> None:
    if size is not None:
        raise InputError("size", size, f"no size for {what} (size applies to city names)")
    if season is not None:
        raise InputError("season", season,
                         f"no season for {what} (season applies to city names)")


def scenario_matrices(scenario: Scenario, network: Any = None, *,
                      max_snap_m: float | None = None) -> TravelMatrices:
    """Travel matrices over a scenario's locations.

    Parameters
    ----------
    scenario
        The scenario.
    network
        A road network file path or :class:`~circularopt.network.RoadNetwork`; ``None``
        gives the offline approximation (marked ``approximate``).
    max_snap_m
        Largest distance from a location to the road it is snapped to (see
        :func:`circularopt.matrices.road_matrices`).

    Returns
    -------
    TravelMatrices
        Seconds and metres between every pair of the scenario's locations.
    """
    if network is None:
        return approximate_matrices(scenario.locations())
    from circularopt.matrices import road_matrices
    from circularopt.network import RoadNetwork, load_network

    net = network if isinstance(network, RoadNetwork) else load_network(network)
    return road_matrices(net, scenario.locations(), max_snap_m=max_snap_m)


def solve(source: Scenario | str | Path, *, network: Any = None,
          season: str | None = None, size: int | None = None,
          complexes: int | None = None, engine: str = "pyvrp",
          time_limit: float = DEFAULT_TIME_LIMIT, seed: int = 0,
          backend: str | None = None, max_snap_m: float | None = None,
          workers: int | None = None, progress: Progress | None = None,
          engine_options: dict[str, Any] | None = None, joint: bool = False) -> Plan:
    """Plan a municipal cluster: siting, feedstock and routes, validated.

    Parameters
    ----------
    source
        City name, scenario JSON path or :class:`Scenario` (see :func:`load_scenario`).
    network
        Road network: a file path (OSM XML, PBF, GraphML) or a
        :class:`~circularopt.network.RoadNetwork`; ``None`` uses the offline approximation.
    season, size
        Generation options for a city name.
    complexes
        Exact number of sorting complexes to open; ``None`` lets the model choose.
    engine
        Routing engine, ``"pyvrp"`` or ``"ortools"``.
    time_limit
        Wall-clock budget in seconds for the whole run.
    seed
        Seed for the generator and the solvers; equal seeds give equal plans (given
        the same time budget and machine load for the time-limited searches).
    backend
        Siting MIP backend (default: the siting module's measured best).
    max_snap_m
        Snapping limit for road networks (metres).
    workers
        Parallel processes for routing (default: all cores).
    progress
        Called with one line of text per stage event.
    engine_options
        Options of the routing engine for every part, e.g. ``{"max_iterations": 2000}``
        for PyVRP: a search that stops on iterations before the time limit gives the same
        plan on any machine (see
        :func:`~circularopt.routing.engines.pyvrp_engine.solve_pyvrp`).
    joint
        Judge siting by routed cost (locate-route-improve): besides the siting model's
        choice, site with one complex fewer and one more (or, with ``complexes`` fixed,
        with each open complex closed in turn), route each with a short budget, keep the
        siting with the lowest annual cost with routed collection, then route it with the
        rest of the budget. ``plan.info["joint"]`` lists what was tried.

    Returns
    -------
    Plan
        With ``complete=False`` if interrupted (Ctrl-C) before the last stage.
    """
    if not (time_limit > 0 and math.isfinite(time_limit)):
        raise InputError("time_limit", time_limit, "a finite number of seconds > 0")
    say = progress or (lambda _msg: None)
    budget = Budget(float(time_limit))
    stage_seconds: dict[str, float] = {}
    info: dict[str, Any] = {"seed": seed, "engine": engine, "time_limit": time_limit,
                            "complexes": complexes, "backend": backend, "workers": workers,
                            "max_snap_m": max_snap_m, "engine_options": engine_options or {},
                            "versions": versions(),
                            "stage_seconds": stage_seconds}
    scenario: Scenario | None = None
    matrices: TravelMatrices | None = None
    siting: SitingResult | None = None
    feedstock: FeedstockResult | None = None
    city: CityPlan | None = None
    violations: list[str] = []
    stage = "scenario"

    def begin(name: str) -> float:
        nonlocal stage
        stage = name
        say(f"[{budget.elapsed:6.1f}s, {budget.left:6.1f}s left] {name} ...")
        return time.perf_counter()

    def end(name: str, t0: float, note: str = "") -> None:
        stage_seconds[name] = round(time.perf_counter() - t0, 3)
        say(f"[{budget.elapsed:6.1f}s, {budget.left:6.1f}s left] {name} done "
            f"in {stage_seconds[name]:.1f}s{': ' + note if note else ''}")

    try:
        t0 = begin("scenario")
        scenario = load_scenario(source, size=size, seed=seed, season=season)
        info["scenario_sha256"] = scenario_hash(scenario)
        end("scenario", t0, f"{len(scenario.collection_points)} points, "
            f"{scenario.total_tonnes_per_day:,.1f} t/day")

        t0 = begin("matrices")
        matrices = scenario_matrices(scenario, network, max_snap_m=max_snap_m)
        end("matrices", t0, ("APPROXIMATE: " if matrices.approximate else "")
            + matrices.source)

        t0 = begin("diagnose")
        info["warnings"] = list(require_feasible(scenario, matrices).warnings)
        for warning in info["warnings"]:
            say(f"warning: {warning}")
        end("diagnose", t0, f"{len(info['warnings'])} warning(s)")

        t0 = begin("siting")
        kw: dict[str, Any] = {"time_limit": max(1.0, SITING_SHARE * budget.left),
                              "complexes": complexes, "seed": seed}
        if backend is not None:
            kw["backend"] = backend
        siting = site(scenario, matrices, **kw)
        report = validate_siting(scenario, matrices, siting)
        violations += [f"siting: {v}" for v in report.violations]
        end("siting", t0, f"{len(siting.open_complexes)} complexes, status {siting.status}, "
            f"gap {100 * siting.gap:.2f}%")

        t0 = begin("feedstock")
        feedstock = assign_feedstock(
            scenario, matrices,
            {c.id: c.inflow_t_per_day for c in siting.open_complexes},
            open_recyclers=siting.opened_recyclers)
        end("feedstock", t0, f"{feedstock.delivered_t_per_day:,.1f} t/day to recyclers")

        if joint:
            t0 = begin("joint")
            siting, feedstock, trials = _judge_by_routes(
                scenario, matrices, siting, feedstock, complexes=complexes, backend=backend,
                engine=engine, seconds=JOINT_SHARE * budget.left, seed=seed,
                workers=workers, engine_options=engine_options, say=say)
            info["joint"] = trials
            violations = [f"siting: {v}" for v in
                          validate_siting(scenario, matrices, siting).violations]
            end("joint", t0, f"{len(trials)} siting(s) routed; kept "
                f"{len(siting.open_complexes)} complexes {list(siting.open_ids)}")

        t0 = begin("routing")
        city = route_city(scenario, matrices, assignment=siting.assignment, engine=engine,
                          time_limit=max(1.0, budget.left - 2.0), seed=seed,
                          workers=workers, progress=say, engine_options=engine_options)
        violations += [f"routing: {v}" for v in city.report.violations]
        info["vehicle_types"] = [_type_name(vt.name, [p.name for p in city.parts])
                                 for vt in city.problem.vehicle_types]
        end("routing", t0, f"{city.result.num_vehicles} routes, "
            f"{'valid' if city.report.ok else 'INVALID'}")
    except KeyboardInterrupt:
        say(f"interrupted during {stage}: keeping the plan as far as it got")
        info["interrupted_at"] = stage
        if scenario is None:
            raise
    assert scenario is not None
    complete = city is not None
    kpis = None
    if siting is not None and feedstock is not None and city is not None:
        kpis = compute_kpis(scenario, siting, feedstock, city.problem, city.result)
    info["seconds"] = round(budget.elapsed, 3)
    return Plan(
        scenario=scenario, siting=siting, feedstock=feedstock,
        routing=None if city is None else city.result, kpis=kpis,
        approximate=True if matrices is None else matrices.approximate,
        matrices_source="" if matrices is None else matrices.source,
        valid=complete and not violations, violations=tuple(violations),
        complete=complete, info=info)


def _judge_by_routes(scenario: Scenario, matrices: TravelMatrices, first: SitingResult,
                     first_feedstock: FeedstockResult, *, complexes: int | None,
                     backend: str | None, engine: str, seconds: float, seed: int,
                     workers: int | None, engine_options: dict[str, Any] | None,
                     say: Progress) -> tuple[SitingResult, FeedstockResult,
                                            list[dict[str, Any]]]:
    """Route the siting model's choice and its neighbours briefly; keep the cheapest."""
    t_end = time.perf_counter() + seconds
    n = len(first.open_complexes)
    if complexes is None:
        variants: list[dict[str, Any]] = [
            {"complexes": k} for k in (n - 1, n + 1)
            if 1 <= k <= len(scenario.complex_candidates)]
    else:
        variants = [{"complexes": complexes, "locked_closed": [c]} for c in first.open_ids]
    each = seconds / (len(variants) + 1)
    candidates: list[tuple[SitingResult, FeedstockResult, dict[str, Any]]] = [
        (first, first_feedstock, {"variant": "model's choice"})]
    for variant in variants:
        left = t_end - time.perf_counter()
        if left < 2.0:
            break
        kw: dict[str, Any] = {**variant, "time_limit": max(1.0, 0.3 * each), "seed": seed}
        if backend is not None:
            kw["backend"] = backend
        try:
            alt = site(scenario, matrices, **kw)
            fs = assign_feedstock(scenario, matrices,
                                  {c.id: c.inflow_t_per_day for c in alt.open_complexes},
                                  open_recyclers=alt.opened_recyclers)
        except CircularOptError as exc:
            say(f"joint: {variant} skipped: {exc}")
            continue
        candidates.append((alt, fs, {"variant": str(variant)}))
    trials = []
    best: tuple[float, SitingResult, FeedstockResult] | None = None
    for sit, fs, note in candidates:
        left = t_end - time.perf_counter()
        budget = max(1.0, min(left, seconds / len(candidates)))
        city = route_city(scenario, matrices, assignment=sit.assignment, engine=engine,
                          time_limit=budget, seed=seed, workers=workers,
                          engine_options=engine_options)
        cost = (compute_kpis(scenario, sit, fs, city.problem, city.result)
                .annual_cost["total"] if city.report.ok else math.inf)
        trials.append({**note, "open": list(sit.open_ids), "routed_annual_cost": cost,
                       "valid": city.report.ok, "seconds": round(budget, 1)})
        say(f"joint: {note['variant']}: {list(sit.open_ids)} -> annual cost {cost:,.0f}")
        if best is None or cost < best[0]:
            best = (cost, sit, fs)
    assert best is not None
    return best[1], best[2], trials


def versions() -> dict[str, str]:
    """Versions of Python, circularopt and the solvers (recorded in ``plan.info``)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for package in ("circularopt", "ortools", "pyvrp", "numpy"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "not installed"
    return out


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(scenario.to_dict(), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _type_name(merged: str, prefixes: list[str]) -> str:
    """The scenario's ``"<depot>/<type>"`` name of a stitched problem's vehicle type."""
    for prefix in prefixes:
        if merged.startswith(prefix + ":"):
            return merged[len(prefix) + 1:]
    return merged
