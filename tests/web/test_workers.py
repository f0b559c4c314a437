"""Two real uvicorn worker processes on PostgreSQL, fed by the stand-in's webhook.

Why: what the issue asks of the webhook front with more than one worker, short of the runtime
behind it: every update Telegram posts is taken once across the workers, a replay is answered
without being handled again, a forgery is refused, and a scrape of /metrics from whichever
worker answers shows the whole server's traffic (prometheus-client's multiprocess mode, set
up by ``run_workers``). Also the ledger's cleanup loop on its own.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.web.app import SECRET_HEADER
from bot.web.serve import keep_ledger_clean
from tests.auxil.net import free_port
from tools.botapi_standin import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
SECRET = "two_workers-SECRET"
SERVE = (
    "from pathlib import Path\n"
    "from bot.web.serve import run_workers\n"
    "run_workers('tests.web.worker_app:create', host='127.0.0.1', port={port}, workers=2, "
    "metrics_dir=Path({metrics!r}))\n"
)


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def hook(self) -> str:
        return self.base + "/hook"


@pytest.fixture
def server(postgres_migrated_url: str, tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    env = dict(os.environ, TEST_DATABASE_URL=postgres_migrated_url, TEST_SECRET=SECRET)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    code = SERVE.format(port=port, metrics=str(tmp_path / "metrics"))
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=sink, stderr=sink
        )
    try:
        yield Server(f"http://127.0.0.1:{port}", process, log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _until_ready(server: Server, client: httpx.AsyncClient) -> None:
    """Both workers import, open the database and answer; a start-up failure is shown."""
    for _ in range(600):
        if server.process.poll() is not None:
            raise AssertionError(f"the server exited: {server.log.read_text()}")
        try:
            if (await client.get(server.base + "/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    raise TimeoutError("the workers never became ready")


def _sample(text: str, line_start: str) -> float:
    found = [line for line in text.splitlines() if line.startswith(line_start + " ")]
    return float(found[0].rsplit(" ", 1)[1]) if found else 0.0


@pytest.mark.postgres
async def test_two_workers_take_each_update_once_and_report_it_all(server: Server) -> None:
    async with httpx.AsyncClient(timeout=10) as client, FakeBotApi() as api:
        await _until_ready(server, client)
        ids = [api.push_text(chat, f"/start {n}") for n in range(2) for chat in range(1, 21)]
        assert (
            await client.post(
                f"{api.base_url}{api.token}/setWebhook",
                json={"url": server.hook, "secret_token": SECRET, "max_connections": 10},
            )
        ).json()["ok"]
        for update_id in ids:
            await api.wait_until_delivered(update_id, timeout=20)
        assert all(post.status == 200 for post in api.webhook_posts)
        assert api.webhook_max_in_flight <= 10

        replays = [
            await client.post(server.hook, json=update, headers={SECRET_HEADER: SECRET})
            for update in api.updates
        ]
        assert {r.status_code for r in replays} == {200}
        forged = dict(api.updates[0], update_id=999_999)
        refused = await client.post(server.hook, json=forged, headers={SECRET_HEADER: "guess"})
        assert refused.status_code == 403

        # Every scrape, whichever worker answers it, shows the whole server.
        for _ in range(4):
            scrape = (await client.get(server.base + "/metrics")).text
            handled = 'crampcoach_webhook_requests_total{outcome="handled"}'
            assert _sample(scrape, handled) == 40
            assert _sample(scrape, 'crampcoach_webhook_requests_total{outcome="duplicate"}') == 40
            assert _sample(scrape, 'crampcoach_webhook_requests_total{outcome="forged"}') == 1
            assert _sample(scrape, 'crampcoach_updates_total{kind="message"}') == 40
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0


@dataclass
class FlakyLedger:
    fail_first: bool = True
    calls: int = 0
    called: asyncio.Event = field(default_factory=asyncio.Event)

    async def forget_before(self) -> int:
        self.calls += 1
        self.called.set()
        if self.fail_first and self.calls == 1:
            raise OSError("database went away")
        return 3


@dataclass
class Errors:
    where: list[str] = field(default_factory=list)

    def database_error(self, where: str) -> None:
        self.where.append(where)


async def test_the_cleanup_survives_a_database_error_and_stops_when_cancelled() -> None:
    ledger, errors = FlakyLedger(), Errors()
    task = asyncio.create_task(keep_ledger_clean(ledger, errors, every=timedelta(0)))
    async with asyncio.timeout(5):
        while ledger.calls < 3:
            ledger.called.clear()
            await ledger.called.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert errors.where == ["webhook_cleanup"]
