"""Check Cordeau PVRP solution files against the raw instances, without circularopt.

Usage: ``python benchmarks/check_pvrp_solutions.py DIR/*.json`` (files written by
``circularopt bench pvrp --solutions DIR``; instances read from
``$CIRCULAROPT_DATA/benchmarks/pvrp/cordeau``). Each customer must be served on exactly
the days of one of its listed combinations, at most ``m`` routes a day, each route's
load at most that day's ``Q`` and its duration (distance + service) at most ``D``; the
distance is recomputed unrounded. Deliberately independent of the package's reader and
validator, so that it checks them too.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import sys
from pathlib import Path


def check(raw: Path, sol: Path) -> tuple[float, list[str]]:
    """The solution's total distance and its violations."""
    rows = [ln.split() for ln in raw.read_text().splitlines() if ln.strip()]
    _, m, n, t = (int(x) for x in rows[0][:4])
    limits = [(float(r[0]), float(r[1])) for r in rows[1:1 + t]]
    nodes = rows[1 + t:1 + t + n + 1]
    xy = {r[0]: (float(r[1]), float(r[2])) for r in nodes}
    info = {r[0]: (float(r[3]), float(r[4]), [int(c) for c in r[7:7 + int(r[6])]])
            for r in nodes[1:]}
    depot = nodes[0][0]
    served: dict[str, list[int]] = {k: [] for k in info}
    bad: list[str] = []
    total = 0.0
    for day, routes in enumerate(json.loads(sol.read_text())["routes"]):
        duration_limit, capacity = limits[day]
        if len(routes) > m:
            bad.append(f"day {day + 1}: {len(routes)} routes > {m}")
        for route in routes:
            path = [depot, *route, depot]
            dist = sum(math.dist(xy[a], xy[b]) for a, b in itertools.pairwise(path))
            total += dist
            load = sum(info[k][1] for k in route)
            if load > capacity + 1e-6:
                bad.append(f"day {day + 1}: load {load} > {capacity}")
            if duration_limit > 0 and dist + sum(info[k][0] for k in route) > duration_limit + 1e-6:
                bad.append(f"day {day + 1}: duration above {duration_limit}")
            for k in route:
                served[k].append(day)
    for k, (_, _, codes) in info.items():
        days = sorted(served[k])
        code = sum(1 << (t - 1 - d) for d in days)
        if len(set(days)) != len(days) or code not in codes:
            bad.append(f"customer {k}: days {[d + 1 for d in days]}")
    return total, bad


def main(files: list[str]) -> int:
    folder = Path(os.environ.get("CIRCULAROPT_DATA", "../shared")) / "benchmarks/pvrp/cordeau"
    failed = 0
    for name in files:
        sol = Path(name)
        total, bad = check(folder / sol.name.split(".")[0], sol)
        failed += bool(bad)
        print(sol.name.split(".")[0], f"{total:.4f}", "OK" if not bad else "; ".join(bad[:3]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
