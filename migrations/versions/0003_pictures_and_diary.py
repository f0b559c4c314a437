"""Pictures and the diary: uploaded pictures' file ids, the pictures setting, a severity for
cramps people log themselves, and the reminder's optional morning check-in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Adding columns and a table needs no batch copy on SQLite; dropping the columns does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("pictures", sa.Boolean(), server_default=sa.true(), nullable=False)
    )
    op.add_column("episodes", sa.Column("severity", sa.SmallInteger(), nullable=True))
    op.add_column("reminders", sa.Column("morning_time", sa.Time(), nullable=True))
    op.add_column("reminders", sa.Column("morning_next_at", sa.DateTime(), nullable=True))
    op.create_index(
        op.f("ix_reminders_morning_next_at"), "reminders", ["morning_next_at"], unique=False
    )
    op.create_table(
        "media_files",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=256), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", "path", "sha256", name=op.f("pk_media_files")),
    )


def downgrade() -> None:
    op.drop_table("media_files")
    op.drop_index(op.f("ix_reminders_morning_next_at"), table_name="reminders")
    with op.batch_alter_table("reminders") as batch_op:
        batch_op.drop_column("morning_next_at")
        batch_op.drop_column("morning_time")
    with op.batch_alter_table("episodes") as batch_op:
        batch_op.drop_column("severity")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("pictures")
