"""Log records of worker processes, handed to the parent's loggers.

A worker process started with ``spawn`` imports :mod:`circularopt` afresh: its package
logger has only the library's ``NullHandler``, so a solver warning logged there would
be lost. :func:`forwarded_logs` gives a process pool an initializer that sends the
workers' ``circularopt`` records through a queue to the parent, where they reach the
handlers the application configured (the CLI's ``circularopt.log``).
"""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.context import BaseContext
from typing import Any

__all__ = ["forwarded_logs"]

_PACKAGE = "circularopt"


class _Relog(logging.Handler):
    """Hand a forwarded record to the parent's logger of the same name."""

    def emit(self, record: logging.LogRecord) -> None:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


def _init_worker(queue: Any, level: int) -> None:
    """Worker initializer: send the package's records at ``level`` or above to ``queue``."""
    logger = logging.getLogger(_PACKAGE)
    logger.addHandler(logging.handlers.QueueHandler(queue))
    logger.setLevel(level)


@contextmanager
def forwarded_logs(context: BaseContext
                   ) -> Iterator[tuple[Callable[..., None], tuple[Any, ...]]]:
    """``(initializer, initargs)`` for a process pool of ``context`` whose workers'
    ``circularopt`` log records reach the parent's loggers while the block runs.

    Close the pool inside the block: the records still queued are handed over when it
    ends.
    """
    queue = context.Queue()
    listener = logging.handlers.QueueListener(queue, _Relog())
    listener.start()
    try:
        yield _init_worker, (queue, logging.getLogger(_PACKAGE).getEffectiveLevel())
    finally:
        listener.stop()
        queue.close()
        queue.join_thread()
