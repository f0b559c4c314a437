"""The layer contracts (``[tool.importlinter]`` in pyproject.toml) are part of the test suite.

Three contracts, described in docs/architecture.md:

* ``pure-coach``: ``bot.coach`` imports no storage, no transport (the webhook front included),
  not the runtime or the service, no database driver, not the zone data loader and not
  python-telegram-bot, directly or through anything it imports;
* ``layers``: ``bot.cli`` over the transports (``bot.telegram | bot.terminal | bot.web``) over
  the runtime (``bot.runtime``) over the service (``bot.service | bot.reminders.dispatcher``)
  over the dispatcher's claiming (``bot.reminders.claims``) over ``bot.storage | bot.coach``
  over ``bot.content | bot.config``;
* ``storage-behind-service``: the transports (the webhook front included), the runtime, content
  and config import neither storage nor a database driver themselves.

How each was shown to bite: a one-line import appended for a moment, `lint-imports` run, the
file restored. ``import sqlalchemy`` and ``import telegram`` in bot/coach/turn.py broke
pure-coach; ``import bot.storage`` in bot/coach/state.py broke pure-coach and layers;
``import bot.telegram`` in bot/service.py, ``import bot.coach`` in bot/content/models.py,
``import bot.terminal`` in bot/telegram/updates.py and ``import bot.service`` in
bot/reminders/dispatcher.py each broke layers; ``import sqlalchemy`` in bot/terminal.py and
``from bot.storage import repo`` in bot/telegram/adapter.py each broke storage-behind-service.
Later, ``import bot.telegram`` in bot/runtime/outbox.py and ``import bot.runtime`` in
bot/service.py each broke layers, and ``from bot.storage import repo`` in bot/runtime/outbox.py
broke storage-behind-service.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    return shutil.which(name) or str(Path(sys.executable).with_name(name))


def test_layer_contracts_are_kept() -> None:
    result = subprocess.run(
        [_tool("lint-imports"), "--no-cache"],  # reads pyproject.toml in ROOT
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
