"""The diary through the real Application: a chart as a photo, a report as a document, and a
cramp logged in three taps; on SQLite and PostgreSQL."""

from __future__ import annotations

import io

from PIL import Image

from tests.e2e.conftest import RunningBot
from tests.e2e.helpers import begin, say, tap, texts, until_said
from tools.botapi_standin import FakeBotApi, UploadedFile

CHAT = 8181


def _uploads(api: FakeBotApi, method: str, field: str) -> list[UploadedFile]:
    sent = [r.params.get(field) for r in api.calls(method) if r.ok]
    return [upload for upload in sent if isinstance(upload, UploadedFile)]


async def test_diary_chart_log_and_report(api: FakeBotApi, bot: RunningBot) -> None:
    await say(api, CHAT, "/timezone Berlin")
    await begin(api, CHAT, "Calf", "Sitting")
    await tap(api, CHAT, "Stop", expect=0)
    await until_said(api, CHAT, "Stopped.")

    chart, summary = await say(api, CHAT, "/diary", expect=2)
    assert chart.kind == "photo" and chart.caption == "Cramps per week"
    [png] = [u for u in _uploads(api, "sendPhoto", "photo") if u.filename.startswith("cramps-")]
    assert Image.open(io.BytesIO(png.data)).size == (1000, 600)
    assert "Cramps: 1" in (summary.content or "")
    assert [label for label, _ in summary.buttons] == ["📝 Log a cramp", "📄 Summary for my doctor"]

    await tap(api, CHAT, "📝 Log a cramp")
    await tap(api, CHAT, "Foot / toes / arch")
    await tap(api, CHAT, "Yesterday evening")
    await tap(api, CHAT, "6")
    assert "Logged: Foot, yesterday evening, 6/10." in texts(api, CHAT)[-1]

    _, summary = await say(api, CHAT, "/diary", expect=2)
    assert "Cramps: 2" in (summary.content or "")
    intro, report = await say(api, CHAT, "/diary report", expect=2)
    assert "show a doctor" in (intro.content or "")
    assert report.kind == "document"
    [page] = _uploads(api, "sendDocument", "document")
    assert page.filename.startswith("cramp-diary-") and page.filename.endswith(".png")
    assert Image.open(io.BytesIO(page.data)).size == (1240, 1754)
    assert api.rejected == []
