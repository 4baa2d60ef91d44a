"""Curbside streets in ``scenario new``, ``site``, ``route`` and ``check``."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from circularopt.cli import main
from circularopt.instances import save_instance
from circularopt.pipeline import solve
from circularopt.routing.curbside import zone_point_id
from circularopt.routing.decompose import RoutingOptions
from circularopt.scenario import Scenario
from circularopt.siting.result import SitingResult
from tests.routing.test_curbside import town_with_streets

ZONE = zone_point_id("z1")


@pytest.fixture(scope="module")
def town_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("town") / "town.json"
    town_with_streets().to_json(path)
    return path


@pytest.mark.parametrize(("city", "argv", "expect_streets"), [
    ("bishkek", [], True), ("bishkek", ["--no-streets"], False), ("osh", [], False)])
def test_scenario_new_includes_private_house_streets(tmp_path: Path, city: str,
                                                     argv: list[str],
                                                     expect_streets: bool) -> None:
    out = tmp_path / "s.json"
    assert main(["scenario", "new", city, "--size", "20", "--out", str(out), *argv]) == 0
    streets = Scenario.from_json(out).streets
    assert bool(streets) is expect_streets
    assert all(s.synthetic for s in streets)


def test_site_counts_street_tonnes_in_their_zone(town_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "siting.json"
    assert main(["site", str(town_file), "--time-limit", "5", "--out", str(out)]) == 0
    result = SitingResult.from_json(out)
    scenario = Scenario.from_json(town_file)
    street_t = sum(s.total_tonnes_per_day for s in scenario.streets)
    assert ZONE in result.assignment
    inflow = sum(c.load_t_per_day for c in result.open_complexes)
    assert inflow == pytest.approx(scenario.total_tonnes_per_day + street_t, abs=1e-6)


def test_route_serves_the_streets_with_the_containers(town_file: Path,
                                                      tmp_path: Path) -> None:
    out = tmp_path / "routes.json"
    assert main(["route", str(town_file), "--time-limit", "4", "--workers", "1",
                 "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["valid"] and data["curbside"]["streets"] == 5
    runs = {r for part in data["parts"] for r in part["runs"]}
    assert len(runs) == data["curbside"]["runs"] == 3
    served = {v["id"].rstrip("<>") for r in data["result"]["routes"] for v in r["visits"]
              if v["id"].startswith("run-")}
    assert served == runs


def test_route_refuses_a_siting_without_the_street_zones(town_file: Path,
                                                         tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    siting = tmp_path / "old.json"
    assert main(["site", str(town_file), "--time-limit", "5", "--out", str(siting)]) == 0
    data = json.loads(siting.read_text(encoding="utf-8"))
    data["assignment"] = {k: v for k, v in data["assignment"].items() if k != ZONE}
    siting.write_text(json.dumps(data), encoding="utf-8")
    assert main(["route", str(town_file), "--siting", str(siting), "--time-limit", "2",
                 "--workers", "1"]) != 0
    out = capsys.readouterr().out
    assert "--siting" in out and ZONE in out


@pytest.fixture(scope="module")
def saved_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    solve(town_with_streets(), time_limit=6, routing=RoutingOptions(workers=1)).save(
        folder / "plan.json")
    return folder / "plan.json"


def test_check_validates_a_plan_with_streets(town_file: Path, saved_plan: Path) -> None:
    assert main(["check", str(town_file), str(saved_plan)]) == 0


def test_check_finds_a_street_run_left_out(town_file: Path, saved_plan: Path,
                                           tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(saved_plan.read_text(encoding="utf-8"))
    text = json.dumps(data)
    assert "run-s0" in text
    bad = tmp_path / "plan.json"
    bad.write_text(text.replace('"run-s0>"', '"run-x>"').replace('"run-s0<"', '"run-x<"'),
                   encoding="utf-8")
    assert main(["check", str(town_file), str(bad)]) == 1
    assert "'s0'" in capsys.readouterr().out


def test_route_diagnoses_the_scenario_first(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    town = town_with_streets()
    heavy = (dataclasses.replace(town.collection_points[0],
                                 tonnes_per_day={"residual": 500.0}),
             *town.collection_points[1:])
    path = tmp_path / "heavy.json"
    dataclasses.replace(town, collection_points=heavy).to_json(path)
    assert main(["route", str(path), "--time-limit", "2", "--workers", "1"]) == 2
    out = " ".join(capsys.readouterr().out.split())
    assert "cannot be planned" in out and "'p0'" in out


def test_check_validates_streets_against_an_instance_folder(saved_plan: Path,
                                                            tmp_path: Path) -> None:
    folder = save_instance(town_with_streets(), tmp_path / "town")
    assert main(["check", str(folder), str(saved_plan)]) == 0
