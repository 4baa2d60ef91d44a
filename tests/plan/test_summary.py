"""Plan.summary: recyclable tonnes landfilled instead of sold, with the reason."""

from __future__ import annotations

from circularopt.feedstock import FeedstockResult, RecyclerSupply
from circularopt.plan import Plan
from tests.outputs.conftest import tiny_scenario

COSTLY = "delivery costs more than the price plus the avoided landfill fee"


def _plan(unplaced: dict[str, float], reasons: dict[str, str]) -> Plan:
    """The tiny town with hand-made feedstock: rc-paper and rc-metal receive nothing."""
    fs = FeedstockResult(
        flows=(), residues=(),
        supply=(RecyclerSupply("rc-plastic", 120.0, {"plastic": 3.0}),
                RecyclerSupply("rc-paper", 50.0, {}),
                RecyclerSupply("rc-metal", 150.0, {"metal": 0.0})),
        unplaced_t_per_day=unplaced, unplaced_reason=reasons, revenue=0.0, transport=0.0,
        landfill=0.0, status="optimal", approximate=True)
    return Plan(tiny_scenario(), None, fs, None, None, approximate=True,
                matrices_source="test", valid=True)


def test_summary_names_landfilled_recyclables_and_why() -> None:
    text = _plan({"organics": 157.44, "paper": 0.0}, {"organics": COSTLY}).summary()
    assert f"recovered but landfilled: organics 157.4 t/day ({COSTLY})" in text
    assert "landfilled: paper" not in text  # nothing left over


def test_summary_names_recyclers_receiving_nothing() -> None:
    text = _plan({}, {}).summary()
    assert "recyclers receiving nothing: rc-paper, rc-metal" in text
    assert "rc-plastic" not in text
    assert "landfilled" not in text


def test_summary_of_a_plan_without_feedstock_has_no_such_lines() -> None:
    plan = Plan(tiny_scenario(), None, None, None, None, approximate=False,
                matrices_source="test", valid=True)
    assert "receiving nothing" not in plan.summary()
