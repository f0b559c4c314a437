"""Alembic environment: runs migrations through the bot's own async engine.

The database comes from, in order: a connection handed over in ``config.attributes["connection"]``
(to migrate inside a caller's transaction), the ``sqlalchemy.url`` option (``bot.storage.db`` sets
it), then ``Settings().resolved_database_url()``, so the plain ``alembic upgrade head`` CLI targets
the same database as the bot. Going through ``make_engine`` means migrations run with the same
SQLite pragmas (WAL, foreign keys) as the bot.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from bot.config import Settings
from bot.storage.db import make_engine, normalize_url
from bot.storage.models import Base
from bot.storage.types import UTCDateTime

config = context.config

# Only the CLI has an ini file; programmatic runs must not reset the application's logging.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render our UTC type as a plain DateTime so migration files never import application code.

    Migrations are history: if ``bot.storage.types`` is renamed later, old revisions must still run.
    UTCDateTime only converts values in Python; the column itself is a plain naive ``DateTime``.
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        url = Settings().resolved_database_url()
    return normalize_url(url).render_as_string(hide_password=False)


def _configure_options(connection: Connection | None) -> dict[str, Any]:
    is_sqlite = connection is not None and connection.dialect.name == "sqlite"
    return {
        "target_metadata": target_metadata,
        "compare_type": True,
        # SQLite cannot ALTER most things; batch mode recreates the table instead.
        "render_as_batch": is_sqlite,
        "render_item": render_item,
    }


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade head --sql``) without connecting."""
    url = _database_url()
    options = _configure_options(None)
    options["render_as_batch"] = url.startswith("sqlite")
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **options,
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, **_configure_options(connection))
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = make_engine(_database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    shared: Connection | None = config.attributes.get("connection")
    if shared is not None:
        do_run_migrations(shared)
        return
    asyncio.run(run_async_migrations())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
