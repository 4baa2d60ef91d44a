"""Siting demand of curbside streets: one point per zone against one point per run.

Generated Bishkek with its private-house streets (default spec, seed 0), offline
approximation; each variant is sited with a 60 s budget and prints its size, status, gap,
cost, open complexes and CPU and wall seconds::

    python benchmarks/bench_curbside_siting.py
"""

from __future__ import annotations

import dataclasses
import time

from circularopt.cities import generate
from circularopt.matrices import approximate_matrices
from circularopt.routing.curbside import scenario_runs, siting_scenario
from circularopt.scenario import CollectionPoint, Scenario
from circularopt.siting.model import site


def variants() -> dict[str, Scenario]:
    """The scenario siting sees: zones (what the pipeline does) and one point per run."""
    sc = generate("bishkek", streets=True)
    runs = scenario_runs(sc)
    per_run = dataclasses.replace(sc, collection_points=(*sc.collection_points, *[
        CollectionPoint(f"pt-{r.id}", round(r.lat, 6), round(r.lon, 6),
                        dict(r.tonnes_per_day), collections_per_week=7) for r in runs]))
    return {"zones": siting_scenario(sc, runs), "per-run": per_run}


def main() -> None:
    for name, s in variants().items():
        m = approximate_matrices(s.locations())
        cpu, wall = time.process_time(), time.time()
        res = site(s, m, time_limit=60, seed=0)
        print(f"{name}: {len(s.collection_points)} points, {res.status}, gap {res.gap:.4f}, "
              f"cost {res.costs.total:,.0f}, open {list(res.open_ids)}, "
              f"cpu {time.process_time() - cpu:.1f} s, wall {time.time() - wall:.1f} s",
              flush=True)


if __name__ == "__main__":
    main()
