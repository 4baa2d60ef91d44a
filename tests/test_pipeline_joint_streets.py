"""``solve(joint=True)`` with curbside streets: each judged siting routes the streets."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from circularopt import pipeline
from circularopt.pipeline import solve
from circularopt.routing.decompose import RoutingOptions
from circularopt.scenario import Scenario
from tests.routing.test_curbside import town_with_streets


def test_joint_judges_sitings_with_the_streets_routed(monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    calls: list[tuple[int, bool]] = []
    real = pipeline.route_city

    def spy(scenario: Scenario, *args: Any, **kw: Any) -> Any:
        zone_as_point = any(p.id.startswith("curbside-") for p in scenario.collection_points)
        calls.append((len(kw.get("runs", ())), zone_as_point))
        return real(scenario, *args, **kw)

    monkeypatch.setattr(pipeline, "route_city", spy)
    town = town_with_streets()
    c1 = town.complex_candidates[0]
    c2 = dataclasses.replace(c1, id="c2", lat=c1.lat - 0.01, lon=c1.lon - 0.012)
    scenario = dataclasses.replace(town, complex_candidates=(c1, c2))
    lines: list[str] = []
    plan = solve(scenario, joint=True, time_limit=16, progress=lines.append,
                 routing=RoutingOptions(workers=1))
    assert plan.valid, plan.violations
    trials = plan.info["joint"]
    assert len(trials) == 2 and all(t["valid"] for t in trials)
    # both judgements and the final routing serve the 3 street runs, never the zone's
    # siting point as a container site
    assert calls == [(3, False)] * 3
    kept = min(trials, key=lambda t: t["routed_annual_cost"])
    assert plan.siting is not None and list(plan.siting.open_ids) == kept["open"]
    assert plan.kpis is not None and plan.kpis.by_kind["curbside"]["tonnes"] > 0
    served = {v.id for r in plan.routing.routes for v in r.visits  # type: ignore[union-attr]
              if v.id.startswith("run-")}
    assert len(served) == plan.info["curbside"]["runs"]
