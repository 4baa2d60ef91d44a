"""The one serialisation approach: dataclasses <-> plain JSON data (circularopt._serial)."""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from circularopt._serial import Spec, from_data, plain, to_data
from circularopt.exceptions import InputError
from circularopt.feedstock import FeedstockResult, RecyclerSupply
from circularopt.lrp import LRPRoute, LRPSolution
from circularopt.plan import Plan
from circularopt.routing.result import Route, RoutingResult, Visit
from circularopt.scenario import Scenario
from circularopt.siting.result import (
    CostBreakdown,
    OpenComplex,
    ResidueFlow,
    SitingResult,
    StreamFlow,
)

OLD_PLAN = Path(__file__).parent / "data" / "plan_before_serial.json"
"""A plan.json written before _serial existed (osh, 150 sites, 20 s)."""


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Leaf:
    name: str
    weight: float = 1.0


@dataclass(frozen=True)
class Tree:
    leaves: tuple[Leaf, ...]
    pair: tuple[float, float] | None = None
    by_name: Mapping[str, Leaf] = field(default_factory=dict)
    colour: Colour = Colour.RED
    best: Leaf | None = None
    bound: float = -math.inf
    notes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(leaf.weight for leaf in self.leaves)


def test_nested_dataclasses_tuples_none_enums_round_trip() -> None:
    tree = Tree((Leaf("a"), Leaf("b", 2.5)), (1.0, 2.0), {"a": Leaf("a", 3.0)}, Colour.BLUE,
                None, notes={"k": (1, 2), "s": {3, 1}})
    data = json.loads(json.dumps(to_data(tree)))
    assert data["leaves"] == [{"name": "a", "weight": 1.0}, {"name": "b", "weight": 2.5}]
    assert data["colour"] == "blue" and data["best"] is None
    assert data["notes"] == {"k": [1, 2], "s": [1, 3]}
    back = from_data(Tree, data)
    assert back.leaves == tree.leaves and back.pair == (1.0, 2.0)
    assert back.by_name == {"a": Leaf("a", 3.0)} and back.colour is Colour.BLUE
    assert from_data(Tree, {"leaves": []}) == Tree(())


def test_spec_renames_skips_computes_orders_and_writes_infinity_as_null() -> None:
    spec = Spec(rename={"leaves": "items"}, skip=frozenset({"notes"}),
                computed={"total": lambda t: t.total}, order=("total", "bound"),
                none_as={"bound": -math.inf})
    tree = Tree((Leaf("a", 2.0),), notes={"x": 1})
    data = to_data(tree, spec)
    assert list(data)[:2] == ["total", "bound"]
    assert data["total"] == 2.0 and data["bound"] is None
    assert "items" in data and "leaves" not in data and "notes" not in data
    back = from_data(Tree, json.loads(json.dumps(data)), "tree", spec)
    assert back == Tree((Leaf("a", 2.0),))


@pytest.mark.parametrize(("data", "field_", "expected"), [
    ({"leaves": "ab"}, "tree.leaves", "a JSON array"),
    ({"leaves": [{"name": 3}]}, "tree.leaves[0].name", "a text"),
    ({"leaves": [], "pair": [1.0]}, "tree.pair", "a JSON array of 2 items"),
    ({"leaves": [], "bound": "low"}, "tree.bound", "a number"),
    ({"leaves": [], "colour": "green"}, "tree.colour", "one of ['red', 'blue']"),
    ({"leaves": [], "by_name": [1]}, "tree.by_name", "a JSON object"),
    ({"leaves": [], "twigs": 1}, "tree", "only the keys"),
    ({}, "tree", "a Tree with the keys ['leaves']"),
    ([], "tree", "a JSON object describing a Tree"),
])
def test_malformed_data_names_the_place(data: Any, field_: str, expected: str) -> None:
    with pytest.raises(InputError) as info:
        from_data(Tree, data, "tree")
    assert info.value.field == field_
    assert expected in info.value.expected


def test_lenient_reading_leaves_checks_to_the_class() -> None:
    tree = from_data(Tree, {"leaves": [], "pair": "8-10"}, lenient=True)
    assert tree.pair == "8-10"  # type: ignore[comparison-overlap]


def test_unknown_keys_may_be_ignored() -> None:
    assert from_data(Leaf, {"name": "a", "run": 1}, spec=Spec(ignore_unknown=True)) == Leaf("a")


def test_plain_uses_a_class_to_dict() -> None:
    sol = LRPSolution((0,), (LRPRoute(0, (1, 2)),))
    assert plain({"s": sol}) == {"s": {"open_depots": [0],
                                       "routes": [{"depot": 0, "customers": [1, 2]}]}}


# --------------------------------------------------------------------------- result classes


def _siting() -> SitingResult:
    return SitingResult(
        "town", (OpenComplex("c1", 0, 50.0, 1000.0, {"plastic": 1.5}),), {"p1": "c1"},
        (StreamFlow("c1", "r1", "plastic", 1.2),), (ResidueFlow("c1", "lf", 0.3),), ("r9",),
        CostBreakdown(fixed=1000.0, revenue=10.0), 0.8, "feasible", 990.0, -math.inf,
        math.inf, 1.5, "highs", True, "offline", {"complexes": 1, "locked": ("c1",)},
        {"plastic": 0.0}, "KGS")


def _routing() -> RoutingResult:
    visits = (Visit("start", "d1", 0, 0, 420.0, 420.0, 420.0, (0.0,)),
              Visit("stop", "p1", 0, 1, 430.0, 430.0, 435.0, (1.5,)),
              Visit("end", "d1", 0, 0, 445.0, 445.0, 445.0, (1.5,)))
    return RoutingResult("town", "pyvrp", "feasible", 1.0,
                         (Route(0, 0, visits, 12.5, 25.0, 40.0),), ("p2",), None,
                         {"seed": 1})


def test_siting_result_round_trip_keeps_keys_and_infinity() -> None:
    result = _siting()
    data = json.loads(result.to_json())
    assert list(data)[:8] == ["scenario", "open_complexes", "assignment", "flows",
                              "residues", "opened_recyclers", "costs", "total_cost"]
    assert data["total_cost"] == 990.0 and data["bound"] is None and data["gap"] is None
    back = SitingResult.from_dict(data)
    assert back.bound == -math.inf and back.gap == math.inf
    assert back.options == {"complexes": 1, "locked": ["c1"]}
    assert back == SitingResult.from_json(back.to_json())


def test_routing_result_round_trip_keeps_totals_and_key_order() -> None:
    result = _routing()
    data = json.loads(result.to_json())
    assert list(data) == ["problem_name", "engine", "status", "seconds", "objective", "cost",
                          "distance", "duration", "num_vehicles", "unassigned", "info",
                          "routes"]
    assert list(data["routes"][0]) == ["vehicle_type", "vehicle", "distance", "duration",
                                       "cost", "visits"]
    assert RoutingResult.from_dict(data) == result


def test_feedstock_and_lrp_round_trip() -> None:
    feed = FeedstockResult((StreamFlow("c1", "r1", "glass", 2.0),), (),
                           (RecyclerSupply("r1", 5.0, {"glass": 2.0}),), {"paper": 0.5},
                           {"paper": "no recycler takes paper"}, 100.0, 20.0, 5.0,
                           "optimal", False)
    assert from_data(FeedstockResult, json.loads(json.dumps(to_data(feed)))) == feed
    sol = LRPSolution((1, 3), (LRPRoute(1, (4, 0)), LRPRoute(3, (2,))))
    assert LRPSolution.from_dict(json.loads(json.dumps(sol.to_dict()))) == sol
    with pytest.raises(InputError, match="open_depots"):
        LRPSolution.from_dict({"open_depots": ["x"], "routes": []})


def test_plan_written_before_serial_loads_and_writes_the_same() -> None:
    old = json.loads(OLD_PLAN.read_text(encoding="utf-8"))
    plan = Plan.load(OLD_PLAN)
    assert plan.siting is not None and plan.routing is not None and plan.kpis is not None
    assert json.loads(json.dumps(plan.to_dict())) == old
    assert json.dumps(plan.to_dict(), indent=1, ensure_ascii=False) == json.dumps(
        old, indent=1, ensure_ascii=False)
    assert Plan.from_dict(plan.to_dict()) == plan


def test_scenario_json_is_unchanged_by_a_round_trip() -> None:
    text = OLD_PLAN.read_text(encoding="utf-8")
    scenario_data = json.loads(text)["scenario"]
    scenario = Scenario.from_dict(scenario_data)
    assert scenario.to_dict() == scenario_data
    assert Scenario.from_json(scenario.to_json()).to_json() == scenario.to_json()


def test_a_bad_part_of_a_plan_names_it(tmp_path: Path) -> None:
    data = json.loads(OLD_PLAN.read_text(encoding="utf-8"))
    data["routing"]["routes"][0]["visits"][1]["load"] = "full"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as info:
        Plan.load(path)
    assert info.value.field == "routing: routes[0].visits[1].load"
    assert "a plan.json written by circularopt" in info.value.expected
