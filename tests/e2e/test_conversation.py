"""The whole conversation through the real PTB Application, over HTTP, on a real SQLite file."""

from __future__ import annotations

import asyncio

from bot.coach import COMMANDS
from bot.content import Content
from bot.storage import episodes_for, is_blocked
from tests.auxil.coach_driver import warning_line
from tests.e2e.conftest import RunningBot
from tests.e2e.helpers import (
    begin,
    drive_routine,
    next_message,
    quiet_for,
    reply_containing,
    say,
    settle,
    tap,
    texts,
)
from tools.botapi_standin import FakeBotApi

CHAT = 424242


async def _episodes(bot: RunningBot, chat_id: int) -> list[tuple[str | None, str | None, str]]:
    assert bot.service is not None
    async with bot.service.sessions() as session:
        return [(e.area, e.position, e.outcome) for e in await episodes_for(session, chat_id)]


def _no_rejections(api: FakeBotApi) -> None:
    assert api.rejected == [], [(r.method, r.status, r.description) for r in api.rejected]


async def test_start_to_wrap_up_with_timed_follow_ups(
    api: FakeBotApi, bot: RunningBot, content: Content
) -> None:
    (welcome,) = await say(api, CHAT, "/start")
    assert "What's cramping?" in welcome.content
    # The disclaimer points to the warning signs, one tap away under every step.
    assert "not a doctor" in welcome.content and "⚠️ Warning signs button" in welcome.content
    assert [label for label, _ in welcome.buttons] == [
        "Ankle",
        "Foot / toes / arch",
        "Calf",
        "Shin",
        "No cramp now — a bedtime stretch for night cramps",
    ]

    await tap(api, CHAT, "Calf")
    position = await settle(api, CHAT)
    assert "Where are you right now?" in position.content
    await tap(api, CHAT, "In bed")
    # Two taps after /start: one message with the exercise's name, the one line of warning
    # signs, and the first real instruction (no separate header message any more).
    (step,) = (await api.wait_for_messages(CHAT, 3))[2:]
    towel = content.exercise("calf_stretch_towel")
    assert step.content.startswith(f"1 of 3 · {towel.name}\n")
    assert warning_line(content) in step.content
    assert "Step 1 of 3" in step.content and "toes" in step.content
    assert step.content.index("Step 1 of 3") > step.content.index("⚠️ One leg swollen")
    assert towel.why not in step.content  # the explanation waits behind "Why this?"
    assert [label for label, _ in step.buttons] == [
        "Next ▶",
        "Pause",
        "Skip exercise",
        "Stop",
        "⚠️ Warning signs",
        "Why this?",
    ]
    assert step.buttons[-1][1].endswith(".w.calf_stretch_towel")

    # The first step is a hold: the next step arrives with no input from the user.
    follow_up = await next_message(api, CHAT)
    assert "Step 2 of" in follow_up.content
    # Later steps carry no header, and still both extra buttons.
    assert "1 of 3 ·" not in follow_up.content and "⚠️ One leg swollen" not in follow_up.content
    assert [label for label, _ in follow_up.buttons][4:] == ["⚠️ Warning signs", "Why this?"]

    ending = await drive_routine(api, CHAT, feeling="Better")
    assert "easing off" in ending
    sent = texts(api, CHAT)
    assert any(t.startswith(f"2 of 3 · {content.exercise('calf_massage').name}") for t in sent)
    assert any(t.startswith(f"3 of 3 · {content.exercise('shake_leg_gently').name}") for t in sent)
    assert sum("How is the cramp now?" in t for t in sent) == 3
    # The warning line goes before the first stretch only.
    assert sum("⚠️ One leg swollen" in t for t in sent) == 1
    # The wrap-up ends with the offer of the safety questions (none answered yet).
    wrap_up = api.messages(CHAT)[-1]
    assert "five quick safety questions" in wrap_up.content
    assert [label for label, _ in wrap_up.buttons] == [
        "No need to check in",
        "⏰ Remind me at bedtime",
        "🛡 Answer 5 safety questions",
        "Not now",
    ]

    # The check-in comes by itself, silently, and its buttons work.
    checkin = await next_message(api, CHAT)
    assert "still gone" in checkin.content
    request = await api.wait_for_request(
        "sendMessage", lambda r: "still gone" in str(r.params.get("text", ""))
    )
    assert str(request.params.get("disable_notification")).lower() == "true"
    await tap(api, CHAT, "Still gone")
    assert "Glad to hear it" in (await settle(api, CHAT)).content

    assert await _episodes(bot, CHAT) == [("calf", "bed", "better")]
    _no_rejections(api)
    commands = [c["command"] for c in api.commands] if api.commands else []
    assert commands == list(COMMANDS)  # the menu, in the order the coach lists them


async def test_gone_and_worse(api: FakeBotApi, bot: RunningBot) -> None:
    await begin(api, CHAT, "Foot / toes / arch", "Sitting")
    assert "Gone" in await _until_feeling(api)
    await tap(api, CHAT, "Gone 🎉")
    assert "it's gone" in (await settle(api, CHAT)).content

    # Standing, with no safety answers: the careful routine sits the person down first.
    await say(api, CHAT, "/start", expect=1)
    await tap(api, CHAT, "Shin")
    await tap(api, CHAT, "Standing")
    step = texts(api, CHAT)[-1]
    assert step.startswith("1 of 4 · Sit down first\n")
    assert "hold on to something heavy and fixed" in step.lower()
    assert "Tap Next when you" in step  # sitting down is not timed: it takes what it takes
    # Sitting down is a move, not a stretch: no "how is it now?", straight to the seated one.
    await tap(api, CHAT, "Next ▶")
    assert texts(api, CHAT)[-1].startswith("2 of 4 · Seated shin stretch\n")
    assert not any("How is the cramp now?" in t for t in texts(api, CHAT)[-2:])
    await _until_feeling(api)
    await tap(api, CHAT, "Worse")
    worse = (await settle(api, CHAT)).content
    assert "stopped the routine" in worse
    assert await _episodes(bot, CHAT) == [
        ("foot", "sitting", "gone"),
        ("shin", "standing", "worse"),
    ]
    _no_rejections(api)


async def _until_feeling(api: FakeBotApi) -> str:
    for _ in range(40):
        last = await settle(api, CHAT)
        if "How is the cramp now?" in last.content:
            return " ".join(label for label, _ in last.buttons)
        labels = [label for label, _ in last.buttons]
        if "Tap Next when you" in last.content and "Next ▶" in labels:
            await tap(api, CHAT, "Next ▶")
    raise AssertionError(texts(api, CHAT))


async def test_routine_command_runs_the_bedtime_stretch(api: FakeBotApi, bot: RunningBot) -> None:
    (menu,) = await say(api, CHAT, "/routine")
    labels = [label for label, _ in menu.buttons]
    assert "Bedtime stretch (about 4 min)" in labels and "Calf" in labels
    await tap(api, CHAT, "Bedtime stretch (about 4 min)")
    await tap(api, CHAT, "In bed", expect=2)  # the intro, then the first exercise
    intro, first = texts(api, CHAT)[-2:]
    assert "Bedtime stretch, about 4 minutes" in intro
    assert first.startswith("1 of 3 · Ankle pumps\n") and "Step 1 of" in first
    assert "⚠️ One leg swollen" not in first  # the warning line is for relief routines
    ending = await drive_routine(api, CHAT, feeling="Better")
    assert "All done" in ending
    assert await _episodes(bot, CHAT) == [(None, "bed", "done")]

    # After a relief routine, /routine offers it again with one tap.
    await begin(api, CHAT, "Ankle", "Sitting")
    # A timed follow-up may land around the /cancel: wait for the replies by what they say.
    await reply_containing(api, CHAT, "Cancelled", "/cancel")
    menu = await reply_containing(api, CHAT, "Which routine would you like?", "/routine")
    assert "Again: Ankle" in [label for label, _ in menu.buttons]
    await tap(api, CHAT, "Again: Ankle")
    step = texts(api, CHAT)[-1]
    assert step.startswith("1 of 4 · Calf stretch, towel or hand\n")
    assert "⚠️ One leg swollen" in step and "Step 1 of" in step
    _no_rejections(api)


async def test_cancel_stops_the_routine_and_its_timers(api: FakeBotApi, bot: RunningBot) -> None:
    await begin(api, CHAT, "Calf", "Sitting")
    await settle(api, CHAT, quiet=0.05)
    (reply,) = await say(api, CHAT, "/cancel")
    assert "Cancelled" in reply.content
    await quiet_for(api, CHAT, 0.8)  # longer than the pending hold
    (reply,) = await say(api, CHAT, "/cancel")
    assert "nothing to cancel" in reply.content
    assert await _episodes(bot, CHAT) == [("calf", "sitting", "cancelled")]
    _no_rejections(api)


async def test_help_and_privacy(api: FakeBotApi, bot: RunningBot) -> None:
    # /help, one message: what I do, the full warning signs with the numbers, then the footer.
    (reply,) = await say(api, CHAT, "/help")
    text = reply.content
    assert "/routine" in text and "/safety" in text
    assert text.index("/safety") < text.index("Call an ambulance now if")
    assert "112 works in many countries" in text  # no time zone yet
    assert text.index("112 works") < text.rindex("doctor")
    (privacy,) = await say(api, CHAT, "/privacy")
    assert "What I store" in privacy.content
    _no_rejections(api)


async def test_bad_input_gets_kind_replies(api: FakeBotApi, bot: RunningBot) -> None:
    await say(api, CHAT, "/start")
    replies = await say(api, CHAT, "purple elephants", expect=2)
    assert "didn't catch that" in replies[0].content
    assert "What's cramping?" in replies[1].content and replies[1].buttons

    for push, expected in (
        (api.push_sticker, "sticker"),
        (api.push_photo, "photos"),
        (api.push_voice, "voice"),
    ):
        before = len(api.messages(CHAT))
        push(CHAT)
        reply = (await api.wait_for_messages(CHAT, before + 2))[before]
        assert expected in reply.content

    unknown, again = await say(api, CHAT, "/dance", expect=2)
    assert "don't know that command" in unknown.content
    assert "What's cramping?" in again.content

    huge = "my calf " + "a" * 4992
    assert len(huge) == 5000
    replies = await say(api, CHAT, huge)
    assert "Where are you right now?" in replies[0].content

    # A button from an old message: answered with a note, nothing else happens.
    first_message = api.messages(CHAT)[0]
    _, old_data = next((label, data) for label, data in first_message.buttons if label == "Shin")
    before = len(api.messages(CHAT))
    query = api.push_callback(CHAT, old_data, message_id=first_message.message_id)
    answer = await api.wait_for_callback_answer(query)
    assert "earlier message" in str(answer.get("text"))
    await quiet_for(api, CHAT, 0.3)
    assert len(api.messages(CHAT)) == before

    # Nonsense callback data (not ours) is answered too.
    query = api.push_callback(CHAT, "garbage", message_id=first_message.message_id)
    assert "earlier message" in str((await api.wait_for_callback_answer(query)).get("text"))

    # A red flag in free text gets the warning, not a stretch.
    (warning,) = await say(api, CHAT, "my calf is swollen and warm to the touch")
    assert "clot" in warning.content.lower() or "same day" in warning.content.lower()
    _no_rejections(api)


async def test_group_chats_are_pointed_to_a_private_chat(api: FakeBotApi, bot: RunningBot) -> None:
    group = -100500
    before = len(api.messages(group))
    api.push_group_text(group, "/start")
    (reply,) = (await api.wait_for_messages(group, before + 1))[before:]
    assert "private chat" in reply.content
    _no_rejections(api)


async def test_restart_in_the_middle_of_a_routine(
    api: FakeBotApi, content: Content, e2e_database: str
) -> None:
    # Slower holds, so the follow-up is still pending while the bot is down.
    first = RunningBot(api=api, content=content, database_url=e2e_database, time_scale=0.05)
    await first.start()
    try:
        await begin(api, CHAT, "Calf", "In bed")
        await api.wait_for_messages(CHAT, 3)
        assert "Step 1 of" in texts(api, CHAT)[-1]
    finally:
        await first.stop()
    count_when_stopped = len(api.messages(CHAT))

    second = RunningBot(api=api, content=content, database_url=e2e_database, time_scale=0.05)
    await second.start()
    try:
        follow_up = (await api.wait_for_messages(CHAT, count_when_stopped + 1, timeout=8))[-1]
        assert "Step 2 of" in follow_up.content
        # The routine goes on after the restart, and the follow-up was sent once, not twice.
        await asyncio.sleep(1.2)
        assert sum("Step 2 of" in t for t in texts(api, CHAT)) == 1
        ending = await drive_routine(api, CHAT, feeling="Gone 🎉")
        assert "it's gone" in ending
    finally:
        await second.stop()
    _no_rejections(api)


async def test_flood_limit_429_is_waited_out_and_sent_once(
    api: FakeBotApi, bot: RunningBot
) -> None:
    api.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    api.push_text(CHAT, "/start")
    await api.wait_for_messages(CHAT, 1, timeout=8)
    await asyncio.sleep(0.3)
    assert sum("What's cramping?" in t for t in texts(api, CHAT)) == 1
    _no_rejections(api)


async def test_server_error_is_retried(api: FakeBotApi, bot: RunningBot) -> None:
    api.fail_next("sendMessage", status=502, description="Bad Gateway")
    api.push_text(CHAT, "/start")
    await api.wait_for_messages(CHAT, 1, timeout=8)
    await asyncio.sleep(0.3)
    assert sum("What's cramping?" in t for t in texts(api, CHAT)) == 1
    _no_rejections(api)


async def _blocked_becomes(bot: RunningBot, expected: bool) -> None:
    """Wait (bounded) until the user's blocked flag in the database reads `expected`."""
    assert bot.service is not None
    for _ in range(100):
        async with bot.service.sessions() as session:
            if await is_blocked(session, CHAT) == expected:
                return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the blocked flag never became {expected}")


async def test_blocked_user_is_marked_and_unmarked(api: FakeBotApi, bot: RunningBot) -> None:
    await say(api, CHAT, "/start")
    api.block_chat(CHAT)
    api.push_text(CHAT, "/help")
    await api.wait_for_request("sendMessage", lambda r: r.status == 403)
    await _blocked_becomes(bot, True)  # a 403 marks the user

    api.unblock_chat(CHAT)
    api.push_my_chat_member(CHAT, "kicked", "member")
    await _blocked_becomes(bot, False)
    api.push_my_chat_member(CHAT, "member", "kicked")
    await _blocked_becomes(bot, True)
    _no_rejections(api)


class _BrokenCoach:
    def handle(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("boom: internal detail")


async def test_an_internal_error_gets_a_kind_reply_not_a_traceback(
    api: FakeBotApi, bot: RunningBot
) -> None:
    assert bot.service is not None
    real = bot.service.coach
    bot.service.coach = _BrokenCoach()  # type: ignore[assignment]
    try:
        (reply,) = await say(api, CHAT, "/start")
        assert "something went wrong on my side" in reply.content
        assert "boom" not in reply.content and "Traceback" not in reply.content
        before = len(api.messages(CHAT))
        query = api.push_callback(CHAT, "1.a.calf")
        await api.wait_for_callback_answer(query)  # the spinner stops even so
        await api.wait_for_messages(CHAT, before + 1)
    finally:
        bot.service.coach = real
    (welcome,) = await say(api, CHAT, "/start")
    assert "What's cramping?" in welcome.content
    _no_rejections(api)


async def test_pause_resume_skip_and_stop_from_an_old_message(
    api: FakeBotApi, content: Content, e2e_database: str
) -> None:
    # Holds of 30 s become 1.5 s: long enough to press buttons in between.
    running = RunningBot(api=api, content=content, database_url=e2e_database, time_scale=0.05)
    await running.start()
    try:
        await begin(api, CHAT, "Calf", "Sitting")
        first_step = api.messages(CHAT)[-1]
        await tap(api, CHAT, "Pause")
        assert "Paused" in texts(api, CHAT)[-1]
        await quiet_for(api, CHAT, 1.8)  # the hold would have ended by now: paused means paused
        await tap(api, CHAT, "Resume ▶", expect=2)
        resumed, step = texts(api, CHAT)[-2:]
        assert "where we left off" in resumed
        assert "Step 1 of" in step
        await tap(api, CHAT, "Skip exercise")
        assert texts(api, CHAT)[-1].startswith("2 of 3 · Rub the calf\n")

        # Stop on the first step's (now old) message still stops the routine.
        stop = next(data for label, data in first_step.buttons if label == "Stop")
        query = api.push_callback(CHAT, stop, message_id=first_step.message_id)
        await api.wait_for_callback_answer(query)
        assert "Stopped" in (await settle(api, CHAT)).content
        await quiet_for(api, CHAT, 0.5)
    finally:
        await running.stop()
    assert await _episodes(running, CHAT) == [("calf", "sitting", "stopped")]
    _no_rejections(api)
