"""Periodic VRP with intermediate facilities (``pvrpif``): reader, solution writer, runner.

The waste-collection set of Taverna & Tilk (2025, University of Udine; MIT licence):
GeoJSON with ``info`` (``numVehicles`` per day, ``maxDuration`` per route,
``maxCapacity``, ``planningHorizon`` ``H``), one feature per node (``id``, ``type``
``depot`` / ``customer`` / ``intermediateFacility``, ``frequency``, ``demand`` per visit,
``service`` minutes; the depot is id 0) and ``duration``, the asymmetric integer
travel-time matrix in id order. A customer of frequency ``f`` is visited on days
``{o, o + H/f, ...}`` for an offset ``o < H/f`` (``f = 1``: any single day). Routes start
at the depot, unload at either facility when needed and always before returning (they
end empty) and last at most ``maxDuration`` with service. Cost: the travel time over the
horizon (distance = duration here).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from circularopt.bench._core import (
    BenchOptions,
    BenchRow,
    bks_column,
    instance_files,
)
from circularopt.bench.pvrp import periodic_row
from circularopt.exceptions import InputError
from circularopt.routing.periodic import (
    Pattern,
    PeriodicProblem,
)
from circularopt.routing.problem import RoutingModel

__all__ = ["pvrpif_patterns", "read_pvrpif", "run_pvrpif"]


def pvrpif_patterns(frequency: int, days: int) -> tuple[Pattern, ...]:
    """Days of a customer visited ``frequency`` times in ``days``: every ``days /
    frequency`` days from each offset below that.

    Raises
    ------
    InputError
        ``frequency`` does not divide ``days``.
    """
    if not (isinstance(frequency, int) and 1 <= frequency <= days and days % frequency == 0):
        raise InputError("frequency", frequency, f"a divisor of the {days}-day horizon")
    step = days // frequency
    return tuple(tuple(range(o, days, step)) for o in range(step))


def _info(path: Path, data: Any) -> dict[str, Any]:
    try:
        info = data["info"]
        return {"vehicles": int(info["numVehicles"]), "duration": float(info["maxDuration"]),
                "capacity": float(info["maxCapacity"]), "days": int(info["planningHorizon"]),
                "features": [f["properties"] for f in data["features"]],
                "matrix": np.asarray(data["duration"], dtype=float)}
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(str(path), f"missing or bad {exc}",
                         "a PVRP-IF GeoJSON with info, features and duration") from None


def read_pvrpif(path: str | Path) -> PeriodicProblem:
    """Read a PVRP-IF GeoJSON instance (see the module docstring)."""
    path = Path(path)
    d = _info(path, json.loads(path.read_text(encoding="utf-8")))
    props = d["features"]
    ids = [str(p["id"]) for p in props]
    n = len(ids)
    if d["matrix"].shape != (n, n) or props[0]["type"] != "depot":
        raise InputError(f"{path}: duration", d["matrix"].shape,
                         f"a {n} x {n} matrix, and the depot first")
    model = RoutingModel(ids, d["matrix"], d["matrix"], name=path.stem,
                         convention="integer road travel times; cost = travel time")
    model.add_depot(ids[0])
    sites = [str(p["id"]) for p in props if p["type"] == "intermediateFacility"]
    for s in sites:
        model.add_unload_site(s)
    model.add_vehicle_type("truck", depot=ids[0], count=d["vehicles"],
                           capacity=[d["capacity"]], max_duration=d["duration"],
                           unload_sites=sites, return_empty=True)
    patterns = []
    for p in props:
        if p["type"] == "customer":
            model.add_stop(str(p["id"]), demand=[float(p["demand"])],
                           service=float(p["service"]))
            patterns.append(pvrpif_patterns(int(p["frequency"]), d["days"]))
    return PeriodicProblem(model.data(), tuple(patterns),
                           tuple(f"day {k + 1}" for k in range(d["days"])))


def run_pvrpif(options: BenchOptions) -> Iterator[BenchRow]:
    """PVRP-IF instances (``*/*.geojson`` under ``--data``; ``BKS.csv`` column
    ``bks_ub``, the best upper bound).

    Budget: ``--time-limit`` (default 60 s) CPU seconds per instance; every plan is
    checked by :func:`validate_periodic`.
    """
    folder = Path(options.data)
    files = instance_files(options, "*/*.geojson", folder)
    bks = bks_column(folder / "BKS.csv", "instance", "bks_ub")
    engine = options.engine or "pyvrp"
    for path in files:
        problem = read_pvrpif(path)
        seconds = options.seconds_for(problem.base.num_stops, default=60.0)
        yield periodic_row(problem, engine, seconds, options, bks.get(path.stem),
                           cost_of=lambda report: report.cost or 0.0)
