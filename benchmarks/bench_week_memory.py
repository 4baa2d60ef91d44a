"""Memory of the Bishkek week's stages: scenario, matrices, day choice, peak day, week.

Generated Bishkek, 5,000 sites with its private-house streets (seed 0), offline
approximation; siting is replaced by the nearest of the first 8 complex candidates (its
memory is not in question). Each stage prints its wall seconds, the main process's RSS
after it, its peak (``VmHWM``, reset before the stage; Linux) and the sampled peak RSS
of the process tree (main process and its workers, every 0.3 s)::

    python benchmarks/bench_week_memory.py choice          # the day choice only
    python benchmarks/bench_week_memory.py peak week       # peak day, then the week
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import psutil

from circularopt.pipeline import load_scenario
from circularopt.routing.curbside import curbside_matrices, scenario_runs, siting_scenario
from circularopt.routing.decompose import route_city
from circularopt.routing.periodic.city import choose_days, route_week, validate_week
from circularopt.routing.scenario import nearest_sites

T = TypeVar("T")
ME = psutil.Process()
PEAK = [0]


def _sample() -> None:
    while True:
        try:
            tree = [ME, *ME.children(recursive=True)]
            PEAK[0] = max(PEAK[0], sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.3)


def _gb(x: float) -> str:
    return f"{x / 2**30:.2f} GB"


def stage(name: str, fn: Callable[[], T]) -> T:
    """Run ``fn`` and print its seconds and memory."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM
    PEAK[0] = 0
    t0 = time.perf_counter()
    out = fn()
    with open("/proc/self/status") as f:
        hwm = next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))
    print(f"{name:10s} {time.perf_counter() - t0:7.1f} s  rss {_gb(ME.memory_info().rss)}  "
          f"main peak {_gb(hwm * 1024)}  tree peak {_gb(PEAK[0])}", flush=True)
    return out


def main(which: list[str]) -> None:
    """The stages named in ``which`` (``choice``, ``peak``, ``week``) after the scenario,
    its matrices and the assignment."""
    threading.Thread(target=_sample, daemon=True).start()
    scn = stage("scenario", lambda: load_scenario("bishkek", size=5000, seed=0, streets=True))
    runs = scenario_runs(scn)
    m = stage("matrices", lambda: curbside_matrices(scn, runs))
    sites = [c.id for c in scn.complex_candidates][:8]
    assign = stage("assign", lambda: nearest_sites(siting_scenario(scn, runs), m,
                                                   sites=sites))
    if "choice" in which:
        days = stage("choice", lambda: choose_days(scn, m, assign, runs=runs))
        print(f"days chosen for {len(days)} sites and runs", flush=True)
    if "peak" in which:
        city = stage("peak", lambda: route_city(scn, m, assignment=assign, time_limit=60,
                                                runs=runs))
        print(f"peak day: {city.result.num_vehicles} trucks, merged problem over "
              f"{len(city.problem.locations)} locations", flush=True)
    if "week" in which:
        week = stage("week", lambda: route_week(scn, m, assignment=assign, time_limit=120,
                                                workers=2, runs=runs))
        report = stage("validate", lambda: validate_week(scn, week))
        print(f"week valid: {report.ok}; trucks per day "
              f"{[0 if c is None else c.result.num_vehicles for c in week.plans]}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["choice"])
