"""How the pipeline shares its budget between the reference peak day and the week."""

from __future__ import annotations

import dataclasses

import pytest

from circularopt.pipeline import peak_share, week_visits
from tests.helpers import town


def test_the_peak_day_gets_its_share_of_the_visits() -> None:
    s = town(8)  # Mon-Sat
    pts = tuple(dataclasses.replace(p, collections_per_week=f)
                for p, f in zip(s.collection_points, (2, 3, 7, 1, 2, 3, 7, 1), strict=True))
    s = dataclasses.replace(s, collection_points=pts)
    # a daily site is visited on the 6 working days: 2+3+6+1 twice
    assert week_visits(s, ()) == 24
    assert peak_share(s, ()) == pytest.approx(8 / (8 + 24))
