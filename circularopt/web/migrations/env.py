"""Alembic environment of the web app: runs on the connection :func:`migrate` passes."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from circularopt.web.storage import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the alembic command line
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
