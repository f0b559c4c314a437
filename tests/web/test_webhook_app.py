"""The strict webhook app (bot/web/app.py) with the real update ledger, on SQLite and PostgreSQL.

Why: Telegram re-posts an update whenever an answer is slow or not a 2xx, and anyone who finds
the URL can post to it. These tests pin down what the issue asks: a forged post is refused and
not handled, a malformed one gets 400, an update is handled once however often it is posted,
and 200 comes only after the handler returned (a failure gets a non-2xx, so Telegram posts it
again and it is then handled).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import Metrics
from bot.storage import make_engine, make_sessionmaker
from bot.storage.models import WebhookUpdate
from bot.storage.webhook import UpdateLedger, database_answers, mark_handled
from bot.web.app import SECRET_HEADER, WebhookApp, create_app

SECRET = "hook_SECRET-1"
PATH = "/telegram/hook"
START = datetime(2026, 12, 6, 19, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Handler:
    """The ``handle_update`` under test: records, can be held, can fail."""

    seen: list[int] = field(default_factory=list)
    gate: asyncio.Event | None = None
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    fail_next: int = 0

    async def __call__(self, update: dict[str, Any]) -> None:
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("the runtime failed")
        self.seen.append(update["update_id"])


@dataclass
class Front:
    client: httpx.AsyncClient
    handler: Handler
    ledger: UpdateLedger
    clock: Clock
    metrics: Metrics
    registry: CollectorRegistry

    async def post(
        self, body: Any, *, secret: str | None = SECRET, raw: bytes | None = None
    ) -> httpx.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        if raw is not None:
            return await self.client.post(PATH, content=raw, headers=headers)
        return await self.client.post(PATH, json=body, headers=headers)

    def count(self, outcome: str) -> float:
        value = self.registry.get_sample_value(
            "crampcoach_webhook_requests_total", {"outcome": outcome}
        )
        return value or 0.0


def update(update_id: int, text: str = "hi") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 7, "type": "private"},
            "text": text,
        },
    }


@pytest.fixture
async def sessions(migrated_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(migrated_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


def client_for(
    sessions: async_sessionmaker[AsyncSession],
    handler: Handler,
    ledger: UpdateLedger,
    metrics: Metrics,
) -> httpx.AsyncClient:
    """An HTTP client talking to the app in this process (no server, no lifespan)."""

    async def ready() -> None:
        await database_answers(sessions)

    front = WebhookApp(
        path=PATH, secret=SECRET, handle_update=handler, ledger=ledger, ready=ready, metrics=metrics
    )
    transport = httpx.ASGITransport(app=create_app(front))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
async def front(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Front]:
    clock = Clock()
    ledger = UpdateLedger(sessions, lease=timedelta(minutes=2), clock=clock)
    handler = Handler()
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    async with client_for(sessions, handler, ledger, metrics) as client:
        yield Front(client, handler, ledger, clock, metrics, registry)


async def rows(sessions: async_sessionmaker[AsyncSession]) -> dict[int, WebhookUpdate]:
    async with sessions() as session:
        found = (await session.scalars(select(WebhookUpdate))).all()
        return {row.update_id: row for row in found}


async def test_an_update_is_handled_and_recorded(
    front: Front, sessions: async_sessionmaker[AsyncSession]
) -> None:
    response = await front.post(update(100))
    assert response.status_code == 200
    assert front.handler.seen == [100]
    row = (await rows(sessions))[100]
    assert row.handled_at == START and row.lease_until is None
    assert front.registry.get_sample_value("crampcoach_updates_total", {"kind": "message"}) == 1.0
    assert front.registry.get_sample_value("crampcoach_reply_seconds_count") == 1.0


@pytest.mark.parametrize(("secret", "status"), [(None, 401), ("wrong", 403), ("", 403)])
async def test_a_forged_post_is_refused_and_not_handled(
    front: Front, sessions: async_sessionmaker[AsyncSession], secret: str | None, status: int
) -> None:
    response = await front.post(update(101), secret=secret)
    assert response.status_code == status
    assert front.handler.seen == []
    assert await rows(sessions) == {}
    assert front.count("forged") == 1.0


async def test_the_secret_is_checked_before_the_body_is_read(front: Front) -> None:
    """A forger learns nothing from the answer: a broken body with a bad secret is a 403."""
    assert (await front.post(None, secret="wrong", raw=b"{not json")).status_code == 403


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"[1, 2]",
        b'"update"',
        b"{}",
        b'{"update_id": "12"}',
        b'{"update_id": true}',
        b'{"update_id": -5}',
        b'{"update_id": 1.5}',
        b"",
    ],
)
async def test_a_malformed_body_gets_400(
    front: Front, sessions: async_sessionmaker[AsyncSession], raw: bytes
) -> None:
    response = await front.post(None, raw=raw)
    assert response.status_code == 400
    assert front.handler.seen == [] and await rows(sessions) == {}
    assert front.count("malformed") == 1.0


async def test_a_replayed_update_is_answered_but_handled_once(front: Front) -> None:
    first = await front.post(update(102))
    again = await front.post(update(102, text="the same id, re-posted"))
    assert (first.status_code, again.status_code) == (200, 200)
    assert front.handler.seen == [102]
    assert front.count("duplicate") == 1.0 and front.count("handled") == 1.0


async def test_200_only_after_the_handler_returned(
    front: Front, sessions: async_sessionmaker[AsyncSession]
) -> None:
    front.handler.gate = asyncio.Event()
    request = asyncio.create_task(front.post(update(103)))
    await front.handler.entered.wait()
    # While it is being handled: no answer yet, and the claim is not marked handled.
    assert not request.done()
    assert (await rows(sessions))[103].handled_at is None
    front.handler.gate.set()
    assert (await request).status_code == 200
    assert (await rows(sessions))[103].handled_at is not None


async def test_a_failed_update_gets_500_and_is_handled_when_posted_again(
    front: Front, sessions: async_sessionmaker[AsyncSession]
) -> None:
    front.handler.fail_next = 1
    assert (await front.post(update(104))).status_code == 500
    assert 104 not in await rows(sessions)  # the claim was released
    assert (await front.post(update(104))).status_code == 200
    assert front.handler.seen == [104]
    assert front.count("failed") == 1.0


async def test_an_update_in_hand_elsewhere_gets_409_until_its_lease_runs_out(
    front: Front,
) -> None:
    # Another worker claimed it (and, say, was killed with SIGKILL while handling it).
    assert await front.ledger.claim(105) == "taken"
    assert (await front.post(update(105))).status_code == 409
    assert front.handler.seen == []
    front.clock.now = START + timedelta(minutes=2, seconds=1)
    assert (await front.post(update(105))).status_code == 200
    assert front.handler.seen == [105]
    assert front.count("in_hand") == 1.0


async def test_marked_handled_in_the_services_transaction_counts_as_handled(
    front: Front, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """The lead's option: the service records the id in the transaction of the chat's state."""
    assert await front.ledger.claim(106) == "taken"
    async with sessions.begin() as session:
        await mark_handled(session, 106, START)
    # A crash now (before finish) leaves no doubt: a re-post is not handled again.
    assert (await front.post(update(106))).status_code == 200
    assert front.handler.seen == []
    # Without a claim first (an id the service saw some other way) it works too.
    async with sessions.begin() as session:
        await mark_handled(session, 107, START)
    assert await front.ledger.claim(107) == "handled"


async def test_cleanup_forgets_what_telegram_can_no_longer_post(
    front: Front, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await front.post(update(108))
    front.clock.now = START + timedelta(hours=23)
    await front.post(update(109))
    front.clock.now = START + timedelta(hours=24, seconds=1)
    assert await front.ledger.forget_before() == 1
    assert set(await rows(sessions)) == {109}


async def test_health_readiness_and_metrics(front: Front) -> None:
    assert (await front.client.get("/healthz")).text == "ok"
    ready = await front.client.get("/readyz")
    assert (ready.status_code, ready.text) == (200, "ready")
    await front.post(update(110))
    scrape = await front.client.get("/metrics")
    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain")
    assert "crampcoach_webhook_requests_total" in scrape.text
    assert (await front.client.get(PATH)).status_code == 405


async def test_no_database_means_not_ready_and_503_for_updates() -> None:
    """A database that does not answer: /readyz 503, updates 503 (Telegram posts them again)."""
    engine = make_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none")
    sessions = make_sessionmaker(engine)
    handler = Handler()
    registry = CollectorRegistry()
    ledger = UpdateLedger(sessions)
    try:
        async with client_for(sessions, handler, ledger, Metrics(registry)) as client:
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).status_code == 503
            posted = await client.post(PATH, json=update(111), headers={SECRET_HEADER: SECRET})
            assert posted.status_code == 503
    finally:
        await engine.dispose()
    assert handler.seen == []
    assert (
        registry.get_sample_value("crampcoach_database_errors_total", {"where": "webhook_claim"})
        == 1.0
    )


@pytest.mark.parametrize("path", ["/healthz", "/metrics", "/readyz", "hook"])
def test_the_webhook_path_cannot_shadow_another_route(path: str) -> None:
    async def ready() -> None:
        return None

    with pytest.raises(ValueError, match="taken or not a path"):
        create_app(
            WebhookApp(
                path=path,
                secret=SECRET,
                handle_update=Handler(),
                ledger=UpdateLedger(make_sessionmaker(make_engine("sqlite+aiosqlite://"))),
                ready=ready,
            )
        )


async def test_two_workers_claiming_one_update_at_once_get_it_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Telegram re-posted a slow update to another worker: exactly one of them takes it."""
    ledgers = [UpdateLedger(sessions) for _ in range(4)]
    claims = await asyncio.gather(*(ledger.claim(112) for ledger in ledgers))
    assert sorted(claims) == ["in_hand", "in_hand", "in_hand", "taken"]
