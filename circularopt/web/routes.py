"""The app's pages and JSON endpoints (see :mod:`circularopt.web.app`)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.responses import Response as BaseResponse

from circularopt.exceptions import CircularOptError, InputError
from circularopt.i18n import tr
from circularopt.web import forms, uploads
from circularopt.web.locale import LANGUAGES, fmt_number
from circularopt.web.security import check_password
from circularopt.web.storage import ACTIVE, Database, RunRow, ScenarioRow

__all__ = ["csrf_guard", "page", "router", "run_json"]



async def csrf_guard(request: Request) -> None:
    """Refuse a state-changing request without the session's CSRF token (403)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.session.get("csrf")
    given = request.headers.get("x-csrf-token")
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get("csrf")
        given = value if isinstance(value, str) else None
    if not expected or given != expected:
        raise HTTPException(403, tr("missing or wrong CSRF token; reload the page"))


router = APIRouter(dependencies=[Depends(csrf_guard)])

RUN_DEFAULTS = {"time_limit": 60.0, "engine": "pyvrp", "seed": 0}
MAX_SIZE = 6000
_PLOTLY_JS: bytes | None = None


# --------------------------------------------------------------------------- helpers


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _lang(request: Request) -> str:
    return str(request.session.get("lang", "en"))


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render template ``name`` with the session's user, language and CSRF token."""
    lang = _lang(request)
    context.update(request=request, csrf=request.session.get("csrf", ""), lang=lang,
                   user=request.session.get("user"),
                   num=lambda v, d=0: fmt_number(v, d, lang),
                   logins=request.app.state.settings.logins)
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status)
    return response


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _error_text(exc: InputError, filename: str = "", stored: str = "") -> list[str]:
    """One line per problem, in the user's language, naming the row, field and value."""
    problems = getattr(exc, "problems", None) or (exc,)
    out = []
    for p in problems:
        where = str(p.field).replace(stored, filename) if stored else str(p.field)
        out.append(tr("{where}: value {value!r} is not valid; expected {expected}",
                      where=where, value=p.value, expected=p.expected))
    return out


def _not_found(what: str) -> JSONResponse:
    return JSONResponse({"error": tr("{what} not found", what=what)}, status_code=404)


def _run_dir(request: Request, run_id: int) -> Path:
    return Path(request.app.state.settings.data_dir) / "runs" / str(run_id)


def _files(request: Request, run_id: int) -> list[str]:
    folder = _run_dir(request, run_id)
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def run_json(request: Request, row: RunRow) -> dict[str, Any]:
    """The run's state as the API and the progress script see it."""
    return {"id": row.id, "scenario_id": row.scenario_id, "label": row.label,
            "status": row.status, "stage": row.stage, "seconds_left": row.seconds_left,
            "log": row.log.splitlines()[-15:], "error": row.error,
            "has_plan": row.has_plan, "settings": row.options(),
            "files": _files(request, row.id),
            "created": row.created.isoformat(timespec="seconds")}


# --------------------------------------------------------------------------- session


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    """The login page."""
    return page(request, "login.html")


@router.post("/login", response_model=None)
async def login(request: Request) -> BaseResponse:
    """Check a name and password; start the user's session."""
    form = await request.form()
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    user = _db(request).user(name)
    if user is None or not check_password(password, user.password_hash):
        return page(request, "login.html", 401, error=tr("wrong name or password"))
    request.session["user"] = user.name
    request.session["lang"] = user.language
    return _redirect("/")


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    """End the session."""
    request.session.clear()
    return _redirect("/login" if request.app.state.settings.logins else "/")


@router.post("/language")
async def language(request: Request) -> RedirectResponse:
    """Choose the user's language (kept in the session and the user's account)."""
    form = await request.form()
    lang = str(form.get("lang", "en"))
    if lang in LANGUAGES:
        request.session["lang"] = lang
        name = request.session.get("user")
        if name:
            with _db(request).session() as s:
                from sqlalchemy import update

                from circularopt.web.storage import UserRow
                s.execute(update(UserRow).where(UserRow.name == name).values(language=lang))
    back = request.headers.get("referer", "/")
    return _redirect(back if back.startswith(str(request.base_url)) else "/")


@router.get("/api/health")
def health() -> dict[str, str]:
    """Liveness check."""
    return {"status": "ok"}


@router.get("/vendor/plotly.js")
def plotly_js() -> BaseResponse:
    """plotly.js from the installed ``plotly`` package (no CDN), cached a day."""
    global _PLOTLY_JS
    if _PLOTLY_JS is None:
        from plotly.offline import get_plotlyjs

        _PLOTLY_JS = get_plotlyjs().encode("utf-8")
    return BaseResponse(_PLOTLY_JS, media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})


# --------------------------------------------------------------------------- scenarios


@router.get("/", response_class=HTMLResponse)
def home(request: Request, project: str | None = None) -> HTMLResponse:
    """Scenarios (of one project when ``project`` is given), projects, new-scenario forms
    and the latest runs."""
    return _home(request, project=project)


def _home(request: Request, status: int = 200, project: str | None = None,
          **extra: Any) -> HTMLResponse:
    from circularopt.cities import list_cities

    scenarios = _db(request).scenarios()
    projects: dict[str, int] = {}
    for s in scenarios:
        projects[s.project] = projects.get(s.project, 0) + 1
    shown = scenarios if project is None else [s for s in scenarios if s.project == project]
    return page(request, "home.html", status, scenarios=shown, projects=projects,
                project=project, runs=_db(request).runs()[:10], cities=list_cities(), **extra)


def _project(form: Any) -> str:
    return " ".join(str(form.get("project") or "").split())[:200]


def _city_scenario(form: Any) -> Any:
    from circularopt import cities
    from circularopt._validate import choice, text_number

    city = choice("city", str(form.get("city", "")), cities.list_cities())
    size = int(text_number("size", str(form.get("size", "200")), decimal_comma=True,
                           lo=1, hi=MAX_SIZE, expected=tr("a whole number 1-{n}", n=MAX_SIZE)))
    spec = cities.load_spec(city)
    season = str(form.get("season") or "") or None
    if season is not None:
        choice("season", season, tuple(spec.seasons) or ("",))
    elif spec.seasons:
        season = "summer" if "summer" in spec.seasons else sorted(spec.seasons)[0]
    return cities.generate(spec, size=size, season=season), f"{city} {season or ''} {size}"


@router.post("/scenarios/city", response_model=None)
async def new_city_scenario(request: Request) -> BaseResponse:
    """Create a scenario from a city spec (``city``, ``size``, ``season``)."""
    form = await request.form()
    try:
        scenario, source = _city_scenario(form)
    except (InputError, CircularOptError) as exc:
        return _home_error(request, exc)
    row = _db(request).add(ScenarioRow(name=str(form.get("name") or scenario.name),
                                       project=_project(form),
                                       source=tr("generated: {what}", what=source),
                                       data=json.dumps(scenario.to_dict())))
    return _redirect(f"/scenarios/{row.id}")


def _home_error(request: Request, exc: Exception, status: int = 422) -> HTMLResponse:
    lines = _error_text(exc) if isinstance(exc, InputError) else [str(exc)]
    return _home(request, status, errors=lines)


@router.get("/scenarios/{scenario_id}", response_class=HTMLResponse)
def scenario_page(request: Request, scenario_id: int) -> BaseResponse:
    """A scenario: its figures, the fleet and cost forms, the run form and its runs."""
    row = _db(request).scenario(scenario_id)
    if row is None:
        return _not_found(tr("scenario"))
    return _scenario_page(request, row)


def _scenario_page(request: Request, row: ScenarioRow, status: int = 200,
                   field_errors: dict[str, str] | None = None,
                   form: Any = None) -> HTMLResponse:
    scenario = row.scenario()
    runs = [r for r in _db(request).runs() if r.scenario_id == row.id]
    return page(request, "scenario.html", status, row=row, scenario=scenario,
                notes=request.session.pop("notes", []),
                fleet=forms.fleet_rows(scenario), cost_fields=forms.COST_FIELDS,
                runs=runs, errors=field_errors or {}, form=form or {},
                defaults=RUN_DEFAULTS)


@router.post("/scenarios/{scenario_id}/edit", response_model=None)
async def edit_scenario(request: Request, scenario_id: int) -> BaseResponse:
    """Apply the fleet, frequency and cost forms; errors are shown at their field."""
    db = _db(request)
    row = db.scenario(scenario_id)
    if row is None:
        return _not_found(tr("scenario"))
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        scenario = forms.apply_edits(row.scenario(), form)
    except InputError as exc:
        return _scenario_page(request, row, 422, {exc.field: _error_text(exc)[0]}, form)
    with db.session() as s:
        stored = s.get(ScenarioRow, scenario_id)
        assert stored is not None
        stored.data = json.dumps(scenario.to_dict())
    return _redirect(f"/scenarios/{scenario_id}")


@router.get("/scenarios/{scenario_id}/sites", response_class=HTMLResponse)
def sites_page(request: Request, scenario_id: int, page: int = 1) -> BaseResponse:
    """Candidate complexes, recyclers and one page of the sites' collection frequency."""
    row = _db(request).scenario(scenario_id)
    if row is None:
        return _not_found(tr("scenario"))
    return _sites_page(request, row, page)


def _sites_page(request: Request, row: ScenarioRow, number: int, status: int = 200,
                errors: dict[str, str] | None = None, form: Any = None) -> HTMLResponse:
    from circularopt.web import sites

    scenario = row.scenario()
    pages = max(1, -(-len(scenario.collection_points) // sites.SITES_PER_PAGE))
    number = min(max(1, number), pages)
    return page(request, "sites.html", status, row=row, scenario=scenario,
                candidates=sites.candidate_rows(scenario),
                recyclers=sites.recycler_rows(scenario), sites=sites.site_rows(scenario, number),
                page_number=number, pages=pages, labels=sites.COLUMN_LABELS,
                cand_columns=sites.CANDIDATE_COLUMNS, rec_columns=sites.RECYCLER_COLUMNS,
                field_errors=errors or {}, summary=list((errors or {}).values()),
                form=form or {}, notes=request.session.pop("notes", []))


@router.post("/scenarios/{scenario_id}/sites", response_model=None)
async def edit_sites(request: Request, scenario_id: int, page: int = 1) -> BaseResponse:
    """Apply the candidates, recyclers and frequency forms; every bad value is shown at its
    field, naming the row and the value."""
    from circularopt.web.sites import SiteFormError, apply_site_edits

    db = _db(request)
    row = db.scenario(scenario_id)
    if row is None:
        return _not_found(tr("scenario"))
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        scenario = apply_site_edits(row.scenario(), form)
    except SiteFormError as exc:
        return _sites_page(request, row, page, 422, exc.errors, form)
    with db.session() as s:
        stored = s.get(ScenarioRow, scenario_id)
        assert stored is not None
        stored.data = json.dumps(scenario.to_dict())
    request.session["notes"] = [tr("Saved.")]
    return _redirect(f"/scenarios/{scenario_id}/sites?page={page}")


@router.post("/scenarios/{scenario_id}/project", response_model=None)
async def set_project(request: Request, scenario_id: int) -> BaseResponse:
    """Put the scenario in a project (``project``: a name; empty: none)."""
    form = await request.form()
    with _db(request).session() as s:
        stored = s.get(ScenarioRow, scenario_id)
        if stored is None:
            return _not_found(tr("scenario"))
        stored.project = _project(form)
    return _redirect(f"/scenarios/{scenario_id}")


@router.get("/api/scenarios")
def api_scenarios(request: Request) -> list[dict[str, Any]]:
    """Scenarios: id, name, source, counts."""
    out = []
    for row in _db(request).scenarios():
        data = json.loads(row.data)
        out.append({"id": row.id, "name": row.name, "project": row.project,
                    "source": row.source,
                    "collection_points": len(data.get("collection_points", []))})
    return out


# --------------------------------------------------------------------------- uploads


def _upload_dir(request: Request) -> Path:
    return Path(request.app.state.settings.data_dir) / "uploads"


@router.post("/uploads", response_model=None)
async def upload(request: Request) -> BaseResponse:
    """Store a department's site file after checking it; show the column-mapping form."""
    settings = request.app.state.settings
    limit = int(settings.max_upload_mb * 1024 * 1024)
    if int(request.headers.get("content-length") or 0) > limit + 65536:
        return _home_error(request, InputError(
            "file", tr("{size} bytes", size=request.headers.get("content-length")),
            tr("at most {limit} bytes", limit=limit)), 413)
    form = await request.form()
    file = form.get("file")
    if file is None or isinstance(file, str):
        return _home_error(request, InputError("file", "", tr("a file to upload")))
    raw = await file.read(limit + 1)
    try:
        token = uploads.save_upload(raw, file.filename or "", _upload_dir(request),
                                    max_bytes=limit)
    except InputError as exc:
        return _home_error(request, exc)
    request.session.setdefault("uploads", {})[token] = file.filename or token
    request.session["uploads"] = dict(request.session["uploads"])
    return _redirect(f"/uploads/{token}")


def _upload_page(request: Request, token: str, status: int = 200, **extra: Any
                 ) -> BaseResponse:
    from circularopt.cities import list_cities

    names = request.session.get("uploads", {})
    if token not in names:
        return _not_found(tr("upload"))
    path = uploads.upload_path(_upload_dir(request), token)
    shown = uploads.preview(path)
    extra.setdefault("mapping", uploads.guess_mapping(shown["columns"]))
    return page(request, "upload.html", status, token=token, filename=names[token],
                preview=shown, fields=uploads.UPLOAD_FIELDS, cities=list_cities(), **extra)


@router.get("/uploads/{token}", response_class=HTMLResponse)
def upload_page(request: Request, token: str) -> BaseResponse:
    """The column-mapping form with a preview of the file."""
    return _upload_page(request, token)


@router.post("/uploads/{token}/import", response_model=None)
async def import_upload(request: Request, token: str) -> BaseResponse:
    """Import the mapped file as the container sites of a city's base scenario."""
    from circularopt import cities
    from circularopt._validate import choice
    from circularopt.importers import DataWarning, import_points
    from circularopt.pipeline import load_scenario

    names = request.session.get("uploads", {})
    if token not in names:
        return _not_found(tr("upload"))
    form = await request.form()
    mapping = {f: str(form.get(f"map.{f}")) for f in uploads.UPLOAD_FIELDS
               if form.get(f"map.{f}")}
    path = uploads.upload_path(_upload_dir(request), token)
    try:
        city = choice("city", str(form.get("city", "")), cities.list_cities())
        base = load_scenario(city, size=20, season=str(form.get("season") or "") or None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataWarning)
            scenario = import_points(base, path, kind="collection_points", columns=mapping)
    except (InputError, CircularOptError) as exc:
        lines = (_error_text(exc, names[token], str(path)) if isinstance(exc, InputError)
                 else [str(exc)])
        return _upload_page(request, token, 422, errors=lines, mapping=mapping,
                            bad_field=getattr(exc, "field", ""))
    city = str(form.get("city"))
    name = str(form.get("name") or "") or f"{names[token]} ({city})"
    row = _db(request).add(ScenarioRow(name=name, project=_project(form), source=tr(
        "uploaded: {file}, {n} sites, on the {city} base scenario (depots, candidates, "
        "recyclers and landfills are the city spec's)", file=names[token],
        n=len(scenario.collection_points), city=city), data=json.dumps(scenario.to_dict())))
    request.session["notes"] = [str(w.message).replace(str(path), names[token])
                                for w in caught][:10]
    return _redirect(f"/scenarios/{row.id}")


# --------------------------------------------------------------------------- runs


def _run_settings(form: Any) -> dict[str, Any]:
    from circularopt._validate import choice, text_number

    def num(key: str, lo: float, hi: float) -> float:
        return text_number(key, str(form.get(key) or RUN_DEFAULTS.get(key, "")),
                           decimal_comma=True, lo=lo, hi=hi,
                           expected=tr("a number from {lo} to {hi}", lo=lo, hi=hi))

    out: dict[str, Any] = {"time_limit": num("time_limit", 1, 24 * 3600),
                           "seed": int(num("seed", 0, 2**31)),
                           "engine": choice("engine", str(form.get("engine") or "pyvrp"),
                                            ("pyvrp", "ortools"))}
    if form.get("complexes"):
        out["complexes"] = int(num("complexes", 1, 1000))
    if form.get("max_iterations"):
        out["engine_options"] = {"max_iterations": int(num("max_iterations", 1, 10**9))}
    return out


@router.post("/scenarios/{scenario_id}/runs", response_model=None)
async def start_run(request: Request, scenario_id: int) -> BaseResponse:
    """Queue a run of the scenario (time limit, engine, complexes, seed, iterations)."""
    db = _db(request)
    row = db.scenario(scenario_id)
    if row is None:
        return _not_found(tr("scenario"))
    form = await request.form()
    try:
        settings = _run_settings(form)
    except InputError as exc:
        return _scenario_page(request, row, 422, {f"run.{exc.field}": _error_text(exc)[0]},
                              {f"run.{k}": str(v) for k, v in form.items()})
    count = len([r for r in db.runs() if r.scenario_id == scenario_id]) + 1
    label = str(form.get("label") or "") or f"{row.name} #{count}"
    run = db.add(RunRow(scenario_id=scenario_id, label=label[:200],
                        settings=json.dumps(settings), status="queued", stage="",
                        log="", cancel_requested=False, error=""))
    request.app.state.jobs.submit()
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(run_json(request, run), status_code=201)
    return _redirect(f"/runs/{run.id}")


@router.get("/runs", response_class=HTMLResponse)
def queue(request: Request) -> HTMLResponse:
    """The queue: every run with its state."""
    return page(request, "queue.html", runs=_db(request).runs(),
                workers=request.app.state.jobs.workers)


@router.get("/api/runs")
def api_runs(request: Request) -> list[dict[str, Any]]:
    """Every run's state, newest first."""
    return [run_json(request, r) for r in _db(request).runs()]


@router.get("/api/runs/{run_id}", response_model=None)
def api_run(request: Request, run_id: int) -> BaseResponse | dict[str, Any]:
    """One run's state: status, stage, seconds left, last log lines, files."""
    row = _db(request).run(run_id)
    return _not_found(tr("run")) if row is None else run_json(request, row)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: int) -> BaseResponse:
    """A run: progress while it runs; then map, KPIs, charts and downloads."""
    row = _db(request).run(run_id)
    if row is None:
        return _not_found(tr("run"))
    facts = row.facts()
    files = _files(request, run_id)
    return page(request, "run.html", run=row, active=row.status in ACTIVE,
                files=files, sheets=ROUTE_SHEETS in files, kpis=(facts or {}).get("kpis"),
                facts=facts, tiles=request.app.state.settings.tiles)


@router.post("/runs/{run_id}/cancel", response_model=None)
def cancel_run(request: Request, run_id: int) -> BaseResponse:
    """Cancel a queued run, or stop a running one keeping the plan so far."""
    row = _db(request).run(run_id)
    if row is None:
        return _not_found(tr("run"))
    done = request.app.state.jobs.cancel(run_id)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"cancelled": done}, status_code=200 if done else 409)
    return _redirect(f"/runs/{run_id}")


def _run_file(request: Request, run_id: int, name: str) -> Path | None:
    """A file of the run's folder by exact name (no path parts), or None."""
    folder = _run_dir(request, run_id).resolve()
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    path = (folder / name).resolve()
    return path if path.parent == folder and path.is_file() else None


@router.get("/runs/{run_id}/files/{name}", response_model=None)
def download(request: Request, run_id: int, name: str) -> BaseResponse:
    """Download one of the run's files (GeoPackage, CSV, report HTML, plan JSON, ...)."""
    path = _run_file(request, run_id, name)
    if path is None:
        return _not_found(tr("file"))
    return FileResponse(path, filename=f"run{run_id}-{name}")


def _view_dir(request: Request, run_id: int) -> Path:
    """The run's view folder, rewritten from the stored plan when it is missing or of an
    older format (:data:`~circularopt.web.mapview.VIEW_VERSION`)."""
    from circularopt.plan import Plan
    from circularopt.web.mapview import VIEW_VERSION, write_view

    folder = _run_dir(request, run_id) / "view"
    version = folder / "version"
    if version.is_file() and version.read_text(encoding="utf-8").strip() == VIEW_VERSION:
        return folder
    text = _db(request).plan_text(run_id)
    if text:
        write_view(Plan.from_dict(json.loads(text)), folder)
    return folder


ROUTE_SHEETS = "route-sheets.html"
"""The printable route sheets in a run's folder, written by ``write_outputs`` with
``circularopt.outputs.sheets`` (runs from before it have none)."""


@router.get("/runs/{run_id}/sheets", response_model=None)
def route_sheets(request: Request, run_id: int) -> BaseResponse:
    """The run's printable route sheets (one page per truck and day), shown in the browser
    for printing."""
    path = _run_file(request, run_id, ROUTE_SHEETS)
    if path is None:
        return _not_found(tr("route sheets"))
    return FileResponse(path, media_type="text/html", content_disposition_type="inline",
                        filename=f"run{run_id}-{ROUTE_SHEETS}")


@router.get("/api/runs/{run_id}/view/{name}", response_model=None)
def view_file(request: Request, run_id: int, name: str) -> BaseResponse:
    """The browser's files of a run: ``map.json``, ``charts.json``, ``stops.json``."""
    from circularopt.web.mapview import VIEW_FILES

    if name not in VIEW_FILES:
        return _not_found(tr("file"))
    path = _view_dir(request, run_id) / name
    if not path.is_file():
        return _not_found(tr("file"))
    return FileResponse(path, media_type="application/json")


@router.get("/api/runs/{run_id}/routes/{route}", response_model=None)
def route_detail(request: Request, run_id: int, route: str, day: str | None = None
                 ) -> BaseResponse:
    """One route's stops and times on ``day`` (default: the first day that has it)."""
    path = _view_dir(request, run_id) / "stops.json"
    stops = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    days = [day] if day is not None else list(stops)
    for d in days:
        if route in stops.get(d, {}):
            return JSONResponse({"route": route, "day": d, "stops": stops[d][route]})
    return _not_found(tr("route"))


# --------------------------------------------------------------------------- compare


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, a: int | None = None, b: int | None = None
                 ) -> HTMLResponse:
    """Two runs side by side: the comparison table and both maps."""
    from circularopt.compare import FIGURES, compare
    from circularopt.plan import Plan

    db = _db(request)
    runs = [r for r in db.runs() if r.has_plan]
    chosen = [r for r in (db.run(a) if a else None, db.run(b) if b else None)
              if r is not None and r.has_plan]
    table = None
    if len(chosen) == 2:
        plans = [Plan.from_dict(json.loads(db.plan_text(r.id) or "{}")) for r in chosen]
        frame = compare(plans, labels=[f"{k}: #{r.id} {r.label}" for k, r in
                                         zip("AB", chosen, strict=True)])
        digits = {f.name: f.digits for f in FIGURES}
        table = {"columns": list(frame.columns),
                 "rows": [(tr(str(name)), frame.attrs["units"].get(name, ""),
                           digits.get(name, 0), list(values))
                          for name, values in zip(frame.index, frame.values.tolist(),
                                                  strict=True)]}
    return page(request, "compare.html", runs=runs, chosen=chosen, table=table, a=a, b=b,
                tiles=request.app.state.settings.tiles)
