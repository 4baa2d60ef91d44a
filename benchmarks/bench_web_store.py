"""Time of storing a plan in the web app's database, as a worker's checkpoint (no
geometry) and as a final plan (with PostGIS geometry when the database has it).

::

    PYTHONPATH=. python benchmarks/bench_web_store.py --plan PLAN.json \\
        [--db-url postgresql+psycopg://postgres@127.0.0.1:5499/test]

Default database: a SQLite file in a temporary folder. State the load (``uptime``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    """Store the plan twice (sited checkpoint, final) and print CPU and wall seconds."""
    from circularopt.plan import Plan
    from circularopt.web.jobs import store_plan
    from circularopt.web.storage import Database, RunRow, ScenarioRow, migrate

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--db-url")
    args = parser.parse_args()
    plan = Plan.from_dict(json.loads(args.plan.read_text(encoding="utf-8")))
    sited = dataclasses.replace(plan, routing=None, kpis=None, complete=False)
    url = args.db_url or f"sqlite:///{tempfile.mkdtemp()}/web.db"
    migrate(url)
    db = Database(url)
    sid = db.add(ScenarioRow(name="bench", source="bench", data="{}")).id
    run = db.add(RunRow(scenario_id=sid, label="bench", settings="{}")).id
    for name, p, geometry in (("checkpoint", sited, False), ("final", plan, True)):
        wall, cpu = time.perf_counter(), time.process_time()
        store_plan(db, run, p, geometry=geometry)
        print(f"{name}: {time.process_time() - cpu:.2f} CPU s, "
              f"{time.perf_counter() - wall:.2f} s wall; postgis={db.postgis}; "
              f"load {os.getloadavg()[0]:.1f}")
    db.dispose()


if __name__ == "__main__":
    main()
