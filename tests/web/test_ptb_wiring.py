"""The webhook app under uvicorn, the real PTB Application (no Updater) and the bot behind it.

Why: `crampcoach serve` will wire the runtime in later, but the webhook path can already be
proven end to end with today's Telegram adapter: the Bot API stand-in posts updates the way
Telegram does, the strict app claims them in the database, PTB processes each one in the
request, and the stand-in counts an update delivered only once it got the 200. Everything the
bot does for an update (reply, answer a press) therefore happens before the update counts as
delivered, and a replay or a forgery does nothing.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette
from telegram.ext import ApplicationBuilder

from bot.coach import Coach
from bot.content import Content, load_content
from bot.metrics import Metrics
from bot.service import ChatService
from bot.storage import make_engine, make_sessionmaker
from bot.storage.webhook import UpdateLedger, database_answers
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.lanes import LaneRateLimiter
from bot.web.app import SECRET_HEADER, WebhookApp, create_app
from bot.web.ptb import handler_for, set_webhook
from tests.auxil.zones import zone_book
from tools.botapi_standin import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
SECRET = "wired_SECRET"
PATH = "/tg"
CHAT = 5151


@dataclass
class Served:
    api: FakeBotApi
    url: str
    registry: CollectorRegistry


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(ROOT / "content")


@pytest.fixture
async def served(migrated_url: str, content: Content) -> AsyncIterator[Served]:
    engine = make_engine(migrated_url)
    sessions = make_sessionmaker(engine)
    coach = Coach(content, zones=zone_book(), time_scale=0.01, checkin_after=timedelta(seconds=100))
    adapter = TelegramAdapter(ChatService(coach, sessions), content)
    async with FakeBotApi() as api:
        application = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            # The adapter sends in lanes (replies now, broadcasts on a budget), as in production.
            .rate_limiter(LaneRateLimiter(0))
            .updater(None)
            .build()
        )
        adapter.install(application)
        registry = CollectorRegistry()

        async def ready() -> None:
            await database_answers(sessions)

        started = asyncio.Event()

        @asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[None]:
            # Where `crampcoach serve` starts and stops the runtime.
            started.set()
            yield

        app = create_app(
            WebhookApp(
                path=PATH,
                secret=SECRET,
                handle_update=handler_for(application),
                ledger=UpdateLedger(sessions),
                ready=ready,
                metrics=Metrics(registry),
            ),
            lifespan=lifespan,
        )
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()  # connections wait in the backlog until uvicorn accepts them
        url = f"http://127.0.0.1:{listener.getsockname()[1]}{PATH}"
        server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="on"))
        async with application:
            await application.start()
            serving = asyncio.create_task(server.serve(sockets=[listener]))
            try:
                async with asyncio.timeout(10):
                    await started.wait()
                assert await set_webhook(application.bot, url, SECRET)
                yield Served(api, url, registry)
            finally:
                server.should_exit = True
                await serving
                await application.stop()
                listener.close()
    await engine.dispose()


async def test_updates_posted_by_the_stand_in_are_handled_before_they_count_as_delivered(
    served: Served,
) -> None:
    api = served.api
    assert api.webhook is not None and api.webhook.secret_token == SECRET
    await api.wait_until_delivered(api.push_text(CHAT, "/start"))
    # No waiting for the reply: it was sent before the webhook answered 200.
    (welcome,) = api.messages(CHAT)
    assert "What's cramping?" in welcome.content
    assert ("Calf", welcome.buttons[2][1]) == welcome.buttons[2]

    query_id = api.push_callback(CHAT, welcome.buttons[2][1] or "")
    await api.wait_for(lambda: api.webhook_posts and api.pending_updates == [])
    assert query_id in api.callback_answers
    shown = [m.content or "" for m in api.messages(CHAT)]
    assert any("Where are you right now?" in text for text in shown)
    assert all(post.status == 200 for post in api.webhook_posts)
    api.assert_no_rejections()
    assert (
        served.registry.get_sample_value("crampcoach_updates_total", {"kind": "callback_query"})
        == 1.0
    )


async def test_a_replayed_or_forged_update_changes_nothing(served: Served) -> None:
    api = served.api
    update_id = api.push_text(CHAT, "/start")
    await api.wait_until_delivered(update_id)
    (original,) = [u for u in api.updates if u["update_id"] == update_id]
    before = len(api.calls("sendMessage"))
    async with httpx.AsyncClient() as client:
        replay = await client.post(served.url, json=original, headers={SECRET_HEADER: SECRET})
        forged = dict(original, update_id=update_id + 1000)
        refused = await client.post(served.url, json=forged, headers={SECRET_HEADER: "guess"})
        ready = await client.get(served.url.removesuffix(PATH) + "/readyz")
    assert (replay.status_code, refused.status_code, ready.status_code) == (200, 403, 200)
    assert len(api.calls("sendMessage")) == before
