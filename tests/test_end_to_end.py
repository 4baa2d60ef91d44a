"""End to end for the three cities: ``circularopt solve`` writes every output, each parses
and agrees with plan.json and with the independent checker."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from circularopt.cli import main
from circularopt.instances import load_instance
from circularopt.plan import Plan, validate_plan

CITIES = [
    ("bishkek", ["--size", "300", "--complexes", "3", "--no-streets"]),
    ("osh", ["--size", "100"]),
    ("issyk-kul", ["--size", "150", "--season", "winter"]),
]


@pytest.mark.slow
@pytest.mark.parametrize(("city", "options"), CITIES, ids=[c for c, _ in CITIES])
def test_solve_city_writes_consistent_outputs(city: str, options: list[str],
                                              tmp_path: Path) -> None:
    out = tmp_path / city
    code = main(["solve", city, *options, "--time-limit", "25", "--seed", "1",
                 "--out", str(out)])
    assert code == 0
    plan = Plan.load(out / "plan.json")
    assert plan.complete and plan.valid and plan.approximate
    assert plan.routing is not None and plan.kpis is not None and plan.siting is not None

    # the independent checker agrees, from the scenario alone
    scenario_file = tmp_path / "scenario.json"
    plan.scenario.to_json(scenario_file)
    inst = load_instance(scenario_file)
    verdict = validate_plan(inst.scenario, inst.matrices, plan)
    assert verdict.ok, verdict.summary()

    # GeoPackage layers agree with the plan
    routes = gpd.read_file(out / "plan.gpkg", layer="routes")
    assert len(routes) == len(plan.routing.routes)
    points = gpd.read_file(out / "plan.gpkg", layer="collection_points")
    assert len(points) == len(plan.scenario.collection_points)
    complexes = gpd.read_file(out / "plan.gpkg", layer="complexes")
    assert len(complexes) == len(plan.scenario.complex_candidates)

    # CSV tables agree with the plan
    stops = pd.read_csv(out / "routes.csv", encoding="utf-8-sig")
    assert (stops["kind"] == "stop").sum() == len(plan.scenario.collection_points)
    kpis = pd.read_csv(out / "kpis.csv", encoding="utf-8-sig").set_index("figure")
    assert float(kpis.loc["collection km", "value"]) == pytest.approx(
        plan.kpis.km_per_day, abs=0.06)
    flows = pd.read_csv(out / "flows.csv", encoding="utf-8-sig")
    assert len(flows) > 0

    # the report and the map exist and say the distances are approximate
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "approximate" in html.lower() and "<script" in html
    assert (out / "map.png").stat().st_size > 10_000
