"""/export and /forget at the storage level, on SQLite and PostgreSQL: all of one person's rows,
and nobody else's."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coach.flows.data import PRIVACY_TABLES
from bot.storage import Base, EpisodeRecord, log_episode, save_state, touch_user
from bot.storage import reminder_queue as queue
from bot.storage import reminders as store
from bot.storage.personal import NOT_PERSONAL, export_json, forget, personal_tables
from bot.storage.users import NO_SAFETY_ANSWERS, save_safety

Factory = async_sessionmaker[AsyncSession]
NOW = datetime(2026, 5, 7, 18, 0, tzinfo=UTC)
ALICE, BOB = 1111, 2222

# Every column of every table, as /privacy was last checked against them. A new column fails
# here on purpose: describe it in content/locales/*.yaml (privacy.<table>), then add it below.
PRIVACY_REVIEWED = {
    "users": {
        "id",
        "language",
        "chosen_language",
        "first_seen",
        "last_seen",
        "blocked",
        "timezone",
        "pictures",
        "safety_balance",
        "safety_joint",
        "safety_pregnancy",
        "safety_clot",
        "safety_numb_feet",
        "safety_updated_at",
    },
    "chat_states": {
        "chat_id",
        "user_id",
        "state",
        "version",
        "timer_token",
        "timer_due_at",
        "timer_lease_until",
        "updated_at",
    },
    "episodes": {
        "id",
        "chat_id",
        "user_id",
        "kind",
        "area",
        "position",
        "started_at",
        "ended_at",
        "outcome",
        "severity",
        "exercises",
    },
    "reminders": {
        "user_id",
        "chat_id",
        "timezone",
        "local_time",
        "days",
        "enabled",
        "next_fire_at",
        "next_local_date",
        "last_sent_date",
        "snooze_until",
        "snooze_date",
        "started_on",
        "helping_asked",
        "helping_answer",
        "morning_time",
        "morning_next_at",
        "created_at",
        "updated_at",
    },
    "reminder_sends": {
        "id",
        "user_id",
        "chat_id",
        "local_date",
        "due_at",
        "status",
        "lease_until",
        "attempts",
        "snoozed",
        "ask_helping",
        "sent_at",
    },
}


def test_privacy_covers_every_personal_table_and_column() -> None:
    tables = {table.name: table for table in personal_tables()}
    assert set(PRIVACY_TABLES) == set(tables), "describe every personal table in /privacy"
    assert set(tables) | set(NOT_PERSONAL) == set(Base.metadata.tables)
    columns = {name: {column.name for column in table.columns} for name, table in tables.items()}
    assert columns == PRIVACY_REVIEWED


async def _everything_about(factory: Factory, user_id: int) -> None:
    async with factory() as session:
        await touch_user(session, user_id, "en", NOW)
        await save_safety(session, user_id, ("yes", "no", "unsaid", "no", None), NOW)
        await save_state(
            session,
            user_id,
            state={"phase": "idle"},
            expected_version=0,
            timer_token=None,
            timer_due_at=None,
            now=NOW,
            user_id=user_id,
        )
        await log_episode(
            session,
            EpisodeRecord(
                chat_id=user_id,
                user_id=user_id,
                kind="relief",
                area="calf",
                position="bed",
                started_at=NOW,
                ended_at=NOW,
                outcome="gone",
                exercises=({"exercise": "calf_stretch_towel", "feeling": "gone"},),
            ),
        )
        await store.save_reminder(
            session,
            user_id=user_id,
            chat_id=user_id,
            zone="Europe/Berlin",
            local_time=time(21, 30),
            days=127,
            next_fire_at=NOW,
            next_local_date=date(2026, 5, 7),
            now=NOW,
        )
        await queue.open_sends(
            session,
            [
                queue.NightClaim(
                    user_id=user_id,
                    chat_id=user_id,
                    local_date=date(2026, 5, 6),
                    due_at=NOW,
                    status="sent",
                    lease_until=None,
                )
            ],
        )
        await session.commit()


async def _counts(factory: Factory, user_id: int) -> dict[str, int]:
    counts = {}
    async with factory() as session:
        for table in personal_tables():
            key = table.c.id if table.name == "users" else table.c.user_id
            counts[table.name] = await session.scalar(
                select(func.count()).select_from(table).where(key == user_id)
            )
    return counts


async def test_export_has_every_row_about_the_person_and_no_one_else(
    session_factory: Factory,
) -> None:
    await _everything_about(session_factory, ALICE)
    await _everything_about(session_factory, BOB)
    async with session_factory() as session:
        document = json.loads(await export_json(session, ALICE, ALICE, NOW))
    tables = document["tables"]
    assert set(tables) == set(PRIVACY_TABLES)
    assert {name: len(rows) for name, rows in tables.items()} == {
        name: 1 for name in PRIVACY_TABLES
    }
    assert tables["users"][0]["id"] == ALICE
    assert tables["users"][0]["timezone"] == "Europe/Berlin"
    safety = {key: value for key, value in tables["users"][0].items() if key.startswith("safety_")}
    assert safety == {
        "safety_balance": "yes",
        "safety_joint": "no",
        "safety_pregnancy": "unsaid",
        "safety_clot": "no",
        "safety_numb_feet": None,
        "safety_updated_at": NOW.isoformat(),
    }
    assert tables["reminders"][0]["local_time"] == "21:30:00"
    assert tables["episodes"][0]["exercises"] == [
        {"exercise": "calf_stretch_towel", "feeling": "gone"}
    ]
    assert str(BOB) not in json.dumps(document)


async def test_forget_leaves_nothing_about_the_person_in_any_table(
    session_factory: Factory,
) -> None:
    await _everything_about(session_factory, ALICE)
    await _everything_about(session_factory, BOB)
    assert set((await _counts(session_factory, ALICE)).values()) == {1}
    async with session_factory() as session:
        deleted = await forget(session, ALICE, ALICE)
        await session.commit()
    assert deleted == {name: 1 for name in PRIVACY_TABLES}
    assert set((await _counts(session_factory, ALICE)).values()) == {0}
    assert set((await _counts(session_factory, BOB)).values()) == {1}
    async with session_factory() as session:  # and the export agrees: nothing left
        document = json.loads(await export_json(session, ALICE, ALICE, NOW))
    assert all(rows == [] for rows in document["tables"].values())


async def test_forgotten_safety_answers_do_not_come_back(session_factory: Factory) -> None:
    """Health data: after /forget, writing again starts with no answers, not the old ones."""
    await _everything_about(session_factory, ALICE)
    await _everything_about(session_factory, BOB)
    async with session_factory() as session:
        await forget(session, ALICE, ALICE)
        await session.commit()
    async with session_factory() as session:
        assert (await touch_user(session, ALICE, "en", NOW)).safety == NO_SAFETY_ANSWERS
        assert (await touch_user(session, BOB, "en", NOW)).safety == (
            "yes",
            "no",
            "unsaid",
            "no",
            None,
        )
