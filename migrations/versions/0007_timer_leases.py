"""A lease on a chat's overdue follow-up, so one webhook worker's sweep fires it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Each worker arms the follow-ups it set; one whose worker died is found overdue by a sweep on
every worker's clock, claimed with ``FOR UPDATE SKIP LOCKED`` and leased here for as long as
firing it may take. Every write of the chat's state clears it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chat_states") as batch:
        batch.add_column(sa.Column("timer_lease_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chat_states") as batch:
        batch.drop_column("timer_lease_until")
