"""`crampcoach serve` with two real worker processes on PostgreSQL, fed by the stand-in's webhook.

Why: this is the production shape issue 13 asks for, run the way an operator runs it (the
command, its settings from the environment, uvicorn's workers), with Telegram played by the
stand-in posting like Telegram does (several at once, one chat's updates in order, retrying
non-2xx answers). What must hold with two workers: whole routines of many people at once lose
and double no step; a forged post is refused and a replay answered once; a worker killed with
SIGKILL in the middle of holds costs no follow-up, each still arrives exactly once (the sweep of
the other worker fires what the dead one had armed); a thousand reminders due at once are sent
once each; /metrics, whichever worker answers, shows the traffic.

Time runs a hundred times faster than in production (holds of a fraction of a second, a timer
sweep every 0.2 s), so the whole file takes well under a minute.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bot.storage import make_engine, make_sessionmaker
from bot.storage.models import ChatState, Episode
from bot.web.app import SECRET_HEADER
from tests.auxil.net import free_port
from tests.auxil.reminders import seed_due_reminders
from tests.e2e.helpers import begin, drive_routine, texts
from tools.botapi_standin import FakeBotApi

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:SERVE-token"
SECRET = "serve_two-WORKERS"


@dataclass
class Served:
    api: FakeBotApi
    base: str
    process: subprocess.Popen[bytes]
    log: Path
    database_url: str
    env: dict[str, str]

    @property
    def hook(self) -> str:
        return self.base + "/hook"

    def workers(self) -> list[int]:
        """The worker processes uvicorn spawned (children running multiprocessing's spawn)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid and b"spawn_main" in cmdline:
                found.append(int(entry.name))
        return sorted(found)

    async def scrape(self) -> str:
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.get(self.base + "/metrics")).text


@pytest.fixture
async def served(
    postgres_migrated_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Served]:
    """Two workers; a test may change settings with indirect parametrisation."""
    port = free_port()
    api = FakeBotApi(token=TOKEN)
    await api.start()
    env = dict(
        os.environ,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=api.base_url,
        DATABASE_URL=postgres_migrated_url,
        DATA_DIR=str(tmp_path / "data"),
        WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_MAX_CONNECTIONS="20",
        WEBHOOK_LEASE_SECONDS="3",
        PORT=str(port),
        WORKERS="2",
        ROUTINE_TIME_SCALE="0.02",
        CHECKIN_MINUTES="100",
        REMINDER_TICK_SECONDS="0.2",
        TIMER_SWEEP_SECONDS="0.2",
        TELEGRAM_BROADCAST_RATE="0",
        LOG_FORMAT="json",
        LOG_LEVEL="WARNING",
    )
    env.update(getattr(request, "param", {}))
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = tmp_path / "serve.log"
    process = _launch(env, log)
    served = Served(api, f"http://127.0.0.1:{port}", process, log, postgres_migrated_url, env)
    try:
        await _until_ready(served)
        yield served
    finally:
        await asyncio.to_thread(_stop, served.process)
        await api.stop()


def _launch(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`crampcoach serve` as an operator starts it, its output kept for a failure's message."""
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=env, stdout=sink, stderr=sink
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def _until_ready(served: Served) -> None:
    """Both workers answer (the webhook was set before they started)."""
    async with httpx.AsyncClient(timeout=5) as client:
        for _ in range(600):
            if served.process.poll() is not None:
                raise AssertionError(f"serve exited: {served.log.read_text()}")
            try:
                ready = (await client.get(served.base + "/readyz")).status_code == 200
            except httpx.TransportError:
                ready = False
            if ready and len(served.workers()) == 2:
                await asyncio.sleep(1.0)  # the other worker's start-up (it may answer late)
                return
            await asyncio.sleep(0.05)
    raise TimeoutError(f"serve never became ready: {served.log.read_text()}")


def _sample(text: str, line_start: str) -> float:
    found = [line for line in text.splitlines() if line.startswith(line_start + " ")]
    return float(found[0].rsplit(" ", 1)[1]) if found else 0.0


async def _routine(api: FakeBotApi, chat: int) -> list[str]:
    await begin(api, chat, "Calf", "Sitting")
    await drive_routine(api, chat, "Better")
    return texts(api, chat)


async def _episodes(served: Served) -> int:
    engine = make_engine(served.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(Episode)) or 0)
    finally:
        await engine.dispose()


async def test_twenty_routines_at_once_a_forgery_and_a_replay(served: Served) -> None:
    api = served.api
    assert [r for r in api.requests if r.method == "setWebhook"], "serve sets the webhook"
    assert len([r for r in api.requests if r.method == "setWebhook"]) == 1  # once, not per worker
    chats = list(range(1001, 1021))
    runs = await asyncio.gather(*(_routine(api, chat) for chat in chats))
    # Every person saw the very same conversation: no step lost, none doubled.
    assert all(run == runs[0] for run in runs), [len(run) for run in runs]
    assert len(runs[0]) > 6
    assert await _episodes(served) == 20
    assert all(post.status == 200 for post in api.webhook_posts)

    async with httpx.AsyncClient(timeout=10) as client:
        update = api.updates[-1]
        forged = await client.post(
            served.hook, json=dict(update, update_id=10**9), headers={SECRET_HEADER: "guess"}
        )
        assert forged.status_code == 403
        chat = chats[0]
        before = len(api.messages(chat))
        replayed = await client.post(served.hook, json=update, headers={SECRET_HEADER: SECRET})
        assert replayed.status_code == 200
    await asyncio.sleep(0.5)
    assert len(api.messages(chats[-1])) == len(runs[-1])  # the replay was not handled again
    assert len(api.messages(chat)) == before

    scrape = await served.scrape()
    handled = _sample(scrape, 'crampcoach_webhook_requests_total{outcome="handled"}')
    assert handled == len(api.updates)
    assert _sample(scrape, 'crampcoach_webhook_requests_total{outcome="forged"}') == 1
    assert _sample(scrape, 'crampcoach_webhook_requests_total{outcome="duplicate"}') == 1
    sent = _sample(scrape, 'crampcoach_messages_sent_total{lane="conversation",outcome="sent"}')
    assert sent == sum(len(run) for run in runs)
    assert _sample(scrape, "crampcoach_timer_lateness_seconds_count") > 0

    served.process.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(served.process.wait, 30) == 0


async def test_a_worker_killed_in_the_middle_of_holds_loses_no_follow_up(served: Served) -> None:
    api = served.api
    reference = await _routine(api, 2000)  # one whole routine, for the expected conversation
    chats = list(range(2001, 2013))

    async def kill_one_worker() -> None:
        await asyncio.sleep(1.5)  # the routines are in their holds by now
        victim = served.workers()[0]
        os.kill(victim, signal.SIGKILL)

    runs, _ = await asyncio.gather(
        asyncio.gather(*(_routine(api, chat) for chat in chats)), kill_one_worker()
    )
    for chat, run in zip(chats, runs, strict=True):
        assert run == reference, (chat, run)
    assert await _episodes(served) == len(chats) + 1
    # Nothing comes late or twice afterwards either.
    await asyncio.sleep(1.0)
    assert [len(api.messages(chat)) for chat in chats] == [len(reference)] * len(chats)


async def _seed_due_reminders(served: Served, chats: list[int]) -> None:
    engine = make_engine(served.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            await seed_due_reminders(session, chats, datetime.now(UTC))
            await session.commit()
    finally:
        await engine.dispose()


async def test_a_thousand_reminders_due_across_the_workers_go_out_once(served: Served) -> None:
    api = served.api
    chats = list(range(5001, 6001))
    for chat in chats:
        api.register_chat(chat)
    await _seed_due_reminders(served, chats)

    def all_sent() -> bool:
        return all(api.messages(chat) for chat in chats)

    await api.wait_for(lambda: all_sent() or None, timeout=30)
    await asyncio.sleep(1.0)  # any second copy would have come by now
    assert [len(api.messages(chat)) for chat in chats] == [1] * len(chats)
    scrape = await served.scrape()
    assert (
        _sample(scrape, 'crampcoach_messages_sent_total{lane="broadcast",outcome="sent"}') == 1000
    )
    assert _sample(scrape, "crampcoach_reminder_lag_seconds_count") == 1000


# Holds of 1-6 s: they are still running when SIGTERM comes.
@pytest.mark.parametrize("served", [{"ROUTINE_TIME_SCALE": "0.1"}], indirect=True)
async def test_sigterm_finishes_in_flight_and_a_restart_fires_the_pending_follow_ups(
    served: Served, tmp_path: Path
) -> None:
    """SIGTERM in the middle of holds: the server exits cleanly, the follow-ups stay in the
    database (none is sent while it is down), and the next start fires what fell due."""
    api = served.api
    chats = list(range(3001, 3006))
    await asyncio.gather(*(begin(api, chat, "Calf", "Sitting") for chat in chats))
    before = {chat: len(api.messages(chat)) for chat in chats}
    await asyncio.to_thread(_stop, served.process)
    assert served.process.returncode == 0
    pending = await _pending_timers(served)
    assert set(pending) == set(chats)  # left in the database, not dropped
    await asyncio.sleep(1.0)
    assert {chat: len(api.messages(chat)) for chat in chats} == before  # nobody is serving

    restarted = _launch(dict(served.env), tmp_path / "again.log")
    try:
        served.process, served.log = restarted, tmp_path / "again.log"
        await _until_ready(served)
        for chat in chats:  # each chat's held step moves on once, by the sweep of the new start
            await api.wait_for_messages(chat, before[chat] + 1, timeout=10)
        await asyncio.sleep(0.5)
        assert all(len(api.messages(chat)) > before[chat] for chat in chats)
    finally:
        await asyncio.to_thread(_stop, restarted)


async def _pending_timers(served: Served) -> list[int]:
    engine = make_engine(served.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return [
                row[0]
                for row in await session.execute(
                    select(ChatState.chat_id).where(ChatState.timer_due_at.is_not(None))
                )
            ]
    finally:
        await engine.dispose()
