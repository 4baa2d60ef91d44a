"""The README's Python example runs as a plain script, without a ``__main__`` guard.

Routing solves the city's parts in spawned processes; a spawned child must not re-run
the caller's script (it would solve again and break the pool).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from circularopt.config import project_root


def unguarded_readme_example() -> str:
    """The README's example without its guard, with small time limits, and the stage-by-
    stage routing forced onto two worker processes (so a pool starts on any machine)."""
    readme = (project_root() / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", readme, re.S)
    assert block is not None, "README has no python example"
    head, guard, body = block.group(1).partition('if __name__ == "__main__":')
    assert guard, "the README example is expected to show the guard"
    body = body.split("\n", 1)[1]  # drop the rest of the guard's line (its comment)
    code = head + textwrap.dedent(body)
    for old, new in (("time_limit=120", "time_limit=15"), ("time_limit=30", "time_limit=5"),
                     ("time_limit=60)", "time_limit=6, options=RoutingOptions(workers=2, "
                                        "max_part_stops=100))")):
        assert old in code, old
        code = code.replace(old, new)
    return "from circularopt.routing.decompose import RoutingOptions\n" + code


def test_readme_example_runs_unguarded(tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(unguarded_readme_example(), encoding="utf-8")
    assert "__main__" not in script.read_text(encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(project_root())}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("Scenario 'issyk-kul-summer'") == 1, done.stdout
    assert "part " in done.stdout and (tmp_path / "plan.json").is_file()


def test_main_hidden_restores_the_main_module() -> None:
    from circularopt.routing.decompose import _main_hidden

    main = sys.modules["__main__"]
    before = {k: main.__dict__.get(k, "absent") for k in ("__file__", "__spec__")}
    with _main_hidden():
        assert "__file__" not in main.__dict__ and main.__spec__ is None
    assert {k: main.__dict__.get(k, "absent") for k in ("__file__", "__spec__")} == before
