"""The top-level facade: ``import circularopt as co`` gives the public API, lightly."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

import circularopt as co
from circularopt.config import project_root

STAGES = ("load_network", "road_matrices", "approximate_matrices", "scenario_matrices",
          "site", "assign_feedstock", "route_city", "generate", "load_scenario")


def test_dir_lists_the_facade_and_nothing_else() -> None:
    public = [n for n in dir(co) if not n.startswith("_")]
    assert public == sorted(n for n in co.__all__ if not n.startswith("_"))
    for name in ("solve", "Plan", "Scenario", "InputError", "CollectionPoint", *STAGES):
        assert name in public
    assert "Any" not in public and "TYPE_CHECKING" not in public


@pytest.mark.parametrize("name", co.__all__)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(co, name) is not None


def test_lazy_names_are_the_stage_functions() -> None:
    from circularopt.matrices import approximate_matrices, scenario_matrices
    from circularopt.pipeline import solve
    from circularopt.plan import Plan

    assert co.solve is solve and co.Plan is Plan
    assert co.approximate_matrices is approximate_matrices
    assert co.scenario_matrices is scenario_matrices
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = co.nope  # type: ignore[attr-defined]


def test_version_comes_from_the_installed_metadata() -> None:
    try:
        expected = importlib.metadata.version("circularopt")
    except importlib.metadata.PackageNotFoundError:
        expected = "0+unknown"
    assert co.__version__ == expected


def test_import_stays_light() -> None:
    code = ("import sys, circularopt; "
            "print(' '.join(m for m in ('ortools', 'pyvrp', 'osmnx', 'scipy', 'geopandas') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=project_root(),
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
