"""write_outputs: every file, all or nothing, formats, partial plans."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import geopandas as gpd
import pytest

from circularopt.exceptions import InputError
from circularopt.outputs import (
    CSV_TABLES,
    FORMATS,
    plan_layers,
    write_outputs,
)
from circularopt.plan import Plan
from tests.outputs.conftest import ALL_FILES, _csv


def test_every_file_written_and_nothing_else(out: Path) -> None:
    assert {p.name for p in out.iterdir()} == ALL_FILES
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_plan_json_reloads_to_the_same_plan(out: Path, plan: Plan) -> None:
    loaded = Plan.load(out / "plan.json")
    assert loaded.to_dict() == json.loads(json.dumps(plan.to_dict()))


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
