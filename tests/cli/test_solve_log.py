"""``circularopt solve`` keeps solver warnings in out/.../circularopt.log, off the console."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from circularopt.plan import Plan
from tests.outputs.conftest import tiny_plan

PENALTY = ("PyVRP warned 3 time(s): A penalty parameter has reached its maximum value "
           "(PenaltyBoundWarning)")


@pytest.fixture(scope="module")
def plan_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_plan().save(tmp_path_factory.mktemp("plan") / "plan.json")


def _run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})


def test_a_package_warning_is_not_printed_without_a_handler(tmp_path: Path) -> None:
    done = _run("""
        import logging, circularopt
        logging.getLogger("circularopt.routing.engines.pyvrp_engine").warning("penalty")
        """, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_solve_writes_a_solver_warning_to_the_log_not_to_stderr(plan_json: Path,
                                                                tmp_path: Path) -> None:
    done = _run(f"""
        import logging, sys
        import circularopt.cli.solve as cli_solve
        from circularopt.cli import main
        from circularopt.plan import Plan

        def fake_solve(*args, **kwargs):
            logging.getLogger("circularopt.routing.engines.pyvrp_engine").warning(
                {PENALTY!r})
            return Plan.load({str(plan_json)!r})

        cli_solve.solve = fake_solve
        sys.exit(main(["solve", "tiny", "--out", "out/tiny"]))
        """, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "PenaltyBoundWarning" not in done.stdout
    log = tmp_path / "out" / "tiny" / "circularopt.log"
    assert PENALTY in log.read_text(encoding="utf-8")
    assert "1 solver warning(s) logged, see out/tiny/circularopt.log" in " ".join(
        done.stdout.split())


def test_the_summary_names_the_log_only_when_warnings_were_logged(plan_json: Path) -> None:
    plan = Plan.load(plan_json)
    assert "circularopt.log" not in plan.summary(log_file="out/x/circularopt.log")
    assert "2 solver warning(s) logged, see out/x/circularopt.log" in plan.summary(
        log_file="out/x/circularopt.log", logged_warnings=2)
