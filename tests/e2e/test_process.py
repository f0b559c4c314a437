"""`crampcoach run` as a real process: settings from the environment, migrations on start,
long polling against the stand-in, and a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.e2e.conftest import ROOT, TOKEN
from tests.e2e.helpers import say, tap
from tools.botapi_standin import FakeBotApi

CHAT = 777


async def test_the_real_command_serves_a_conversation(api: FakeBotApi, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=api.base_url,
        DATA_DIR=str(tmp_path / "data"),
        ROUTINE_TIME_SCALE="0.01",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="INFO",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await api.wait_for_long_poll(timeout=30)
        (welcome,) = await say(api, CHAT, "/start")
        assert "What's cramping?" in welcome.content
        await tap(api, CHAT, "Calf")
        # Standing, no safety answers: sit down first (untimed), then the seated calf stretch,
        # whose held first step is followed up by the timer (ROUTINE_TIME_SCALE).
        await tap(api, CHAT, "Standing")
        assert "1 of 4 · Sit down first" in (api.messages(CHAT)[-1].content or "")
        await tap(api, CHAT, "Next ▶")
        assert "2 of 4 · Calf stretch" in (api.messages(CHAT)[-1].content or "")
        assert "Step 2 of" in (await api.wait_for_messages(CHAT, 5))[-1].content
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()
    log = stderr.decode()
    assert "crampcoach is running as @crampcoach_test_bot" in log
    assert TOKEN not in log  # httpx would log it in every URL
    assert (tmp_path / "data" / "crampcoach.sqlite3").exists()
    api.assert_no_rejections()
