"""Log records of spawned worker processes reach the parent's handlers."""

from __future__ import annotations

import logging
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from circularopt._worker_logs import forwarded_logs


def _warn_in_worker(k: int) -> int:
    logging.getLogger("circularopt.routing.engines.pyvrp_engine").warning(
        "PyVRP warned 1 time(s): penalty %d", k)
    logging.getLogger("circularopt.routing.engines.pyvrp_engine").debug("too fine %d", k)
    return k


def test_worker_warnings_reach_the_parents_log(caplog: pytest.LogCaptureFixture) -> None:
    context = get_context("spawn")
    with caplog.at_level(logging.INFO, logger="circularopt"), forwarded_logs(context) as (
            init, initargs), ProcessPoolExecutor(max_workers=2, mp_context=context,
                                                 initializer=init, initargs=initargs) as pool:
        assert sorted(pool.map(_warn_in_worker, range(3))) == [0, 1, 2]
    got = sorted(r.getMessage() for r in caplog.records
                 if r.name == "circularopt.routing.engines.pyvrp_engine")
    assert got == [f"PyVRP warned 1 time(s): penalty {k}" for k in range(3)]
    assert all(r.levelno == logging.WARNING for r in caplog.records)
