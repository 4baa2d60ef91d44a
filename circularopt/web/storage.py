"""The web app's database: tables, migrations and a small repository.

The schema is created and upgraded by Alembic (scripts in ``circularopt/web/migrations``)
when the app starts. SQLite (a file under the data folder) is the default; any SQLAlchemy
URL works, e.g. ``postgresql+psycopg://user@host/db`` for a department's server.
Scenarios and plans are stored as circularopt's own JSON (:meth:`Scenario.to_dict`,
:meth:`Plan.to_dict`) in text columns, so SQLite needs no spatial extension (no
SpatiaLite). A run's plan column is loaded only on demand (:meth:`Database.plan_text`);
pages use the small ``summary`` (KPIs and verdict, :func:`plan_summary`).

On PostgreSQL with PostGIS (the migration creates the extension when it may), each stored
plan's map layers are also kept as PostGIS geometry in SRID 4326 (:data:`PLAN_POINTS`,
:data:`PLAN_LINES`, written by :mod:`circularopt.web.gis`), so a GIS such as QGIS can
query the plans in the database; elsewhere those tables do not exist.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import UserDefinedType

__all__ = ["ACTIVE", "PLAN_LINES", "PLAN_POINTS", "SRID", "Base", "Database", "Geometry",
           "RunRow", "ScenarioRow", "UserRow", "migrate", "now", "plan_summary"]

ACTIVE = ("queued", "running")
"""Run states in which a run still waits for or holds a worker."""


def now() -> dt.datetime:
    """The current UTC time (naive, as stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of the web tables."""


class UserRow(Base):
    """A user account (required when the app listens on a network address)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(400))
    language: Mapped[str] = mapped_column(String(8), default="en")
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class ScenarioRow(Base):
    """A scenario: circularopt's scenario JSON, where it came from and its project (a
    name grouping scenarios; empty: none)."""

    __tablename__ = "scenarios"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(400))
    data: Mapped[str] = mapped_column(Text)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    project: Mapped[str] = mapped_column(String(200), default="", server_default="")

    def scenario(self) -> Any:
        """The stored :class:`~circularopt.scenario.Scenario`."""
        from circularopt.scenario import Scenario

        return Scenario.from_dict(json.loads(self.data))


class RunRow(Base):
    """A run of the pipeline on a scenario: its settings, progress and plan."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"))
    label: Mapped[str] = mapped_column(String(200))
    settings: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    stage: Mapped[str] = mapped_column(String(40), default="")
    seconds_left: Mapped[float | None] = mapped_column(Float, nullable=True)
    log: Mapped[str] = mapped_column(Text, default="")
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    plan: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    started: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    finished: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    def options(self) -> dict[str, Any]:
        """The run's settings (time limit, engine, ...)."""
        out: dict[str, Any] = json.loads(self.settings)
        return out

    @property
    def has_plan(self) -> bool:
        """Whether a (complete or partial) plan is stored."""
        return self.summary is not None

    def facts(self) -> dict[str, Any] | None:
        """The stored plan's summary (KPIs, verdict, banners), or None."""
        return None if self.summary is None else dict(json.loads(self.summary))


SRID = 4326
"""Spatial reference of the stored geometry (WGS84 longitude/latitude)."""


class Geometry(UserDefinedType[str]):
    """A PostGIS ``geometry(<kind>, 4326)`` column written and read as WKT.

    Hand-written (ten lines) instead of GeoAlchemy2's type: only PostgreSQL ever gets
    these columns, and WKT in and out through ``ST_GeomFromText`` / ``ST_AsText`` is all
    the app needs.
    """

    cache_ok = True

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def get_col_spec(self, **_kw: Any) -> str:
        """The column's SQL type."""
        return f"geometry({self.kind},{SRID})"

    def bind_expression(self, bindvalue: Any) -> ColumnElement[str]:
        """WKT to geometry."""
        return func.ST_GeomFromText(bindvalue, SRID, type_=self)

    def column_expression(self, colexpr: Any) -> ColumnElement[str]:
        """Geometry to WKT."""
        return func.ST_AsText(colexpr, type_=self)


GIS = MetaData()
"""The PostGIS tables (created by migration 0004 on PostgreSQL with PostGIS only)."""


def _feature_table(name: str, kind: str) -> Table:
    return Table(name, GIS,
                 Column("id", Integer, primary_key=True),
                 Column("run_id", Integer, index=True, nullable=False),
                 Column("layer", String(60), nullable=False),
                 Column("feature", String(200), nullable=False),
                 Column("properties", JSONB, nullable=False),
                 Column("geom", Geometry(kind), nullable=False))


PLAN_POINTS = _feature_table("plan_points", "Point")
"""A plan's point features: collection points, complexes, recyclers, landfills, depots
(``layer`` is the layer's name in :func:`circularopt.outputs.plan_layers`)."""

PLAN_LINES = _feature_table("plan_lines", "LineString")
"""A plan's line features: routes (``routes`` or ``routes_<day>``), flows, streets."""


def plan_summary(plan: dict[str, Any]) -> dict[str, Any]:
    """What the run page shows of a plan's JSON: KPIs, verdict, banners, complexes, and
    the stage a checkpoint was saved after (None for a plan a run returned)."""
    siting = plan.get("siting") or {}
    scenario = plan["scenario"]
    return {"kpis": plan.get("kpis"), "complete": plan.get("complete"),
            "valid": plan.get("valid"), "approximate": plan.get("approximate"),
            "matrices_source": plan.get("matrices_source"),
            "violations": list(plan.get("violations", []))[:50],
            "complexes": [c.get("id") for c in siting.get("open_complexes", [])],
            "currency": scenario.get("parameters", {}).get("currency", "USD"),
            "checkpoint": (plan.get("info") or {}).get("checkpoint"),
            "synthetic": bool(scenario.get("metadata", {}).get("approximate_positions"))}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and a busy timeout: workers write progress while the app reads."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """A SQLAlchemy engine for ``url`` (SQLite gets WAL and a busy timeout)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(url: str) -> None:
    """Create or upgrade the schema to the newest migration (Alembic ``upgrade head``)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()


class Database:
    """Sessions on one database; ``Database(url)`` does not migrate (see :func:`migrate`)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._postgis: bool | None = None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def run(self, run_id: int) -> RunRow | None:
        """The run ``run_id`` (detached), or None."""
        with self.session() as s:
            return s.get(RunRow, run_id)

    def plan_text(self, run_id: int) -> str | None:
        """The stored plan JSON of run ``run_id`` (the large column, loaded on demand)."""
        with self.session() as s:
            return s.scalar(select(RunRow.plan).where(RunRow.id == run_id))

    def runs(self, status: tuple[str, ...] | None = None) -> list[RunRow]:
        """Runs, newest first, optionally only those in ``status``."""
        query = select(RunRow).order_by(RunRow.id.desc())
        if status is not None:
            query = query.where(RunRow.status.in_(status))
        with self.session() as s:
            return list(s.scalars(query))

    def update_run(self, run_id: int, **values: Any) -> None:
        """Set columns of run ``run_id``."""
        with self.session() as s:
            row = s.get(RunRow, run_id)
            if row is not None:
                for key, value in values.items():
                    setattr(row, key, value)

    def scenario(self, scenario_id: int) -> ScenarioRow | None:
        """The scenario ``scenario_id`` (detached), or None."""
        with self.session() as s:
            return s.get(ScenarioRow, scenario_id)

    def scenarios(self) -> list[ScenarioRow]:
        """All scenarios, newest first."""
        with self.session() as s:
            return list(s.scalars(select(ScenarioRow).order_by(ScenarioRow.id.desc())))

    def add(self, row: Base) -> Any:
        """Insert ``row`` and return it (with its id)."""
        with self.session() as s:
            s.add(row)
            s.flush()
            return row

    @property
    def postgis(self) -> bool:
        """Whether plans' geometry is stored as PostGIS geometry (the tables exist)."""
        if self._postgis is None:
            self._postgis = (self.engine.dialect.name == "postgresql"
                             and inspect(self.engine).has_table(PLAN_POINTS.name))
        return self._postgis

    def user(self, name: str) -> UserRow | None:
        """The user called ``name``, or None."""
        with self.session() as s:
            return s.scalars(select(UserRow).where(UserRow.name == name)).first()

    def user_count(self) -> int:
        """How many user accounts exist."""
        with self.session() as s:
            return len(list(s.scalars(select(UserRow.id))))

    def dispose(self) -> None:
        """Close the connection pool."""
        self.engine.dispose()
