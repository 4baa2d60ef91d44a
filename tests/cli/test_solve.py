"""`circularopt solve`: nothing half-written on failure, the plan so far saved on Ctrl-C."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from circularopt import cli
from circularopt.pipeline import solve
from circularopt.plan import Plan
from tests.helpers import town


def test_failed_write_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import circularopt.outputs

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(circularopt.outputs, "write_map_png", broken)
    scenario = tmp_path / "town.json"
    town().to_json(scenario)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        cli.main(["solve", str(scenario), "--time-limit", "3", "--out", str(out)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["town.json"]
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OSError, match="disk full"):
        cli.main(["solve", str(scenario), "--time-limit", "3", "--out", str(out)])
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "town.json"]


def test_cli_interrupt_saves_the_plan_so_far(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import circularopt.cli.solve as cli_solve

    def interrupted(*args: Any, progress: Callable[[str], None], **kwargs: Any) -> Plan:
        def stop_at_routing(msg: str) -> None:
            progress(msg)
            if msg.endswith("routing ..."):
                raise KeyboardInterrupt

        return solve(*args, progress=stop_at_routing, **kwargs)

    monkeypatch.setattr(cli_solve, "solve", interrupted)
    scenario = tmp_path / "town.json"
    town().to_json(scenario)
    code = cli.main(["solve", str(scenario), "--time-limit", "5", "--out",
                     str(tmp_path / "out")])
    assert code == 130
    saved = Plan.load(tmp_path / "out" / "plan.json")
    assert not saved.complete and saved.siting is not None and saved.routing is None
    assert saved.info["interrupted_at"] == "routing"
    assert "incomplete" in capsys.readouterr().out
