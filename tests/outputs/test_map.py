"""The static PNG map."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from PIL import Image

from circularopt.outputs import plan_layers, write_map_png
from circularopt.plan import Plan


def test_png_is_drawn_with_a_legend(plan: Plan, tmp_path: Path) -> None:
    path = write_map_png(plan, plan_layers(plan), tmp_path / "map.png", dpi=60)
    with Image.open(path) as img:
        assert img.format == "PNG"
        colours = img.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 20  # not a blank canvas


def test_old_report_module_warns_and_re_exports() -> None:
    from circularopt.outputs import report

    sys.modules.pop("circularopt.report", None)
    with pytest.warns(DeprecationWarning, match="circularopt.outputs.report"):
        old = importlib.import_module("circularopt.report")
    assert old.write_report is report.write_report
