"""The language a person chose with /language.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

`users.language` keeps what Telegram's app says (it changes with the app's setting); a choice
made in the chat must outlive that, so it has its own column, NULL for everyone who never chose.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not a batch: SQLite adds and drops a column without constraints in place,
# and recreating the table would turn 0004's CHECK constraints into ones its downgrade cannot drop.
def upgrade() -> None:
    op.add_column("users", sa.Column("chosen_language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "chosen_language")
