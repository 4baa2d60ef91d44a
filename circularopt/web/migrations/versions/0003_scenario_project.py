"""Scenarios can be grouped in projects (a name; empty: no project).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``scenarios.project``."""
    op.add_column("scenarios", sa.Column("project", sa.String(200), nullable=False,
                                         server_default=""))


def downgrade() -> None:
    """Drop ``scenarios.project``."""
    with op.batch_alter_table("scenarios") as batch:
        batch.drop_column("project")
