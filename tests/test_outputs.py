"""Plan outputs: every file exists, parses and agrees with plan.json.

The plan comes from a tiny hand-made town (12 points on a grid, three complex candidates
of which the plan must open two, two truck types with different unloading times so the
routing uses ``"<site>@<m>min"`` unload copies, three recyclers, one landfill), solved by
the real pipeline in about a second.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from circularopt.exceptions import InputError
from circularopt.network import RoadNetwork, snap
from circularopt.outputs import (
    CSV_TABLES,
    FORMATS,
    LAYERS,
    hhmm,
    plan_layers,
    plan_tables,
    scenario_location_id,
    write_outputs,
)
from circularopt.pipeline import solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions
from circularopt.scenario import (
    CapacityOption,
    CollectionPoint,
    ComplexCandidate,
    Depot,
    Landfill,
    Parameters,
    Recycler,
    Scenario,
    VehicleType,
)

ALL_FILES = {"plan.json", "plan.gpkg", *(f"{t}.csv" for t in CSV_TABLES), "report.html",
             "map.png"}
COMPOSITION = {"plastic": 0.2, "paper": 0.2, "glass": 0.1, "metal": 0.05, "organics": 0.3,
               "residual": 0.15}


def tiny_scenario() -> Scenario:
    """The tiny town of the module docstring (names with non-ASCII characters)."""
    pts = tuple(CollectionPoint.from_total(
        f"p{i:02d}", 40.50 + 0.01 * (i % 4), 72.76 + 0.012 * (i // 4), 1.0 + 0.25 * (i % 3),
        COMPOSITION, name=f"Площадка «{i}»") for i in range(12))
    rr = {"plastic": 0.6, "paper": 0.5, "glass": 0.7, "metal": 0.8, "organics": 0.3}
    cands = (ComplexCandidate("cx-west", 40.515, 72.755, (CapacityOption(10, 20_000),
                                                          CapacityOption(25, 30_000)),
                              8.0, rr, name="West"),
             ComplexCandidate("cx-east", 40.515, 72.80, (CapacityOption(10, 20_000),), 8.0, rr,
                              name="East"),
             ComplexCandidate("cx-far", 40.60, 72.90, (CapacityOption(10, 90_000),), 8.0, rr))
    depot = Depot("dp", 40.49, 72.78, (
        VehicleType("small", 3.0, 10.0, 3, 50, 0.5, 5, shift_minutes=150, unload_minutes=15),
        VehicleType("big", 6.0, 20.0, 1, 80, 0.7, 6, shift_minutes=150, unload_minutes=20)),
        name="Depot")
    recs = (Recycler("rc-plastic", 40.53, 72.79, {"plastic": 120.0}, 2.0, name="Plastic SME"),
            Recycler("rc-paper", 40.50, 72.81, {"paper": 40.0, "glass": 10.0}, 5.0),
            Recycler("rc-metal", 40.54, 72.75, {"metal": 150.0}, 1.0))
    meta = {"title": "Tiny test town", "seed": 0,
            "sources": {"parameters": "assumed for the test", "population": "made up"}}
    return Scenario("tiny", collection_points=pts, complex_candidates=cands, depots=(depot,),
                    recyclers=recs, landfills=(Landfill("lf", 40.545, 72.77, 5.0,
                                                        name="Landfill"),),
                    parameters=Parameters(300.0), metadata=meta)


def tiny_plan() -> Plan:
    """The tiny town solved with two complexes (about a second)."""
    return solve(tiny_scenario(), complexes=2, time_limit=5, routing=RoutingOptions(workers=1))


def grid_network(n: int = 14) -> RoadNetwork:
    """A two-way street grid of ``n`` x ``n`` nodes over the tiny town, 30 km/h."""
    lat = np.repeat(np.linspace(40.48, 40.61, n), n)
    lon = np.tile(np.linspace(72.74, 72.91, n), n)
    u, v = [], []
    for i in range(n):
        for j in range(n):
            k = i * n + j
            if j + 1 < n:
                u += [k, k + 1]
                v += [k + 1, k]
            if i + 1 < n:
                u += [k, k + n]
                v += [k + n, k]
    ua, va = np.array(u), np.array(v)
    km = np.hypot((lat[ua] - lat[va]) * 111.2,
                  (lon[ua] - lon[va]) * 111.2 * np.cos(np.radians(40.5)))
    return RoadNetwork.from_edges(lat, lon, ua, va, km * 120.0, km * 1000.0,
                                  source="test grid")


@pytest.fixture(scope="module")
def plan() -> Plan:
    p = tiny_plan()
    assert p.complete and p.valid, p.violations
    assert p.routing is not None and p.siting is not None and p.feedstock is not None
    assert len(p.siting.open_complexes) == 2
    return p


@pytest.fixture(scope="module")
def out(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("plan") / "out"
    written = write_outputs(plan, folder)
    assert set(written) == ALL_FILES
    assert all(p.parent == folder and p.is_file() for p in written.values())
    yield folder


def _csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no UTF-8 byte-order mark"
    return pd.read_csv(path, encoding="utf-8-sig", sep=",", keep_default_na=False,
                       na_values=[""])


def _known(plan: Plan) -> set[str]:
    return {o.id for o in plan.scenario.located()}


# --------------------------------------------------------------------------- files


def test_every_file_written_and_nothing_else(out: Path) -> None:
    assert {p.name for p in out.iterdir()} == ALL_FILES
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_plan_json_reloads_to_the_same_plan(out: Path, plan: Plan) -> None:
    loaded = Plan.load(out / "plan.json")
    assert loaded.to_dict() == json.loads(json.dumps(plan.to_dict()))


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


def test_routes_csv_holds_the_stop_sequences(out: Path, plan: Plan) -> None:
    assert plan.routing is not None
    df = _csv(out / "routes.csv")
    assert list(df.columns[:10]) == ["route", "vehicle", "sequence", "kind", "id", "name",
                                     "arrival", "start", "departure", "load_t"]
    assert df["route"].nunique() == plan.routing.num_vehicles
    known = _known(plan)
    for (label, sub), r in zip(df.groupby("route", sort=True), plan.routing.routes,
                               strict=True):
        assert list(sub["sequence"]) == list(range(len(r.visits))), label
        assert list(sub["kind"]) == [v.kind for v in r.visits]
        assert list(sub.loc[sub["kind"] == "stop", "id"]) == r.stops
        assert list(sub["id"]) == [scenario_location_id(v.id, known) for v in r.visits]
        assert list(sub["arrival"]) == [hhmm(v.arrival) for v in r.visits]
        assert list(sub["load_t"]) == pytest.approx([v.load[0] for v in r.visits], abs=1e-4)
    assert set(df["id"]) <= known  # "cx-west@20min" copies mapped back
    assert df.loc[df["id"] == "p00", "name"].iloc[0] == "Площадка «0»"


def test_flows_and_kpi_tables(out: Path, plan: Plan) -> None:
    assert plan.feedstock is not None and plan.kpis is not None
    flows = _csv(out / "flows.csv")
    assert list(flows.columns[:5]) == ["from", "to", "kind", "stream", "tonnes_per_day"]
    assert flows["tonnes_per_day"].dtype == np.float64
    recyclate = flows[flows["kind"] == "recyclate"]["tonnes_per_day"].sum()
    assert recyclate == pytest.approx(plan.feedstock.delivered_t_per_day, abs=1e-5)
    residue = flows[flows["kind"] == "residue"]["tonnes_per_day"].sum()
    assert residue == pytest.approx(sum(r.tonnes_per_day for r in plan.feedstock.residues),
                                    abs=1e-5)

    kpis = _csv(out / "kpis.csv")
    assert list(kpis.columns) == ["figure", "value", "unit"]
    rows = plan.kpis.rows(plan.scenario.parameters.currency)
    assert list(kpis["figure"]) == [r[0] for r in rows]
    value = dict(zip(kpis["figure"], kpis["value"].astype(float), strict=True))
    k = plan.kpis
    assert value["annual cost: total"] == pytest.approx(k.annual_cost["total"], abs=0.5)
    assert value["collection km"] == pytest.approx(k.km_per_day, abs=0.05)
    assert value["collected"] == pytest.approx(k.collected_t_per_day, abs=0.05)
    assert value["diversion rate"] == pytest.approx(100 * k.diversion_rate, abs=0.05)
    assert value["vehicles used"] == k.vehicles_used
    assert kpis.loc[kpis["figure"] == "vehicles used", "unit"].iloc[0] == (
        f"of {k.vehicles_available}")
    text = (out / "kpis.csv").read_text(encoding="utf-8-sig")
    assert text.count("\n") == len(rows) + 1 and '"' not in text  # no 1,234 separators


def test_site_tables(out: Path, plan: Plan) -> None:
    assert plan.siting is not None
    cx = _csv(out / "complexes.csv")
    assert len(cx) == len(plan.scenario.complex_candidates)
    assert set(cx.loc[cx["open"], "id"]) == set(plan.siting.open_ids)
    assert {"lat", "lon", "capacity_t_per_day", "load_t_per_day"} <= set(cx.columns)
    rec = _csv(out / "recyclers.csv")
    assert list(rec["id"]) == [r.id for r in plan.scenario.recyclers]
    assert rec["supplied_t_per_day"].sum() == pytest.approx(
        plan.feedstock.delivered_t_per_day if plan.feedstock else 0.0, abs=1e-5)


# --------------------------------------------------------------------------- writing


def test_existing_folder_keeps_other_files(plan: Plan, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "routes.csv").write_text("old")
    written = write_outputs(plan, folder, formats=("csv", "json"))
    assert set(written) == {"plan.json", *(f"{t}.csv" for t in CSV_TABLES)}
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / "routes.csv").read_text(encoding="utf-8-sig").startswith("route,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failure_leaves_nothing_half_written(plan: Plan, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kw: object) -> Path:
        raise RuntimeError("disk full")

    monkeypatch.setattr("circularopt.outputs.write_map_png", broken)
    new = tmp_path / "new"
    with pytest.raises(RuntimeError, match="disk full"):
        write_outputs(plan, new, formats=("json", "csv", "png"))
    assert not new.exists()
    old = tmp_path / "old"
    old.mkdir()
    (old / "routes.csv").write_text("old")
    with pytest.raises(RuntimeError, match="disk full"):
        write_outputs(plan, old, formats=("json", "csv", "png"))
    assert [p.name for p in old.iterdir()] == ["routes.csv"]
    assert (old / "routes.csv").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]


def test_bad_arguments_are_named(plan: Plan, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="formats"):
        write_outputs(plan, tmp_path / "x", formats=("xlsx",))
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match="out_dir"):
        write_outputs(plan, tmp_path / "file", formats="csv")


def test_location_ids_map_back_to_the_scenario() -> None:
    known = {"cx-west", "dp", "a:b"}
    assert scenario_location_id("cx-west", known) == "cx-west"
    assert scenario_location_id("cx-west@20min", known) == "cx-west"
    assert scenario_location_id("cx-west@7.5min", known) == "cx-west"
    assert scenario_location_id("part#1:cx-west@15min", known) == "cx-west"
    assert scenario_location_id("a:b", known) == "a:b"
    with pytest.raises(InputError, match="nowhere"):
        scenario_location_id("nowhere@20min", known)
    assert hhmm(7 * 3600 + 59.6 * 60) == "08:00"


def test_routes_along_the_streets_with_a_network(plan: Plan) -> None:
    assert plan.routing is not None
    net = grid_network()
    straight = plan_layers(plan)["routes"]
    streets = plan_layers(plan, network=net, max_snap_m=2000)["routes"]
    assert not streets["approximate"].any()
    located = plan.scenario.located()
    by_id = {o.id: (o.lon, o.lat) for o in located}
    place_at = {xy: i for i, xy in by_id.items()}
    sn = snap(net, [o.id for o in located], [o.lat for o in located],
              [o.lon for o in located], max_snap_m=2000)
    node_of = dict(zip(sn.ids, sn.node.tolist(), strict=True))
    node_at = {xy: k for k, xy in enumerate(zip(net.lon.tolist(), net.lat.tolist(),
                                                strict=True))}
    edges = {(int(u), int(v)) for u, v in zip(net.edge_tails, net.indices, strict=True)}
    for g0, g1 in zip(straight.geometry, streets.geometry, strict=True):
        coords = list(g1.coords)
        assert len(coords) > len(g0.coords)
        assert coords[0] == pytest.approx(by_id["dp"]) and coords[-1] == coords[0]
        # Each step is a street edge, or joins a place to the node it snaps to.
        for a, b in pairwise(coords):
            na, nb = node_at.get(a), node_at.get(b)
            pa, pb = place_at.get(a), place_at.get(b)
            assert (a == b or (na, nb) in edges or (pa is not None and nb == node_of[pa])
                    or (pb is not None and na == node_of[pb])), (a, b)
        # The places visited appear in the route's order along the line.
        assert [place_at[c] for c in coords if c in place_at] == [
            place_at[c] for c in g0.coords]


@pytest.mark.parametrize("missing", ["routing", "everything"])
def test_partial_plans_write_what_they_have(plan: Plan, tmp_path: Path,
                                            missing: str) -> None:
    gone: dict[str, object] = {"routing": None, "kpis": None, "complete": False,
                               "valid": False}
    if missing == "everything":
        gone |= {"siting": None, "feedstock": None}
    partial = dataclasses.replace(plan, **gone)
    formats = ("json", "csv", "html") if missing == "routing" else FORMATS
    written = write_outputs(partial, tmp_path / "out", formats=formats)
    assert Plan.load(written["plan.json"]).routing is None
    assert len(_csv(written["routes.csv"])) == 0
    assert len(_csv(written["kpis.csv"])) == 0
    cx = _csv(written["complexes.csv"])
    assert int(cx["open"].sum()) == (0 if missing == "everything" else 2)
    assert "Incomplete plan" in written["report.html"].read_text(encoding="utf-8")
    if missing == "everything":
        assert set(written) == ALL_FILES
        assert len(gpd.read_file(written["plan.gpkg"], layer="flows")) == 0
    layers = plan_layers(partial)
    assert len(layers["routes"]) == 0 and all(layers["collection_points"]["route"] == "")


def test_vehicle_names_come_from_the_plan_info(plan: Plan) -> None:
    assert plan.routing is not None
    first = plan.routing.routes[0]
    names = plan.info["vehicle_types"]
    assert "/" in names[first.vehicle_type]  # "<depot>/<type>", as the pipeline records
    routes = plan_tables(plan)["routes"]
    assert routes["vehicle"].iloc[0] == f"{names[first.vehicle_type]} #{first.vehicle + 1}"
    info = {k: v for k, v in plan.info.items() if k != "vehicle_types"}
    anonymous = dataclasses.replace(plan, info=info)
    assert plan_tables(anonymous)["routes"]["vehicle"].iloc[0] == (
        f"type {first.vehicle_type} #{first.vehicle + 1}")
