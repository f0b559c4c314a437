"""The safety profile: five answers on the user's row, and when they were given.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

Health data, stored only once the person answers /safety, because the answers change which
exercises are offered; /forget deletes them with the user's row.

Each CHECK is a column constraint inside ADD COLUMN, which SQLite accepts without a batch table
copy (a table constraint could only be added by copying ``users``, and with foreign keys on,
SQLite's DROP TABLE of the old copy would cascade into every table that references it). SQLite
3.35+ drops such a column in place too, so the downgrade needs no batch either.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported: a migration must keep running after the code moves on.
ANSWER_COLUMNS = (
    "safety_balance",
    "safety_joint",
    "safety_pregnancy",
    "safety_clot",
    "safety_numb_feet",
)


def upgrade() -> None:
    for name in ANSWER_COLUMNS:
        op.add_column(
            "users",
            sa.Column(
                name,
                sa.String(length=8),
                sa.CheckConstraint(
                    f"{name} IN ('yes', 'no', 'unsaid')", name=op.f(f"ck_users_{name}")
                ),
                nullable=True,
            ),
        )
    op.add_column("users", sa.Column("safety_updated_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "safety_updated_at")
    for name in reversed(ANSWER_COLUMNS):
        op.drop_column("users", name)
