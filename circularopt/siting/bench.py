"""Benchmark runners for the facility location sets (``cflp``, ``sscflp``, ``tscflp``).

Each runner reads the set's instances with :mod:`circularopt.siting.readers`, solves them
with the chosen engine, checks every solution with :mod:`circularopt.siting.check` and
yields one :class:`~circularopt.bench.BenchRow` per instance. ``feasible`` and ``cost``
come from the independent checker.

Engines (``--engine``)
----------------------
``auto`` (default)
    Multi-source up to 20,000 facility-customer pairs: plain MIP (HiGHS); otherwise
    ``lagrangian``.
``highs``, ``scip``, ``cpsat``
    Plain MIP with that backend (:func:`~circularopt.siting.cflp.solve_mip`).
``lagrangian`` / ``lagrangian-scip``, ``lagrangian-cpsat``, ``lagrangian-highs``
    Lagrangian bound, repair heuristic and kernel MIP
    (:func:`~circularopt.siting.lagrangian.solve_lagrangian`), kernel backend as named
    (default SCIP for single source, HiGHS for multi-source). Small instances keep every
    facility in the kernel, then (if the kernel MIP has not finished in half the time)
    prove with a re-optimised bound, arc and facility fixing and a last MIP. Large
    multi-source ones (``capa/b/c``) solve a kernel of 15 facilities with 15% of the
    time, then prove the same way: every facility probing cannot close joins the last
    MIP, so its optimum is proven (give enough time: ``--time-limit 600``). Large
    single-source ones first run a kernel search on the multi-source relaxation, then a
    SCIP kernel of 20 facilities and the 6 cheapest arcs per customer (no proof).
``heuristic``
    Lagrangian bound and repair heuristic only.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from circularopt.bench import BenchOptions, BenchRow
from circularopt.exceptions import InputError
from circularopt.siting.cflp import (
    FacilityProblem,
    FacilityResult,
    TwoStageResult,
    solve_mip,
    solve_two_stage_mip,
)
from circularopt.siting.lagrangian import solve_lagrangian
from circularopt.siting.readers import (
    BenchInstance,
    cflp_instances,
    read_orlib_cflp,
    read_sscflp,
    read_tscflp,
    sscflp_instances,
    tscflp_instances,
)
from circularopt.siting.validate import validate_facility, validate_two_stage

__all__ = [
    "ENGINES",
    "run_cflp",
    "run_sscflp",
    "run_tscflp",
    "solution_json",
    "solve_facility",
]

ENGINES = ("auto", "highs", "scip", "cpsat", "lagrangian", "lagrangian-scip",
           "lagrangian-cpsat", "lagrangian-highs", "heuristic")
"""Engine names accepted by the CFLP and SSCFLP runners."""

_SMALL = 20_000
"""Facility-customer pairs up to which ``auto`` uses the plain MIP."""


def solve_facility(problem: FacilityProblem, *, engine: str = "auto", time_limit: float = 60.0,
                   seed: int = 0) -> FacilityResult:
    """Solve a CFLP/SSCFLP with a named engine (see the module docstring).

    Parameters
    ----------
    problem
        The problem.
    engine
        One of :data:`ENGINES`.
    time_limit
        Seconds.
    seed
        Random seed.

    Returns
    -------
    FacilityResult
        The solver's result (not yet checked).
    """
    if engine not in ENGINES:
        raise InputError("engine", engine, f"one of {list(ENGINES)}")
    if engine == "auto":
        engine = "highs" if problem.m * problem.n <= _SMALL and not problem.single_source \
            else "lagrangian"
    if engine in ("highs", "scip", "cpsat"):
        return solve_mip(problem, backend=engine, time_limit=time_limit, seed=seed)
    if engine == "heuristic":
        return solve_lagrangian(problem, time_limit=time_limit, seed=seed, backend="none")
    backend = engine.split("-")[1] if "-" in engine else (
        "scip" if problem.single_source else "highs")
    if problem.m * problem.n <= _SMALL:
        # small: every facility and every arc surviving the reduced-cost tests stays in
        # the kernel, so the kernel optimum is proven optimal
        return solve_lagrangian(problem, time_limit=time_limit, seed=seed, backend=backend,
                                max_kernel=problem.m, prove_share=0.5)
    if problem.single_source:
        return solve_lagrangian(problem, time_limit=time_limit, seed=seed, backend=backend,
                                max_kernel=20, arcs_per_customer=6, multi_source_share=0.4,
                                multi_source_kernel=12)
    return solve_lagrangian(problem, time_limit=time_limit, seed=seed, backend=backend,
                            max_kernel=15, prove_share=0.85)


def solution_json(instance: str, problem: FacilityProblem, result: FacilityResult
                  ) -> dict[str, Any]:
    """The solution as plain JSON data: open facilities and each customer's quantities."""
    customers = []
    for j in range(problem.n):
        served = np.flatnonzero(result.assignment[:, j] > 0)
        customers.append({"customer": j, "demand": float(problem.demand[j]),
                          "served_by": [{"facility": int(i),
                                         "share": float(result.assignment[i, j]),
                                         "quantity": float(result.assignment[i, j]
                                                           * problem.demand[j])}
                                        for i in served]})
    return {"instance": instance, "single_source": problem.single_source,
            "cost": result.cost, "status": result.status, "bound": result.bound,
            "method": result.method, "open_facilities": list(result.open_facilities),
            "assignment": customers}


def _select(instances: list[BenchInstance], options: BenchOptions) -> list[BenchInstance]:
    return [x for x in instances if options.selects(x.name)]


def _write(options: BenchOptions, instance: str, data: dict[str, Any]) -> None:
    if options.solutions is None:
        return
    path = Path(options.solutions) / (instance.replace("/", "_") + ".json")
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def _rows(options: BenchOptions, instances: list[BenchInstance],
          read: Callable[[BenchInstance, bool], FacilityProblem], single_source: bool,
          default_time: float) -> Iterator[BenchRow]:
    engine = options.engine or "auto"
    if engine not in ENGINES:
        raise InputError("--engine", engine, f"one of {list(ENGINES)}")
    for inst in _select(instances, options):
        problem = read(inst, single_source)
        limit = options.seconds_for(problem.n, default_time)
        start = time.monotonic()
        result = solve_facility(problem, engine=engine, time_limit=limit, seed=options.seed)
        seconds = time.monotonic() - start
        report = validate_facility(problem, result)
        if result.has_solution:
            _write(options, inst.name, solution_json(inst.name, problem, result))
        gap = result.gap
        yield BenchRow(inst.name, problem.n, inst.bks,
                       report.cost if result.has_solution else None, report.ok,
                       seconds, result.method,
                       extra={"m": problem.m, "status": result.status,
                              "bound": "" if result.bound is None else round(result.bound, 4),
                              "solver_gap_pct": "" if gap is None else round(100 * gap, 4),
                              "violations": "; ".join(report.violations[:3])})


def run_cflp(options: BenchOptions) -> Iterator[BenchRow]:
    """OR-Library CFLP (multi-source): ``--data`` is the folder holding ``BKS.csv``."""
    def read(inst: BenchInstance, single: bool) -> FacilityProblem:
        return read_orlib_cflp(inst.path, capacity=inst.capacity, single_source=single,
                               name=inst.name)
    yield from _rows(options, cflp_instances(options.data), read, False, 300.0)


def run_sscflp(options: BenchOptions) -> Iterator[BenchRow]:
    """Single-source CFLP: ``--data`` is the set folder (``Lib_*``) or one library."""
    def read(inst: BenchInstance, single: bool) -> FacilityProblem:
        return read_sscflp(inst.path, name=inst.name, single_source=single)
    yield from _rows(options, sscflp_instances(options.data), read, True, 60.0)


def _two_stage_json(instance: str, result: TwoStageResult) -> dict[str, Any]:
    u, w = result.plant_flow, result.satellite_flow
    return {"instance": instance, "cost": result.cost, "status": result.status,
            "bound": result.bound, "method": result.method,
            "open_plants": list(result.open_plants),
            "open_satellites": list(result.open_satellites),
            "plant_to_satellite": [{"plant": int(i), "satellite": int(j),
                                    "quantity": float(u[i, j])} for i, j in np.argwhere(u > 0)],
            "satellite_to_customer": [{"satellite": int(j), "customer": int(k),
                                       "quantity": float(w[j, k])}
                                      for j, k in np.argwhere(w > 0)]}


def run_tscflp(options: BenchOptions) -> Iterator[BenchRow]:
    """Two-stage CFLP of Fernandes et al.: ``--data`` is the folder holding ``BKS.csv``.

    Engines: ``highs`` (default) or ``scip``.
    """
    engine = options.engine or "highs"
    if engine not in ("highs", "scip"):
        raise InputError("--engine", engine, "'highs' or 'scip' for tscflp")
    for inst in _select(tscflp_instances(options.data), options):
        problem = read_tscflp(inst.path, name=inst.name)
        limit = options.seconds_for(problem.n, 60.0)
        start = time.monotonic()
        result = solve_two_stage_mip(problem, backend=engine, time_limit=limit,
                                     seed=options.seed)
        seconds = time.monotonic() - start
        report = validate_two_stage(problem, result)
        if result.plant_flow.size:
            _write(options, inst.name, _two_stage_json(inst.name, result))
        gap = result.gap
        yield BenchRow(inst.name, problem.n, inst.bks,
                       report.cost if result.plant_flow.size else None,
                       report.ok and result.plant_flow.size > 0, seconds, result.method,
                       extra={"status": result.status,
                              "bound": "" if result.bound is None else round(result.bound, 4),
                              "solver_gap_pct": "" if gap is None else round(100 * gap, 4),
                              "published_lb": "" if inst.lower_bound is None
                              else inst.lower_bound,
                              "violations": "; ".join(report.violations[:3])})
