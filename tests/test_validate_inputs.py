"""The shared input checks (circularopt._validate): values, ranges and what errors name."""

from __future__ import annotations

import math
from typing import Any

import pytest

from circularopt._validate import (
    PER_WEEK,
    TIME_OF_DAY,
    boolean,
    choice,
    composition,
    frozen_map,
    ident,
    integer,
    number,
    per_week,
    position,
    sequence,
    share,
    slug,
    text_number,
    time_of_day,
    window,
)
from circularopt.exceptions import InputError


def test_valid_values_come_back_checked() -> None:
    assert number("x", 3) == 3.0 and isinstance(number("x", 3), float)
    assert number("x", 0.5, lo=0, hi=1) == 0.5
    assert integer("n", 7, lo=1, hi=7) == 7
    assert ident("id", "p1") == "p1" and slug("id", "rc-glass.2") == "rc-glass.2"
    assert position("p", 42.8, 74.6) == (42.8, 74.6)
    assert dict(frozen_map("m", {"glass": 0.5}, hi=1)) == {"glass": 0.5}
    assert window("w", [420, 600]) == (420.0, 600.0) and window("w", None) is None
    assert list(sequence("s", (1, 2))) == [1, 2]
    assert choice("c", "a", ["a", "b"]) == "a"
    assert share("s", 1) == 1.0 and per_week("p", 3.0) == 3 and per_week("p", 7) == 7
    assert boolean("b", True) is True
    assert boolean("b", " Yes ", words=True) is True and boolean("b", "0", words=True) is False


@pytest.mark.parametrize(("text", "comma", "value"), [
    ("1.5", False, 1.5), ("1 200", False, 1200.0), ("1\u00a0200,5", True, 1200.5),
    ("-3e2", False, -300.0), (".5", False, 0.5), ("1,5", True, 1.5),
])
def test_text_numbers(text: str, comma: bool, value: float) -> None:
    assert text_number("cell", text, decimal_comma=comma) == value


@pytest.mark.parametrize(("value", "kw", "minutes"), [
    ("07:30", {}, 450.0), ("24:00", {}, 1440.0), (480, {}, 480.0), (0.0, {}, 0.0),
    ("7h30", {"separators": ":.h"}, 450.0), ("7.30", {"separators": ":.h"}, 450.0),
    ("450", {"decimal_comma": False}, 450.0), ("450,5", {"decimal_comma": True}, 450.5),
])
def test_times_of_day(value: Any, kw: dict[str, Any], minutes: float) -> None:
    assert time_of_day("t", value, **kw) == minutes


@pytest.mark.parametrize(("check", "value", "expected"), [
    (lambda v: number("f", v), "1", "a finite number"),
    (lambda v: number("f", v), True, "a finite number"),
    (lambda v: number("f", v), math.nan, "a finite number"),
    (lambda v: number("f", v, lo=0, lo_open=True), 0, "a finite number > 0"),
    (lambda v: number("f", v, lo=-90, hi=90), 91, ">= -90 and <= 90"),
    (lambda v: integer("f", v, lo=1, hi=7), 8, "an integer >= 1 and <= 7"),
    (lambda v: integer("f", v), 2.0, "an integer >= 0"),
    (lambda v: ident("f", v), "  ", "a non-empty string"),
    (lambda v: slug("f", v), "rc glass", "an id of letters"),
    (lambda v: share("f", v), 1.5, "a share from 0 to 1"),
    (lambda v: per_week("f", v), 2.5, PER_WEEK),
    (lambda v: per_week("f", v), 0, PER_WEEK),
    (lambda v: boolean("f", v), "yes", "true or false"),
    (lambda v: boolean("f", v, words=True), "maybe", "true or false (also yes/no, 1/0)"),
    (lambda v: time_of_day("f", v), "8h30", TIME_OF_DAY),
    (lambda v: time_of_day("f", v), "25:00", TIME_OF_DAY),
    (lambda v: time_of_day("f", v), "480", TIME_OF_DAY),
    (lambda v: time_of_day("f", v), 1441, TIME_OF_DAY),
    (lambda v: time_of_day("f", v, decimal_comma=False), "2000", TIME_OF_DAY),
    (lambda v: text_number("f", v, decimal_comma=False), "1.2t", "a number"),
    (lambda v: text_number("f", v, decimal_comma=False), "1,5", "separated by ';'"),
    (lambda v: text_number("f", v, decimal_comma=True), "1,5.0", "a number"),
    (lambda v: text_number("f", v, decimal_comma=False, lo=0, expected="a number >= 0"),
     "-1", "a number >= 0"),
    (lambda v: window("f", v), [600, 420], "earliest <= latest"),
    (lambda v: window("f", v), "8-10", "[earliest, latest]"),
    (lambda v: frozen_map("f", v), [1], "a mapping"),
    (lambda v: sequence("f", v), "ab", "a list"),
    (lambda v: choice("f", v, ["a", "b"]), "c", "one of ['a', 'b']"),
])
def test_errors_name_field_value_and_what_is_valid(check: Any, value: Any,
                                                   expected: str) -> None:
    with pytest.raises(InputError) as info:
        check(value)
    assert info.value.field == "f"
    assert info.value.value == value or (value != value and info.value.value != value)
    assert expected in info.value.expected


def test_position_and_map_errors_name_the_part() -> None:
    with pytest.raises(InputError, match=r"p\.lon"):
        position("p", 10, 200)
    with pytest.raises(InputError, match=r"m\['glass'\]"):
        frozen_map("m", {"glass": -1})


def test_composition_is_shares_that_sum_to_one_for_known_streams() -> None:
    assert dict(composition("c", {"glass": 0.25, "paper": 0.75})) == {"glass": 0.25,
                                                                     "paper": 0.75}
    with pytest.raises(InputError, match=r"sum to 0\.9"):
        composition("c", {"glass": 0.4, "paper": 0.5})
    with pytest.raises(InputError, match=r"c key: got 'wood'; expected one of \['glass'\]"):
        composition("c", {"wood": 1.0}, streams=("glass",))
    with pytest.raises(InputError, match=r"c\['glass'\]"):
        composition("c", {"glass": 1.5})
