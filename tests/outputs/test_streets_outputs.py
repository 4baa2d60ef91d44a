"""Curbside streets in the outputs: streets layer, routes.csv street rows, map, GeoPackage."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from circularopt.outputs import plan_layers, plan_tables
from circularopt.outputs.gpkg import write_gpkg
from circularopt.outputs.map import write_map_png
from circularopt.pipeline import solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions
from tests.routing.test_curbside import town_with_streets


@pytest.fixture(scope="module")
def plan() -> Plan:
    return solve(town_with_streets(), time_limit=6, routing=RoutingOptions(workers=1))


def test_streets_layer_marks_every_street_served_by_route(plan: Plan) -> None:
    streets = plan_layers(plan)["streets"]
    assert list(streets["id"]) == ["s0", "s1", "s2", "x", "one"]
    assert streets["served"].all() and streets["synthetic"].all()
    assert (streets["route"] != "").all()
    line = streets.set_index("id").loc[["s0", "s1", "s2"], "direction"].tolist()
    assert line in (["forward", "backward", "forward"], ["backward", "forward", "backward"])
    assert streets.set_index("id").loc["one", "direction"] == "forward"


def test_routes_csv_lists_streets_in_driving_order(plan: Plan) -> None:
    routes = plan_tables(plan)["routes"]
    rows = routes[routes["kind"] == "street"]
    assert sorted(rows["id"]) == ["one", "s0", "s1", "s2", "x"]
    line = [i for i in rows["id"] if i.startswith("s")]
    assert line in (["s0", "s1", "s2"], ["s2", "s1", "s0"])
    assert set(rows["direction"]) <= {"forward", "backward"}
    assert rows["picked_up_t"].sum() == pytest.approx(0.25, abs=1e-3)
    assert routes["picked_up_t"].sum() == pytest.approx(0.25 + 6 * 0.8, abs=1e-3)


def test_gpkg_and_map_hold_the_streets(plan: Plan, tmp_path: Path) -> None:
    layers = plan_layers(plan)
    path = write_gpkg(layers, tmp_path / "plan.gpkg")
    assert len(gpd.read_file(path, layer="streets")) == 5
    assert write_map_png(plan, layers, tmp_path / "map.png").stat().st_size > 0


def test_write_outputs_with_streets(plan: Plan, tmp_path: Path) -> None:
    from circularopt.outputs import write_outputs

    written = write_outputs(plan, tmp_path)
    assert {"plan.gpkg", "routes.csv", "kpis.csv", "map.png"} <= {p.name for p in
                                                                  written.values()}
    kpis = (tmp_path / "kpis.csv").read_text(encoding="utf-8-sig")
    assert "curbside streets: trucks" in kpis
