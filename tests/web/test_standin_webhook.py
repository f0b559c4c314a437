"""The Bot API stand-in delivers webhooks the way Telegram does (tools/botapi_standin/webhook.py).

Why: the webhook tests of the bot trust the stand-in to post like Telegram: the secret header,
at most ``max_connections`` requests at once, one chat's updates in order, retries of anything
but a 2xx, and getUpdates refused while a webhook is set. A receiver in the test (a small
aiohttp server) records each request and decides when and how it is answered; nothing here
waits on the clock except the stand-in's own (scaled-down) retry delays.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import BadRequest, Conflict

from tools.botapi_standin import SECRET_HEADER, FakeBotApi

SECRET = "s3cret_-Token"


@dataclass
class Receiver:
    """A webhook endpoint whose answers the test scripts."""

    statuses: dict[int, list[int]] = field(default_factory=dict)  # update_id -> answers to give
    held: dict[int, asyncio.Event] = field(default_factory=dict)  # update_id -> release
    received: list[tuple[int, str | None]] = field(default_factory=list)  # (update_id, secret)
    open_now: int = 0
    most_open: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        update_id = int(body["update_id"])
        self.received.append((update_id, request.headers.get(SECRET_HEADER)))
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        self.arrived.set()
        try:
            gate = self.held.get(update_id)
            if gate is not None:
                await gate.wait()
            answers = self.statuses.get(update_id)
            status = answers.pop(0) if answers else 200
            return web.Response(status=status)
        finally:
            self.open_now -= 1

    def ids(self) -> list[int]:
        return [update_id for update_id, _ in self.received]

    async def until(self, count: int) -> None:
        async with asyncio.timeout(5):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    app = web.Application()
    app.router.add_post("/hook", found.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    found.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        yield found
    finally:
        for gate in found.held.values():
            gate.set()
        await runner.cleanup()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(webhook_retry_base=0.02, webhook_retry_max=0.08) as stand_in:
        yield stand_in


@pytest.fixture
async def ptb(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
        yield bot


async def test_updates_are_posted_with_the_secret_and_count_as_delivered(
    api: FakeBotApi, ptb: Bot, receiver: Receiver
) -> None:
    assert await ptb.set_webhook(receiver.url, secret_token=SECRET)
    assert api.requests[-1].response["description"] == "Webhook was set"
    update_id = api.push_text(1, "hello")
    await api.wait_until_delivered(update_id)
    assert receiver.received == [(update_id, SECRET)]
    assert api.pending_updates == []
    # What was posted is a whole Update that PTB reads back.
    post = api.webhook_posts[-1]
    assert (post.update_id, post.status, post.attempt, post.ok) == (update_id, 200, 1, True)


async def test_without_a_secret_no_header_is_sent(
    api: FakeBotApi, ptb: Bot, receiver: Receiver
) -> None:
    await ptb.set_webhook(receiver.url)
    await api.wait_until_delivered(api.push_text(1, "hi"))
    assert receiver.received[0][1] is None


async def test_no_more_than_max_connections_at_once(
    api: FakeBotApi, ptb: Bot, receiver: Receiver
) -> None:
    ids = [api.push_text(chat, f"from {chat}") for chat in range(1, 7)]
    for update_id in ids:
        receiver.held[update_id] = asyncio.Event()
    await ptb.set_webhook(receiver.url, max_connections=3)
    await receiver.until(3)
    # Three are open and held; the other three wait for a free connection.
    await api.wait_for(lambda: len(api.webhook_starts) >= 3)
    assert len(api.webhook_starts) == 3 and receiver.open_now == 3
    for update_id in ids:
        receiver.held[update_id].set()
    for update_id in ids:
        await api.wait_until_delivered(update_id)
    assert sorted(receiver.ids()) == ids
    assert receiver.most_open == 3 == api.webhook_max_in_flight


async def test_one_chats_updates_go_one_at_a_time_in_order(
    api: FakeBotApi, ptb: Bot, receiver: Receiver
) -> None:
    first = api.push_text(1, "one")
    second = api.push_text(1, "two")
    other = api.push_text(2, "elsewhere")
    receiver.held[first] = asyncio.Event()
    await ptb.set_webhook(receiver.url)
    await receiver.until(2)
    # The other chat's update went out; the chat's second waits for its first to be answered.
    assert sorted(receiver.ids()) == [first, other]
    assert second not in [update_id for update_id, _ in api.webhook_starts]
    receiver.held[first].set()
    await api.wait_until_delivered(second)
    assert receiver.ids().index(second) > receiver.ids().index(first)


async def test_a_failed_post_is_retried_with_growing_delays_and_holds_back_its_chat(
    api: FakeBotApi, ptb: Bot, receiver: Receiver
) -> None:
    failing = api.push_text(1, "one")
    after = api.push_text(1, "two")
    receiver.statuses[failing] = [500, 502, 500, 500]
    await ptb.set_webhook(receiver.url, secret_token=SECRET)
    await api.wait_until_delivered(after)
    attempts = [p for p in api.webhook_posts if p.update_id == failing]
    assert [p.status for p in attempts] == [500, 502, 500, 500, 200]
    assert [p.attempt for p in attempts] == [1, 2, 3, 4, 5]
    # Doubling from webhook_retry_base (0.02 s), capped at webhook_retry_max (0.08 s).
    assert [p.retry_in for p in attempts] == [0.02, 0.04, 0.08, 0.08, None]
    # The chat's next update was only posted once the failing one was taken.
    assert receiver.ids() == [failing] * 5 + [after]
    info = await ptb.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None and info.pending_update_count == 0


async def test_an_unreachable_webhook_keeps_the_update_pending(
    api: FakeBotApi, ptb: Bot, receiver: Receiver
) -> None:
    await ptb.set_webhook("http://127.0.0.1:9/hook")  # the discard port: nobody listens
    update_id = api.push_text(1, "lost?")
    await api.wait_for(lambda: len(api.webhook_posts) >= 2)
    assert all(p.error == "Connection refused" for p in api.webhook_posts)
    assert [u["update_id"] for u in api.pending_updates] == [update_id]
    # Pointing the webhook somewhere that answers delivers it.
    await ptb.set_webhook(receiver.url)
    await api.wait_until_delivered(update_id)
    assert receiver.ids() == [update_id]


async def test_get_updates_is_refused_while_a_webhook_is_set(
    api: FakeBotApi, ptb: Bot, receiver: Receiver
) -> None:
    receiver.statuses[api.push_text(1, "queued")] = [500] * 1000
    await ptb.set_webhook(receiver.url)
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await ptb.get_updates()
    assert api.calls("getUpdates")[-1].status == 409
    # deleteWebhook hands the update that was never taken back to getUpdates.
    assert await ptb.delete_webhook()
    assert api.requests[-1].response["description"] == "Webhook was deleted"
    updates = await ptb.get_updates()
    assert [u.message.text for u in updates if u.message] == ["queued"]
    assert await ptb.delete_webhook()
    assert api.requests[-1].response["description"] == "Webhook is already deleted"


async def test_webhook_info_reports_the_settings(api: FakeBotApi, ptb: Bot) -> None:
    assert (await ptb.get_webhook_info()).url == ""
    await ptb.set_webhook(
        "https://bot.example.org/tg/hook",
        secret_token=SECRET,
        max_connections=500,
        allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY],
    )
    info = await ptb.get_webhook_info()
    assert info.url == "https://bot.example.org/tg/hook"
    assert info.max_connections == 100  # clamped, as Telegram does
    assert info.allowed_updates == ("message", "callback_query")
    assert await ptb.set_webhook(
        "https://bot.example.org/tg/hook", secret_token=SECRET, max_connections=100
    )
    assert api.requests[-1].response["description"] == "Webhook is already set"


@pytest.mark.parametrize(
    ("url", "secret", "expected"),
    [
        ("http://bot.example.org/hook", None, "An https url must be provided for webhook"),
        ("https://bot.example.org:8080/hook", None, "Webhook can be set up only on ports"),
        ("https://bot.example.org/hook", "has space", "Secret token contains unallowed"),
        ("https://bot.example.org/hook", "123:token", "Secret token contains unallowed"),
        ("https://bot.example.org/hook", "x" * 257, "Secret token contains unallowed"),
    ],
)
async def test_what_telegram_refuses_is_refused(
    api: FakeBotApi, ptb: Bot, url: str, secret: str | None, expected: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        await ptb.set_webhook(url, secret_token=secret)
    assert expected.lower() in caught.value.message.lower()
    assert api.webhook is None


async def test_drop_pending_updates_forgets_them(
    api: FakeBotApi, ptb: Bot, receiver: Receiver
) -> None:
    api.push_text(1, "old")
    await ptb.set_webhook("http://127.0.0.1:9/hook")
    await api.wait_for(lambda: api.webhook_posts)
    await ptb.set_webhook(receiver.url, drop_pending_updates=True)
    fresh = api.push_text(1, "new")
    await api.wait_until_delivered(fresh)
    assert receiver.ids() == [fresh]


async def test_an_answer_that_never_comes_times_out_and_is_retried(receiver: Receiver) -> None:
    async with FakeBotApi(webhook_timeout=0.2, webhook_retry_base=0.01) as api:
        update_id = api.push_text(1, "slow")
        receiver.held[update_id] = asyncio.Event()  # the first attempt never answers
        async with Bot(api.token, base_url=api.base_url) as bot:
            await bot.set_webhook(receiver.url)
        await api.wait_for(lambda: api.webhook_posts)
        assert api.webhook_posts[0].error == "Read timeout expired"
        receiver.held[update_id].set()
        await api.wait_until_delivered(update_id)
        assert [p.ok for p in api.webhook_posts if p.update_id == update_id][-1]
