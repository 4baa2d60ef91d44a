"""The FastAPI application: pages, the JSON API, sessions, CSRF and logins.

:func:`create_app` builds the app for :class:`~circularopt.web.security.WebSettings`.
On start it migrates the database, marks runs a dead server left ``running`` as
interrupted (or, while their worker still runs, lets them finish) and starts the
:class:`~circularopt.web.jobs.JobManager`; on stop it interrupts the running workers,
which store their plans so far.

Every page is plain HTML that works without JavaScript; ``static/app.js`` adds live
progress, the map and the charts. Every POST needs the session's CSRF token (form
field ``csrf`` or header ``X-CSRF-Token``; see
:func:`~circularopt.web.routes.csrf_guard`). With logins on (a network address), every
page but the login page needs a logged-in user.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware

from circularopt.exceptions import InputError
from circularopt.i18n import tr, using
from circularopt.outputs.tiles import TILE_ORIGIN
from circularopt.web import routes
from circularopt.web.jobs import JobManager
from circularopt.web.locale import LANGUAGES
from circularopt.web.security import WebSettings, new_token
from circularopt.web.storage import Database, migrate

__all__ = ["create_app"]

HERE = Path(__file__).parent

_OPEN_PATHS = ("/login", "/static/", "/vendor/", "/api/health")
_CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' "
        f"'unsafe-inline'; img-src 'self' data: blob: {TILE_ORIGIN}; connect-src 'self'; "
        "worker-src blob:; child-src blob:; frame-ancestors 'none'")
"""Content security policy: scripts from the app only (plotly.js needs ``eval``), street
tiles from :data:`~circularopt.outputs.tiles.TILE_ORIGIN`."""


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["t"] = tr
    templates.env.globals["languages"] = LANGUAGES
    return templates


def create_app(settings: WebSettings) -> FastAPI:
    """The web app for ``settings`` (see the module docstring)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.url)
    db = Database(settings.url)
    jobs = JobManager(db, settings.data_dir, settings.workers)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        jobs.recover()
        jobs.start()
        yield
        jobs.shutdown()
        db.dispose()

    app = FastAPI(title="circularopt", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.settings, app.state.db, app.state.jobs = settings, db, jobs
    app.state.templates = _templates()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(routes.router)
    _add_middleware(app, settings)
    app.add_exception_handler(InputError, _input_error)
    return app


def _add_middleware(app: FastAPI, settings: WebSettings) -> None:
    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        session = request.session
        session.setdefault("csrf", new_token())
        path = request.url.path
        if settings.logins and not session.get("user") and not path.startswith(_OPEN_PATHS):
            if path.startswith("/api/") or request.method != "GET":
                return JSONResponse({"error": tr("login required")}, status_code=401)
            return RedirectResponse("/login", status_code=303)
        with using(str(session.get("lang", "en"))):  # tr() speaks the user's language
            response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    app.add_middleware(SessionMiddleware, secret_key=settings.session_key(),
                       same_site="strict", https_only=False, max_age=14 * 24 * 3600)
    app.add_middleware(GZipMiddleware, minimum_size=1024)  # map data: 0.7 MB -> 0.1 MB


async def _input_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InputError)
    return JSONResponse({"error": str(exc), "field": exc.field, "value": str(exc.value),
                         "expected": exc.expected}, status_code=422)
