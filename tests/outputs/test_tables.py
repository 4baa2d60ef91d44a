"""The CSV tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from circularopt.outputs import (
    hhmm,
    scenario_location_id,
)
from circularopt.plan import Plan
from tests.outputs.conftest import _csv, _known


def test_routes_csv_holds_the_stop_sequences(out: Path, plan: Plan) -> None:
    assert plan.routing is not None
    df = _csv(out / "routes.csv")
    assert list(df.columns[:11]) == ["route", "vehicle", "sequence", "kind", "id", "name",
                                     "arrival", "start", "departure", "picked_up_t",
                                     "load_on_board_t"]
    assert df["route"].nunique() == plan.routing.num_vehicles
    known = _known(plan)
    for (label, sub), r in zip(df.groupby("route", sort=True), plan.routing.routes,
                               strict=True):
        assert list(sub["sequence"]) == list(range(len(r.visits))), label
        assert list(sub["kind"]) == [v.kind for v in r.visits]
        assert list(sub.loc[sub["kind"] == "stop", "id"]) == r.stops
        assert list(sub["id"]) == [scenario_location_id(v.id, known) for v in r.visits]
        assert list(sub["arrival"]) == [hhmm(v.arrival) for v in r.visits]
        assert list(sub["load_on_board_t"]) == pytest.approx([v.load[0] for v in r.visits],
                                                             abs=1e-4)
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
