"""What `serve` leaves behind once the bot is up."""

from __future__ import annotations

import gc

from tests.e2e.conftest import RunningBot


async def test_start_up_objects_are_frozen_out_of_garbage_collection(bot: RunningBot) -> None:
    """Content, zone tables and modules are moved to the permanent generation once started, so
    full collections under load do not rescan them (bench/updates.py shows the pauses)."""
    try:
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()  # this process is the test runner; give it back its objects
