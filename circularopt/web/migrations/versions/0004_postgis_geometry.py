"""On PostgreSQL with PostGIS: tables of each plan's points and lines as geometry (SRID
4326) for GIS clients such as QGIS. Elsewhere (SQLite, PostgreSQL without the extension)
this migration changes nothing.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from circularopt.web.storage import Geometry

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TABLES = (("plan_points", "Point"), ("plan_lines", "LineString"))


def _postgis(bind: Connection) -> bool:
    """Whether PostGIS is installed in the database, creating it when the server has it
    and the user may (a savepoint keeps the migration going when it may not)."""
    if bind.dialect.name != "postgresql":
        return False
    if bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first():
        return True
    if not bind.execute(sa.text(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")).first():
        return False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except DBAPIError:
        return False
    return True


def upgrade() -> None:
    """Create ``plan_points`` and ``plan_lines`` (with spatial indexes) under PostGIS."""
    if not _postgis(op.get_bind()):
        return
    for name, kind in _TABLES:
        op.create_table(
            name,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"),
                      nullable=False),
            sa.Column("layer", sa.String(60), nullable=False),
            sa.Column("feature", sa.String(200), nullable=False),
            sa.Column("properties", JSONB, nullable=False),
            sa.Column("geom", Geometry(kind), nullable=False))
        op.create_index(f"ix_{name}_run_id", name, ["run_id"])
        op.create_index(f"ix_{name}_geom", name, ["geom"], postgresql_using="gist")


def downgrade() -> None:
    """Drop the geometry tables (if this database has them)."""
    for name, _kind in _TABLES:
        op.execute(f"DROP TABLE IF EXISTS {name}")
