"""The GeoPackage: its layers agree with the plan."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest

from circularopt.outputs import (
    LAYERS,
    scenario_location_id,
)
from circularopt.plan import Plan
from tests.outputs.conftest import _known


def test_geopackage_layers_agree_with_the_plan(out: Path, plan: Plan) -> None:
    assert plan.siting is not None and plan.routing is not None
    assert [name for name, _ in pyogrio.list_layers(out / "plan.gpkg")] == list(LAYERS)
    layers = {name: gpd.read_file(out / "plan.gpkg", layer=name) for name in LAYERS}
    for name, gdf in layers.items():
        assert gdf.crs is not None and gdf.crs.to_epsg() == 4326, name

    pts = layers["collection_points"]
    assert list(pts["id"]) == [p.id for p in plan.scenario.collection_points]
    assert dict(zip(pts["id"], pts["complex"], strict=True)) == dict(plan.siting.assignment)
    assert pts["total_t_per_day"].sum() == pytest.approx(plan.scenario.total_tonnes_per_day)
    assert pts["t_plastic"].sum() == pytest.approx(
        plan.scenario.tonnes_by_stream()["plastic"])
    assert set(pts["route"]) <= {"R01", "R02", "R03", "R04"} and all(pts["route"])

    cx = layers["complexes"]
    assert set(cx.loc[cx["open"], "id"]) == set(plan.siting.open_ids)
    for c in plan.siting.open_complexes:
        row = cx[cx["id"] == c.id].iloc[0]
        assert row["load_t_per_day"] == pytest.approx(c.load_t_per_day)
        assert row["capacity_t_per_day"] == pytest.approx(c.capacity_t_per_day)
        assert row["points"] == len(plan.siting.points_of(c.id))

    rec = layers["recyclers"]
    assert plan.kpis is not None
    for rid, s in plan.kpis.recycler_supply.items():
        row = rec[rec["id"] == rid].iloc[0]
        assert row["supplied_t_per_day"] == pytest.approx(s["supplied"])
        assert row["capacity_t_per_day"] == pytest.approx(s["capacity"])
    assert list(layers["landfills"]["id"]) == ["lf"]
    assert layers["landfills"]["total_t_per_day"].sum() == pytest.approx(
        plan.kpis.landfill_t_per_day)
    assert layers["depots"]["trucks_used"].sum() == plan.routing.num_vehicles

    routes = layers["routes"]
    assert len(routes) == plan.routing.num_vehicles
    assert routes["approximate"].all()
    assert routes["collected_t"].sum() == pytest.approx(plan.kpis.collected_t_per_day,
                                                        abs=1e-3)
    known = _known(plan)
    for (_, row), r in zip(routes.iterrows(), plan.routing.routes, strict=True):
        assert row["stops"] == len(r.stops) and row["unloads"] == r.num_unloads
        assert row["distance_km"] == pytest.approx(r.distance / 1000)
        assert row["duration_h"] == pytest.approx(r.duration / 3600)
        assert row["cost"] == pytest.approx(r.cost)
        # Straight segments: one vertex per place visited, in order.
        places = [scenario_location_id(v.id, known) for v in r.visits if v.kind != "break"]
        places = [p for k, p in enumerate(places) if k == 0 or p != places[k - 1]]
        by_id = {o.id: (o.lon, o.lat) for o in plan.scenario.located()}
        np.testing.assert_allclose(np.array(row.geometry.coords),
                                   np.array([by_id[p] for p in places]))

    flows = layers["flows"]
    want = {(f.complex, f.recycler, f.stream): f.tonnes_per_day
            for f in plan.feedstock.flows} if plan.feedstock else {}
    want |= {(r.complex, r.landfill, "residue"): r.tonnes_per_day
             for r in (plan.feedstock.residues if plan.feedstock else ())}
    got = {(a, b, s): t for a, b, s, t in zip(flows["from"], flows["to"], flows["stream"],
                                               flows["tonnes_per_day"], strict=True)}
    assert got == pytest.approx(want)
