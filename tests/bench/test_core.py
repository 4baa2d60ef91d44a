"""The benchmark runner: gaps, markdown by size class, seeds, atomic CSV."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from circularopt.bench import (
    BENCH_SETS,
    BenchOptions,
    BenchRow,
    gap_pct,
    markdown_table,
    runner,
    seed_summary,
)
from circularopt.bench._core import routing_engine_options
from circularopt.cli import main
from circularopt.exceptions import InputError


def _row(name: str, n: int, cost: float, seed: int | None = None) -> BenchRow:
    extra = {} if seed is None else {"seed": seed}
    return BenchRow(name, n, 100.0, cost, True, 1.0, "e", extra)


def test_gap() -> None:
    assert gap_pct(101.0, 100.0) == pytest.approx(1.0)
    assert gap_pct(None, 100.0) is None and gap_pct(1.0, None) is None


def test_markdown_has_size_class_averages() -> None:
    text = markdown_table([_row("a", 40, 101), _row("b", 150, 103), _row("c", 160, 105)])
    lines = text.splitlines()
    assert any(line.startswith("| **n 0-50 (1)**") and "| 1.000 |" in line for line in lines)
    assert any(line.startswith("| **n 101-200 (2)**") and "| 4.000 |" in line
               for line in lines)
    assert lines[-1].startswith("| **average (3)**") and "| 3.000 |" in lines[-1]


def test_average_leaves_out_infeasible_rows() -> None:
    partial = BenchRow("p", 40, 100.0, 50.0, False, 1.0, "e", {})
    last = markdown_table([_row("a", 40, 102), partial]).splitlines()[-1]
    assert "| 2.000 |" in last and "| 1/2 |" in last


def test_seed_summary_mean_and_best() -> None:
    rows = [_row("a", 10, 104, 0), _row("a", 10, 102, 1), _row("b", 10, 100, 0)]
    summary = {r.instance: r for r in seed_summary(rows)}
    assert summary["a"].cost == pytest.approx(103) and summary["a"].extra["best_cost"] == 102
    assert summary["a"].extra["seeds"] == 2 and summary["b"].extra["seeds"] == 1


def test_cli_seeds(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "new" / "cflp.csv"
    code = main(["bench", "cflp", "--data", str(shared / "benchmarks/cflp/orlib"),
                 "--instances", "cap41", "--seeds", "2", "--out", str(out)])
    assert code == 0
    rows = pd.read_csv(out)
    assert list(rows["seed"]) == [0, 1] and rows["feasible"].all()
    seeds = pd.read_csv(out.with_name("cflp.seeds.csv"))
    assert len(seeds) == 1 and seeds.loc[0, "seeds"] == 2
    assert "Over 2 seeds" in out.with_suffix(".md").read_text(encoding="utf-8")
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def test_instances_take_several_globs(tmp_path: Path) -> None:
    options = BenchOptions(data=tmp_path, instances="p01, p1[45]")
    assert options.selects("p01") and options.selects("p14") and options.selects("x", "p15")
    assert not options.selects("p16")
    assert BenchOptions(data=tmp_path).selects("anything")


def test_options_are_checked_by_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"bench_options\.time_limit"):
        BenchOptions(data=tmp_path, time_limit=0)
    with pytest.raises(InputError, match=r"bench_options\.seed"):
        BenchOptions(data=tmp_path, seed=-1)
    with pytest.raises(InputError, match=r"bench_options\.engine_options"):
        BenchOptions(data=tmp_path, engine_options=[("a", 1)])  # type: ignore[arg-type]
    options = BenchOptions(data=str(tmp_path),  # type: ignore[arg-type]
                           engine_options={"max_iterations": 5})
    assert options.data == tmp_path and routing_engine_options(options) == {"max_iterations": 5}
    with pytest.raises(InputError, match="engine_options: got 'seed'"):
        routing_engine_options(BenchOptions(data=tmp_path, engine_options={"seed": 1}))


def test_registry_resolves_every_set() -> None:
    assert all(callable(runner(name)) for name in BENCH_SETS)
    with pytest.raises(InputError, match="bench set"):
        runner("nope")


@pytest.mark.parametrize(("bench_set", "text", "message"), [
    ("cvrp", '{"nope": 1}', "engine_options: got 'nope'"),
    ("cvrp", "[1]", "--engine-options: got '\\[1\\]'; expected a JSON object"),
    ("cvrp", "{bad", "--engine-options: got '{bad'; expected a JSON object"),
    ("cflp", "{}", "only for the routing sets"),
])
def test_cli_engine_options_errors_are_named(shared: Path, capsys: pytest.CaptureFixture[str],
                                             bench_set: str, text: str, message: str) -> None:
    data = shared / "benchmarks" / ("cvrp/X" if bench_set == "cvrp" else "cflp/orlib")
    code = main(["bench", bench_set, "--data", str(data), "--instances", "X-n101-k25",
                 "--time-limit", "0.2", "--engine-options", text])
    assert code != 0
    captured = capsys.readouterr()
    assert re.search(message, captured.out + captured.err)


def test_cli_engine_options_reach_the_engine(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "cvrp.csv"
    code = main(["bench", "cvrp", "--data", str(shared / "benchmarks/cvrp/X"),
                 "--instances", "X-n101-k25", "--time-limit", "5", "--out", str(out),
                 "--engine-options", '{"max_iterations": 50}'])
    rows = pd.read_csv(out)
    assert code == 0 and rows["feasible"].all() and rows.loc[0, "seconds"] < 4


def test_cli_interrupted_run_keeps_the_rows_done(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def two_then_stop(name: str, options: BenchOptions):
        yield _row("first", 10, 101)
        yield _row("second", 10, 102)
        raise KeyboardInterrupt

    monkeypatch.setattr("circularopt.cli.bench.run", two_then_stop)
    out = tmp_path / "cflp.csv"
    assert main(["bench", "cflp", "--data", str(tmp_path), "--out", str(out)]) == 130
    assert list(pd.read_csv(out)["instance"]) == ["first", "second"]
