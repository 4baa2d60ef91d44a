"""Worker helpers: progress lines and the once-only, write-safe SIGINT handler."""

from __future__ import annotations

import os
import signal

import pytest

pytest.importorskip("sqlalchemy", reason="the web extra is not installed (pip install .[web])")

from circularopt.web.jobs import _Interrupt, parse_progress


def test_parse_progress() -> None:
    assert parse_progress("[   1.1s,  118.9s left] routing ...") == ("routing", 118.9)
    assert parse_progress("2 parts built in 0.0 s") is None


def test_sigint_waits_for_the_database_write_and_fires_once() -> None:
    stop = _Interrupt()
    old = signal.signal(signal.SIGINT, stop)
    try:
        done = []
        with pytest.raises(KeyboardInterrupt), stop.deferred():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("write finished")
        assert done == ["write finished"]
        os.kill(os.getpid(), signal.SIGINT)  # ignored now
    finally:
        signal.signal(signal.SIGINT, old)
