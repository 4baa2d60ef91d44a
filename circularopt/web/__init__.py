"""The web app for waste departments: upload, plan, look, compare, download.

``circularopt serve`` starts it (see :mod:`circularopt.cli.serve`);
:func:`create_app` builds the FastAPI app for :class:`WebSettings`. The parts:
:mod:`~circularopt.web.storage` (database tables and Alembic migrations),
:mod:`~circularopt.web.jobs` (runs in worker processes), :mod:`~circularopt.web.uploads`
(checked site files), :mod:`~circularopt.web.forms` (fleet and cost forms),
:mod:`~circularopt.web.mapview` (the plan's figures for the browser),
:mod:`~circularopt.web.routes` (pages and JSON endpoints) and
:mod:`~circularopt.web.security` (passwords, settings).
"""

from __future__ import annotations

from circularopt.web.app import create_app
from circularopt.web.security import WebSettings

__all__ = ["WebSettings", "create_app"]
