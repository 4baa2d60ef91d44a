"""The ``circularopt network`` command."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.network.conftest import NODES


def test_cli_summary_and_matrix(tiny_osm: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    from circularopt.cli import main
    from circularopt.matrices import load_matrices

    points = tmp_path / "points.csv"
    points.write_text("id,lat,lon\n" + "".join(
        f"n{k},{NODES[k][0]},{NODES[k][1]}\n" for k in (1, 6, 9)), encoding="utf-8")
    assert main(["network", str(tiny_osm)]) == 0
    out = capsys.readouterr().out
    assert "nodes_outside_largest_scc" in out and "OSM XML" in out
    npz = tmp_path / "m.npz"
    assert main(["network", str(tiny_osm), "--points", str(points), "--out", str(npz),
                 "--no-cache", "--workers", "1"]) == 0
    m = load_matrices(npz)
    assert m.ids == ("n1", "n6", "n9") and not m.approximate
    assert m.duration_s[0, 1] > 0
    long_csv = tmp_path / "m.csv"
    assert main(["network", str(tiny_osm), "--points", str(points), "--out", str(long_csv),
                 "--no-cache", "--workers", "1"]) == 0
    rows = long_csv.read_text().splitlines()
    assert rows[0] == "from,to,duration_s,distance_m" and len(rows) == 10
    assert main(["network", str(tiny_osm), "--points", str(points), "--out",
                 str(tmp_path / "m.txt")]) == 2
    assert "--out" in capsys.readouterr().out
    points.write_text("id,lat,lon\nfar,43.5,75.5\n", encoding="utf-8")
    assert main(["network", str(tiny_osm), "--points", str(points), "--no-cache"]) == 2
    assert "'far'" in capsys.readouterr().out
