"""routes.csv: tonnes picked up per stop (they sum to the day) and the load on board."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.outputs.tables import ROUTE_COLUMNS
from circularopt.plan import Plan
from tests.outputs.conftest import _csv


def test_routes_csv_names_the_load_on_board_and_the_tonnes_picked_up(out: Path) -> None:
    df = _csv(out / "routes.csv")
    assert tuple(df.columns) == ROUTE_COLUMNS
    assert "load_t" not in df.columns


def test_picked_up_tonnes_sum_to_the_days_collection(out: Path, plan: Plan) -> None:
    assert plan.kpis is not None
    df = _csv(out / "routes.csv")
    # the tiny town: 12 points of 1.0, 1.25, 1.5 t/day each (four of each) = 15 t/day
    assert df["picked_up_t"].sum() == pytest.approx(15.0, abs=1e-3)
    assert df["picked_up_t"].sum() == pytest.approx(plan.kpis.collected_t_per_day, abs=1e-3)
    # the on-board load counts each tonne once per stop it stays aboard: more than the day
    assert df["load_on_board_t"].sum() > 15.0 + 1.0


def test_unloading_resets_the_load_and_picks_up_nothing(out: Path) -> None:
    df = _csv(out / "routes.csv")
    unloads = df[df["kind"] == "unload"]
    assert len(unloads) > 0
    assert (unloads["picked_up_t"] == 0).all()
    assert (unloads["load_on_board_t"] == 0).all()
    assert (df.loc[df["kind"].isin(["start", "end", "break"]), "picked_up_t"] == 0).all()
    assert (df.loc[df["kind"] == "stop", "picked_up_t"] > 0).all()


def test_on_board_is_the_running_sum_of_pickups_since_the_last_unload(out: Path) -> None:
    df = _csv(out / "routes.csv")
    for route, sub in df.groupby("route"):
        on_board = 0.0
        for kind, picked, load in zip(sub["kind"], sub["picked_up_t"],
                                      sub["load_on_board_t"], strict=True):
            on_board = 0.0 if kind == "unload" else on_board + picked
            assert load == pytest.approx(on_board, abs=1e-3), route


def test_an_old_plan_json_still_gives_the_new_columns(plan: Plan, tmp_path: Path) -> None:
    from circularopt.outputs import plan_tables

    again = Plan.load(plan.save(tmp_path / "plan.json"))
    routes = plan_tables(again)["routes"]
    assert tuple(routes.columns) == ROUTE_COLUMNS
    assert routes["picked_up_t"].sum() == pytest.approx(15.0, abs=1e-3)
