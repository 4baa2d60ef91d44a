"""``site`` with ``SitingOptions(workers=2)``: backends raced in parallel processes."""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace
from typing import Any

import pytest

from circularopt.cities import generate
from circularopt.exceptions import InputError, SolverError
from circularopt.matrices import TravelMatrices, approximate_matrices
from circularopt.scenario import Scenario
from circularopt.siting.model import SitingOptions, site
from circularopt.siting.result import SitingResult
from circularopt.siting.site_portfolio import combine, race
from circularopt.siting.validate import validate_siting


@pytest.fixture(scope="module")
def small_city() -> tuple[Scenario, TravelMatrices]:
    """Synthetic Bishkek, 40 points, approximate matrices."""
    sc = generate("bishkek", size=40, seed=3)
    return sc, approximate_matrices(sc.locations())


@pytest.fixture(scope="module")
def solved(small_city: tuple[Scenario, TravelMatrices]) -> SitingResult:
    sc, matrices = small_city
    return site(sc, matrices, time_limit=30.0)


def fails(x: int) -> dict[str, Any]:
    """A race job that raises."""
    raise ValueError(f"bad {x}")


def echo(x: int) -> dict[str, Any]:
    """A race job that answers at once with a proven gap."""
    return {"x": x, "gap": 0.0}


def test_race_reports_a_failing_run() -> None:
    answers, _ = race(fails, [("a", (1,)), ("b", (2,))], time_limit=60.0,
                      relative_gap=1e-4)
    assert "ValueError: bad 1" in answers["a"]["error"]
    assert "ValueError: bad 2" in answers["b"]["error"]


def test_race_stops_at_the_first_proof() -> None:
    answers, _ = race(echo, [("a", (1,))], time_limit=60.0, relative_gap=1e-4)
    assert answers == {"a": {"x": 1, "gap": 0.0}}


def test_combine_takes_the_best_bound_of_all(solved: SitingResult) -> None:
    cheap = dataclasses.replace(solved, bound=solved.objective - 100.0, gap=0.5,
                                status="feasible")
    dear = dataclasses.replace(solved, objective=solved.objective + 50.0,
                               bound=solved.objective, status="feasible")
    out = combine({"scip/two-phase": cheap.to_dict(), "highs/two-phase": dear.to_dict(),
                   "scip/mip": {"error": "SolverError: boom\ntrace"}}, 1e-4, 1.0)
    assert out.objective == pytest.approx(solved.objective)
    assert out.bound == pytest.approx(solved.objective)
    assert out.gap == 0.0 and out.status == "optimal"
    assert out.backend == "portfolio:scip/two-phase"
    assert out.options["portfolio"]["scip/mip"] == {"error": "SolverError: boom"}


def test_combine_without_answers_names_the_errors() -> None:
    with pytest.raises(SolverError, match="boom"):
        combine({"scip/mip": {"error": "SolverError: boom"}}, 1e-4, 1.0)


def test_site_with_two_workers_is_valid(small_city: tuple[Scenario, TravelMatrices],
                                        solved: SitingResult) -> None:
    sc, matrices = small_city
    res = site(sc, matrices, time_limit=60.0, options=SitingOptions(workers=2))
    assert res.backend.startswith("portfolio:")
    assert set(res.options["portfolio"]) <= {"scip/two-phase", "highs/two-phase"}
    assert validate_siting(sc, matrices, res).ok
    assert math.isfinite(res.bound)
    if res.status == "optimal" and solved.status == "optimal":
        assert res.objective == pytest.approx(solved.objective, rel=2e-4)


def test_workers_checked() -> None:
    with pytest.raises(InputError, match="workers"):
        SitingOptions(workers=0)


def test_auto_workers_race_only_mid_sized_default_solves(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    import circularopt.siting.model as model

    def sized(points: int) -> Any:
        return SimpleNamespace(collection_points=range(points), complex_candidates=range(8))

    monkeypatch.setattr(model.os, "cpu_count", lambda: 2)
    assert SitingOptions().workers == 1
    auto = SitingOptions(workers=None)
    assert model._workers(sized(1200), auto) == 2  # 9,600 pairs
    assert model._workers(sized(100), auto) == 1  # 800: below RACE_MIN_PAIRS
    assert model._workers(sized(6000), auto) == 1  # 48,000: above SMALL_PAIRS
    assert model._workers(sized(1200), SitingOptions(backend="highs")) == 1
    assert model._workers(sized(1200), SitingOptions(method="mip")) == 1
    assert model._workers(sized(1200), SitingOptions(workers=1)) == 1
    monkeypatch.setattr(model.multiprocessing, "current_process",
                        lambda: SimpleNamespace(daemon=True))
    assert model._workers(sized(1200), auto) == 1
    monkeypatch.undo()
    monkeypatch.setattr(model.os, "cpu_count", lambda: 1)
    assert model._workers(sized(1200), auto) == 1
