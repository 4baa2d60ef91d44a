"""The report's run table reads as text for people: no None, no raw dicts, types once."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from circularopt.outputs.report import _human, _run_value
from circularopt.plan import Plan


def _run_table(html: str) -> str:
    start = html.index("<h3>Run</h3>")
    end = html.find("<h3>", start + 1)
    return html[start:end if end > 0 else len(html)]


def test_run_table_has_no_raw_python_values(out: Path, plan: Plan) -> None:
    assert None in plan.info.values()  # backend and max_snap_m are unset in the tiny run
    table = _run_table((out / "report.html").read_text(encoding="utf-8"))
    assert "None" not in table
    assert "{" not in table and "[" not in table
    assert "time limit</td><td>5 s</td>" in table


def test_run_table_lists_the_vehicle_types_once(out: Path, plan: Plan) -> None:
    types = plan.info["vehicle_types"]
    assert sorted(types) == ["dp/big", "dp/small"]  # one type per depot truck type, plan-wide
    table = _run_table((out / "report.html").read_text(encoding="utf-8"))
    assert "dp/small, dp/big" in table
    assert len(re.findall("dp/small", table)) == 1


@pytest.mark.parametrize(("value", "unit", "text"), [
    (None, "", "\u2014"), ({}, "", "\u2014"), (True, "", "yes"), (1234, "s", "1,234 s"),
    (0.0217, "s", "0.022 s"), (2.0, "s", "2 s"),
    ({"python": "3.11", "siting": 0.5}, "s", "python: 3.11; siting: 0.5 s"),
    (["a", None], "", "a, \u2014")])
def test_values_for_people(value: object, unit: str, text: str) -> None:
    assert _human(value, unit) == text


def test_vehicle_types_keep_their_first_order() -> None:
    assert _run_value("vehicle_types", ["d/b", "d/a", "d/b", "d/a"]) == "d/b, d/a"


def test_a_plan_with_dict_info_renders(plan: Plan) -> None:
    from circularopt.outputs.report import report_html

    again = dataclasses.replace(plan, info={**plan.info, "engine_options": {"a": None}})
    assert "a: \u2014" in _run_table(report_html(again))
