"""Check PVRP-IF solutions against the raw GeoJSON files, without circularopt code.

Usage: ``python benchmarks/check_pvrpif.py DATA SOLUTIONS`` where DATA holds
``horizon*/NAME.geojson`` and SOLUTIONS the ``NAME.*.json`` files that ``circularopt bench
pvrpif --solutions`` writes (with their ``steps``: customer and facility ids in order).
For each solution: every customer on exactly the days of one offset ``o, o + H/f, ...``
and in one route a day there, at most ``numVehicles`` routes a day, every trip within
``maxCapacity``, every route ending with an unload, every route within ``maxDuration``
(travel plus service) and the travel time recomputed from the matrix. Prints one line per
solution and exits 1 when any violates.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path


def check(instance: dict, sol: dict) -> tuple[float, list[str]]:
    """Recomputed travel time and the violations of one solution."""
    info, dur = instance["info"], instance["duration"]
    props = {str(f["properties"]["id"]): f["properties"] for f in instance["features"]}
    depot = next(i for i, p in props.items() if p["type"] == "depot")
    days, cap, limit = int(info["planningHorizon"]), info["maxCapacity"], info["maxDuration"]
    bad: list[str] = []
    served: dict[str, list[int]] = {i: [] for i, p in props.items() if p["type"] == "customer"}
    total = 0.0
    for d, routes in enumerate(sol["steps"]):
        if len(routes) > info["numVehicles"]:
            bad.append(f"day {d + 1}: {len(routes)} routes")
        for steps in routes:
            path = [depot, *steps, depot]
            travel = sum(dur[int(a)][int(b)] for a, b in pairwise(path))
            total += travel
            time, load = travel, 0.0
            for x in steps:
                p = props[x]
                time += float(p.get("service") or 0.0)
                if p["type"] == "customer":
                    served[x].append(d)
                    load += float(p["demand"])
                    if load > cap + 1e-9:
                        bad.append(f"day {d + 1}: load {load} > {cap} at {x}")
                elif p["type"] == "intermediateFacility":
                    load = 0.0
                else:
                    bad.append(f"day {d + 1}: the depot inside a route")
            if load > 0 or not steps:
                bad.append(f"day {d + 1}: a route that does not end with an unload")
            if time > limit + 1e-9:
                bad.append(f"day {d + 1}: duration {time} > {limit}")
    for i, got in served.items():
        f = int(props[i]["frequency"])
        step = days // f
        if Counter(got) != Counter(range(got[0] % step if got else 0, days, step)) \
                or len(got) != f:
            bad.append(f"customer {i}: days {[d + 1 for d in got]}, frequency {f}")
    if abs(total - float(sol["cost"])) > 1e-6:
        bad.append(f"cost {sol['cost']} reported, {total} recomputed")
    return total, bad


def main(data: Path, solutions: Path) -> int:
    """Check every solution file; 1 when any violates."""
    failed = 0
    for path in sorted(solutions.glob("*.json")):
        sol = json.loads(path.read_text(encoding="utf-8"))
        raw = next(data.glob(f"horizon*/{sol['instance']}.geojson"))
        total, bad = check(json.loads(raw.read_text(encoding="utf-8")), sol)
        failed += bool(bad)
        print(f"{sol['instance']}: travel {total:g}, "
              + ("ok" if not bad else f"{len(bad)} violations: " + "; ".join(bad[:5])))
    return int(failed > 0)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
