"""/export and /forget through the real Application and the stand-in, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from bot.storage.personal import personal_rows
from tests.e2e.conftest import RunningBot
from tests.e2e.helpers import begin, reply_containing, say, tap, texts, until_said
from tools.botapi_standin import FakeBotApi, UploadedFile

CHAT = 6161


def _no_rejections(api: FakeBotApi) -> None:
    assert api.rejected == [], [(r.method, r.status, r.description) for r in api.rejected]


async def _rows(bot: RunningBot) -> dict[str, int]:
    assert bot.service is not None
    async with bot.service.sessions() as session:
        rows = await personal_rows(session, CHAT, CHAT)
    return {table: len(found) for table, found in rows.items()}


async def test_export_sends_every_stored_row_as_a_document(
    api: FakeBotApi, bot: RunningBot
) -> None:
    await say(api, CHAT, "/timezone Berlin")
    await say(api, CHAT, "/reminder 21:30", expect=2)  # saved, and the safety questions' offer
    await begin(api, CHAT, "Calf", "Sitting")
    await tap(api, CHAT, "Stop", expect=0)
    await until_said(api, CHAT, "Stopped.")

    intro, document = await say(api, CHAT, "/export", expect=2)
    assert "everything I store about you" in (intro.content or "")
    assert document.kind == "document"
    [upload] = [
        value
        for request in api.calls("sendDocument")
        for value in request.params.values()
        if isinstance(value, UploadedFile)
    ]
    assert upload.filename.startswith("crampcoach-data-") and upload.filename.endswith(".json")
    data = json.loads(upload.data)
    tables = data["tables"]
    assert tables["users"][0]["id"] == CHAT
    assert tables["reminders"][0]["timezone"] == "Europe/Berlin"
    assert [episode["outcome"] for episode in tables["episodes"]] == ["stopped"]
    assert {name: len(rows) for name, rows in tables.items()} == await _rows(bot)
    _no_rejections(api)


async def test_forget_asks_first_then_deletes_everything(api: FakeBotApi, bot: RunningBot) -> None:
    await say(api, CHAT, "/timezone Berlin")
    await say(api, CHAT, "/reminder 21:30", expect=2)  # saved, and the safety questions' offer
    await begin(api, CHAT, "Calf", "Sitting")

    # The routine's timed follow-ups may still arrive around the question: wait for it by name.
    question = await reply_containing(api, CHAT, "Delete everything", "/forget")
    assert "Delete everything I store about you?" in (question.content or "")
    await tap(api, CHAT, "No, keep it")
    assert "kept everything" in texts(api, CHAT)[-1]
    assert (await _rows(bot))["reminders"] == 1

    await say(api, CHAT, "/forget")
    await tap(api, CHAT, "Yes, delete everything")
    assert "Everything I stored about you is deleted" in texts(api, CHAT)[-1]
    assert set((await _rows(bot)).values()) == {0}

    # The old confirmation button cannot delete anything twice, and writing again starts afresh.
    await tap(api, CHAT, "Yes, delete everything", expect=0)
    (hello,) = await say(api, CHAT, "/start")
    assert "Hi, I'm crampcoach" in (hello.content or "")
    _no_rejections(api)
