"""Fixtures of the web tests: an app on a temporary data folder and Russian-locale files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

RU_HEADER = ("Код", "Наименование", "Широта", "Долгота", "Тонн в сутки", "Вывозов в неделю")


def russian_csv(n: int, *, encoding: str = "utf-8-sig", bad_row: int | None = None) -> bytes:
    """``n`` Osh container sites as Russian Excel writes a CSV: ``;``, decimal commas.

    Positions and tonnes are SYNTHETIC (a generated Osh scenario's). ``bad_row`` (a
    spreadsheet row number, header = 1) gets a latitude of ``север``.
    """
    from circularopt import generate

    points = generate("osh", size=max(150, n)).collection_points[:n]

    def comma(x: float, digits: int) -> str:
        return f"{x:.{digits}f}".replace(".", ",")

    lines = [";".join(RU_HEADER)]
    for k, p in enumerate(points, start=2):
        lat = "север" if k == bad_row else comma(p.lat, 6)
        tonnes = comma(sum(p.tonnes_per_day.values()), 3)
        lines.append(f"{p.id};Площадка {k - 1};{lat};{comma(p.lon, 6)};{tonnes};"
                     f"{p.collections_per_week}")
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def csrf_of(client: TestClient) -> str:
    """The session's CSRF token, read from a page as a browser would."""
    match = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
    assert match is not None
    return match.group(1)


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """An empty data folder."""
    return tmp_path / "data"


@pytest.fixture()
def client(data_dir: Path) -> Iterator[Any]:
    """A client of a fresh app on localhost (no logins), one worker."""
    pytest.importorskip("fastapi", reason="the web extra is not installed (pip install .[web])")
    from fastapi.testclient import TestClient

    from circularopt.web import WebSettings, create_app

    with TestClient(create_app(WebSettings(data_dir=data_dir, workers=1))) as c:
        yield c
