"""Exercise pictures through the real Application and the stand-in: the first send uploads the
file (multipart), every later send, after a restart too, reuses Telegram's file id."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from bot.content import Content
from tests.auxil.clock import ShiftedClock
from tests.e2e.conftest import RunningBot
from tests.e2e.helpers import begin, say, tap
from tools.botapi_standin import FakeBotApi, UploadedFile


@pytest.fixture
def pictured(content: Content, tmp_path: Path) -> Content:
    """Small real images for every exercise: GIF animations where the repository's own pictures
    are animations (the movements: ankle circles, ankle pumps, toe writing), PNGs else."""
    media = {}
    for exercise_id in content.exercises:
        if content.media[exercise_id].suffix == ".gif":
            frames = [Image.new("RGB", (64, 48), colour) for colour in ("white", "grey")]
            buffer = io.BytesIO()
            frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], loop=0)
            path = tmp_path / f"{exercise_id}.gif"
        else:
            buffer = io.BytesIO()
            Image.new("RGB", (64, 48), "white").save(buffer, "PNG")
            path = tmp_path / f"{exercise_id}.png"
        path.write_bytes(buffer.getvalue())
        media[exercise_id] = path
    return replace(content, media=media)


def _sent(api: FakeBotApi, method: str, field: str) -> list[str | UploadedFile]:
    return [r.params[field] for r in api.calls(method) if r.ok]


def _no_rejections(api: FakeBotApi) -> None:
    assert api.rejected == [], [(r.method, r.status, r.description) for r in api.rejected]


async def test_uploaded_once_then_reused_even_after_a_restart(
    api: FakeBotApi, pictured: Content, e2e_database: str
) -> None:
    clock = ShiftedClock()
    first = RunningBot(api=api, content=pictured, database_url=e2e_database, clock=clock)
    await first.start()
    try:
        await begin(api, 701, "Calf", "Sitting")
        [step] = [m for m in api.messages(701) if "Step 1 of" in (m.content or "")]
        assert step.kind == "photo"
        assert "Step 1 of" in (step.caption or "")
        assert [label for label, _ in step.buttons][:2] == ["Next ▶", "Pause"]
        [upload] = _sent(api, "sendPhoto", "photo")
        assert isinstance(upload, UploadedFile) and upload.filename.endswith(".png")
        file_id = step.file_id

        await begin(api, 702, "Calf", "Sitting")
        assert _sent(api, "sendPhoto", "photo")[1] == file_id  # no second upload
    finally:
        await first.stop()

    second = RunningBot(api=api, content=pictured, database_url=e2e_database, clock=clock)
    await second.start()
    try:
        await begin(api, 703, "Calf", "Sitting")
        assert _sent(api, "sendPhoto", "photo")[2] == file_id
        uploads = [p for p in _sent(api, "sendPhoto", "photo") if isinstance(p, UploadedFile)]
        assert len(uploads) == 1
    finally:
        await second.stop()
    _no_rejections(api)


async def test_movement_exercises_are_animations_and_pictures_can_be_turned_off(
    api: FakeBotApi, pictured: Content, e2e_database: str
) -> None:
    bot = RunningBot(api=api, content=pictured, database_url=e2e_database)
    await bot.start()
    try:
        # An ankle cramp: the held calf stretch and toe pull first (pictures), then the
        # circles, a movement (an animation).
        await begin(api, 711, "Ankle", "Sitting")
        held = api.messages(711)[-1]
        assert held.kind == "photo" and "Calf stretch" in (held.caption or "")
        assert _sent(api, "sendAnimation", "animation") == []
        await tap(api, 711, "Skip exercise")
        assert api.messages(711)[-1].kind == "photo"
        await tap(api, 711, "Skip exercise")
        circles = api.messages(711)[-1]
        assert "Slow ankle circles" in (circles.caption or "") and "Step 1 of" in circles.caption
        assert circles.kind == "animation"
        [upload] = _sent(api, "sendAnimation", "animation")
        assert isinstance(upload, UploadedFile) and upload.filename == "ankle_circles.gif"

        await say(api, 712, "/settings")
        await tap(api, 712, "Turn pictures off")
        await begin(api, 712, "Calf", "Sitting")
        [plain] = [m for m in api.messages(712) if "Step 1 of" in (m.content or "")]
        assert plain.kind == "text"
    finally:
        await bot.stop()
    _no_rejections(api)
