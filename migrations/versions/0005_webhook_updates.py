"""Webhook update ids, so an update Telegram posts again is handled once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

Only `crampcoach serve` (webhook workers) writes here; rows older than a day are deleted by
its cleanup, since Telegram keeps an update for at most 24 hours. Nothing about a person.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webhook_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_webhook_updates")),
    )
    op.create_index(
        "ix_webhook_updates_received_at", "webhook_updates", ["received_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_updates_received_at", table_name="webhook_updates")
    op.drop_table("webhook_updates")
