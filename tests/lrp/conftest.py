"""The tiny location-routing instance shared by the LRP tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.lrp import LRPInstance, read_prodhon

# 2 candidate depots, 5 customers (Prodhon's layout of numbers).
TINY = """5
2

0 0
10 0

1 1
2 0
9 1
8 -1
5 3

10

15
20

4
3
5
4
6

700
600

100

0
"""


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    """A tiny Prodhon-format file."""
    path = tmp_path / "tiny-5-2.dat"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture
def tiny(tiny_file: Path) -> LRPInstance:
    """The tiny instance, truncated arc costs."""
    return read_prodhon(tiny_file)
