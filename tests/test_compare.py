"""Plans side by side: the table, the printer, the loader and ``circularopt compare``."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from circularopt.cli import main
from circularopt.compare import FIGURES, compare, load_plans, print_comparison
from circularopt.exceptions import InputError
from circularopt.pipeline import solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions


@pytest.fixture(scope="module")
def plans() -> tuple[Plan, Plan]:
    """Osh with two and with three complexes (80 sites, 2 s budget each, one process)."""
    return (solve("osh", size=80, time_limit=2, complexes=2, routing=RoutingOptions(workers=1)),
            solve("osh", size=80, time_limit=2, complexes=3, routing=RoutingOptions(workers=1)))


def test_table_has_one_column_per_plan_with_its_figures(plans: tuple[Plan, Plan]) -> None:
    table = compare(plans, labels=["two", "three"])
    assert list(table.columns) == ["two", "three"]
    assert list(table.index) == [f.name for f in FIGURES]
    for label, plan in zip(["two", "three"], plans, strict=True):
        col = table[label]
        assert plan.kpis is not None and plan.siting is not None
        assert col["complexes opened"] == len(plan.siting.open_complexes)
        assert col["complexes"] == ", ".join(c.id for c in plan.siting.open_complexes)
        assert col["annual cost: total"] == plan.kpis.annual_cost["total"]
        assert col["annual cost: collection"] == plan.kpis.annual_cost["collection"]
        assert col["collection km"] == plan.kpis.km_per_day
        assert col["trucks used"] == plan.kpis.vehicles_used
        assert col["CO2"] == pytest.approx(plan.kpis.co2_kg_per_day / 1000)
        assert col["diversion rate"] == pytest.approx(100 * plan.kpis.diversion_rate)
        assert col["landfilled"] == plan.kpis.landfill_t_per_day
        assert col["approximate distances"] is True
        assert col["valid"] is plan.valid
    assert table.loc["complexes opened"].tolist() == [2, 3]
    assert table.attrs["units"]["collection km"] == "km/day"


def test_default_labels_are_unique(plans: tuple[Plan, Plan]) -> None:
    assert list(compare(plans).columns) == ["osh (2 cx)", "osh (3 cx)"]
    assert list(compare([plans[0], plans[0]]).columns) == ["1: osh (2 cx)", "2: osh (2 cx)"]


def test_incomplete_plan_shows_empty_figures(plans: tuple[Plan, Plan]) -> None:
    stopped = dataclasses.replace(plans[0], kpis=None, routing=None, complete=False,
                                  valid=False)
    table = compare([plans[0], stopped], labels=["done", "stopped"])
    assert table.loc["annual cost: total", "stopped"] is None
    assert table.loc["complete", "stopped"] is False
    console = Console(width=200, record=True)
    print_comparison(table, console=console)
    text = console.export_text()
    assert "annual cost: total" in text and "done" in text and "stopped" in text
    assert f"{plans[0].kpis.annual_cost['total']:,.0f}" in text  # type: ignore[union-attr]
    row = next(line for line in text.splitlines() if "annual cost: total" in line)
    assert row.rstrip(" │").endswith("-")


def test_bad_labels(plans: tuple[Plan, Plan]) -> None:
    with pytest.raises(InputError, match="one per plan"):
        compare(plans, labels=["only one"])
    with pytest.raises(InputError, match="distinct"):
        compare(plans, labels=["same", "same"])
    with pytest.raises(InputError, match="at least one plan"):
        compare([])


def test_load_plans_from_files_and_folders(plans: tuple[Plan, Plan], tmp_path: Path) -> None:
    (tmp_path / "two").mkdir()
    plans[0].save(tmp_path / "two" / "plan.json")
    plans[1].save(tmp_path / "three.json")
    loaded, labels = load_plans([tmp_path / "two", tmp_path / "three.json"])
    assert labels == ["two", "three"]
    assert [p.to_dict() for p in loaded] == [p.to_dict() for p in plans]
    with pytest.raises(InputError, match=r"holding plan\.json"):
        load_plans([tmp_path])


def test_cli_prints_and_writes_csv(plans: tuple[Plan, Plan], tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    for name, plan in zip(["k2", "k3"], plans, strict=True):
        (tmp_path / name).mkdir()
        plan.save(tmp_path / name / "plan.json")
    out = tmp_path / "compare.csv"
    code = main(["compare", str(tmp_path / "k2"), str(tmp_path / "k3" / "plan.json"),
                 "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "k2" in printed and "k3" in printed and "annual cost: total" in printed
    csv = pd.read_csv(out, index_col="figure", encoding="utf-8-sig")
    assert list(csv.columns) == ["unit", "k2", "k3"]
    for label, plan in zip(["k2", "k3"], plans, strict=True):
        assert plan.kpis is not None
        assert math.isclose(float(csv.loc["annual cost: total", label]),
                            plan.kpis.annual_cost["total"])
        assert math.isclose(float(csv.loc["collection km", label]), plan.kpis.km_per_day)
    assert csv.loc["collection km", "unit"] == "km/day"


def test_cli_missing_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().out
