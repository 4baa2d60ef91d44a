"""The week in the scenario: working days, patterns and fixed days per point."""

from __future__ import annotations

import dataclasses

import pytest

from circularopt.exceptions import InputError
from circularopt.routing.periodic import scenario_patterns
from circularopt.scenario import Scenario, Week
from tests.helpers import town


def _weekly(**point: object) -> Scenario:
    """The tiny town with its first point changed by ``point``."""
    s = town(3)
    first = dataclasses.replace(s.collection_points[0], **point)  # type: ignore[arg-type]
    return dataclasses.replace(s, collection_points=(first, *s.collection_points[1:]))


def test_a_file_without_a_week_gets_the_assumed_default() -> None:
    data = town(2).to_dict()
    assert "week" not in data and "fixed_days" not in data["collection_points"][0]
    s = Scenario.from_dict(data)
    assert s.week.working_days == ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
    assert s.week.source.startswith("assumed")


def test_the_week_round_trips_through_json() -> None:
    s = dataclasses.replace(_weekly(collections_per_week=2, visit_patterns=(("Mon", "Thu"),)),
                            week=Week(working_days=("Mon", "Tue", "Wed", "Thu", "Fri"),
                                      trucks_per_day={"Fri": 1}, source="test"))
    back = Scenario.from_json(s.to_json())
    assert back.week == s.week
    assert back.collection_points[0].visit_patterns == (("Mon", "Thu"),)


def test_scenario_patterns_from_points() -> None:
    s = _weekly(collections_per_week=3, fixed_days=("Tue", "Thu", "Sat"))
    patterns = scenario_patterns(s.week, s.collection_points)
    assert patterns[0] == ((1, 3, 5),)
    assert patterns[1] == ((0, 1, 2, 3, 4, 5),)  # daily: every working day


def test_a_fixed_day_off_the_week_names_the_point() -> None:
    with pytest.raises(InputError, match=r"'p0'\.fixed_days.*Sun.*a working day"):
        _weekly(collections_per_week=1, fixed_days=("Sun",))


def test_a_pattern_with_the_wrong_count_names_the_point() -> None:
    with pytest.raises(InputError, match=r"'p0'\.visit_patterns\[0\].*2 distinct"):
        _weekly(collections_per_week=2, visit_patterns=(("Mon",),))


def test_a_frequency_above_a_five_day_week() -> None:
    s = _weekly(collections_per_week=6)
    with pytest.raises(InputError, match=r"'p0'\.collections_per_week.*1 to 5"):
        dataclasses.replace(s, week=Week(working_days=("Mon", "Tue", "Wed", "Thu", "Fri")))


def test_unknown_day_names_are_refused() -> None:
    with pytest.raises(InputError, match=r"visit_patterns\[0\].*Mo\b"):
        _weekly(visit_patterns=(("Mo",),))
