"""Runs get a small plan summary for the pages.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``runs.summary``."""
    op.add_column("runs", sa.Column("summary", sa.Text, nullable=True))


def downgrade() -> None:
    """Drop ``runs.summary``."""
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("summary")
