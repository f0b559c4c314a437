"""The clinical-safety behaviour through the real Application, over HTTP, on SQLite and
PostgreSQL: the /safety answers change what a standing person is offered, and a typed warning
sign stops everything and names a real number to call."""

from __future__ import annotations

from sqlalchemy import select

from bot.coach import from_dict
from bot.content import Content
from bot.storage import episodes_for
from bot.storage.models import ChatState, User
from tests.e2e.conftest import RunningBot
from tests.e2e.helpers import (
    begin,
    quiet_for,
    reply_containing,
    say,
    settle,
    tap,
    texts,
    until_said,
)
from tools.botapi_standin import FakeBotApi

SIT_DOWN = "1 of 4 · Sit down first\n"
STAND_ON_LEG = "1 of 3 · Lean onto the leg, both feet down\n"
ANSWER_BUTTONS = ["Yes", "No", "Prefer not to say"]
QUESTIONS = ("balance", "joint", "pregnancy", "clot", "numb_feet")


def _no_rejections(api: FakeBotApi) -> None:
    assert api.rejected == [], [(r.method, r.status, r.description) for r in api.rejected]


async def _answer_safety(api: FakeBotApi, chat_id: int, answers: list[str]) -> None:
    """/safety, then the five questions answered by tapping `answers` in order."""
    intro, first = await say(api, chat_id, "/safety", expect=2)
    assert "Five quick safety questions" in intro.content
    assert "1 of 5." in first.content and "unsteady on your feet" in first.content
    for number, label in enumerate(answers, start=1):
        question = api.messages(chat_id)[-1]
        assert f"{number} of 5." in question.content
        assert [text for text, _ in question.buttons] == ANSWER_BUTTONS
        await tap(api, chat_id, label)
    assert "Thank you, saved." in texts(api, chat_id)[-1]


async def _stored_answers(bot: RunningBot, chat_id: int) -> dict[str, str | None]:
    assert bot.service is not None
    async with bot.service.sessions() as session:
        user = await session.get(User, chat_id)
    assert user is not None
    return {question: getattr(user, f"safety_{question}") for question in QUESTIONS}


async def _chat_state(bot: RunningBot, chat_id: int) -> ChatState:
    assert bot.service is not None
    async with bot.service.sessions() as session:
        row = (
            await session.execute(select(ChatState).where(ChatState.chat_id == chat_id))
        ).scalar_one()
        session.expunge(row)
    return row


async def _first_step(api: FakeBotApi, chat_id: int, typed: str) -> str:
    """/start, then area and position said in one line of text: the first step's text."""
    await say(api, chat_id, "/start")
    (step,) = await say(api, chat_id, typed)
    assert "Step 1 of" in step.content
    return str(step.content)


# -- (a) the safety profile decides what a standing person is offered -------------------------
async def test_the_safety_answers_change_what_a_standing_person_is_offered(
    api: FakeBotApi, bot: RunningBot, content: Content
) -> None:
    steady, unanswered, unsteady, unsaid = 9101, 9102, 9103, 9104

    # Steady on their feet (balance "no"): the standing calf stretch, holding on, comes first.
    await _answer_safety(api, steady, ["No", "No", "Prefer not to say", "No", "No"])
    assert await _stored_answers(bot, steady) == {
        "balance": "no",
        "joint": "no",
        "pregnancy": "unsaid",
        "clot": "no",
        "numb_feet": "no",
    }
    step = await _first_step(api, steady, "my calf is cramping and I'm standing")
    assert step.startswith(STAND_ON_LEG)
    assert content.exercise("calf_stand_on_leg").steps[0].text in step
    assert "hold on to something heavy and fixed" in step.lower()
    assert "Sit down first" not in step
    # "Prefer not to say" to pregnancy: its note comes with the routine, after the instruction.
    note = content.safety["pregnancy"].text
    assert note in step and step.index(note) > step.index("Step 1 of")
    assert [label for label, _ in api.messages(steady)[-1].buttons][-2:] == [
        "⚠️ Warning signs",
        "Why this?",
    ]

    # No answers at all: the careful default, the same as a "yes".
    step = await _first_step(api, unanswered, "my calf is cramping and I'm standing")
    assert step.startswith(SIT_DOWN)
    assert "Lean onto the leg" not in step
    assert await _stored_answers(bot, unanswered) == dict.fromkeys(QUESTIONS)

    # Balance "yes", and balance "prefer not to say": sit down first too.
    for chat_id, balance in ((unsteady, "Yes"), (unsaid, "Prefer not to say")):
        await _answer_safety(api, chat_id, [balance, "No", "No", "No", "No"])
        step = await _first_step(api, chat_id, "calf, standing")
        assert step.startswith(SIT_DOWN), (balance, step)
        # Sitting down leads to the seated towel stretch, never a standing one.
        await tap(api, chat_id, "Next ▶")
        assert texts(api, chat_id)[-1].startswith("2 of 4 · Calf stretch, towel or hand\n")

    # Changing the answer later changes the offer: /safety (which ends the routine that was
    # running: the questions are for a calm moment) shows the answers, then asks again.
    view = await reply_containing(api, unsteady, "Your safety answers", "/safety")
    assert "Unsteady, walking aid or a fall: yes" in view.content
    assert from_dict((await _chat_state(bot, unsteady)).state).progress is None
    await tap(api, unsteady, "Change my answers", expect=2)
    for label in ["No", "No", "No", "No", "No"]:
        await tap(api, unsteady, label)
    assert (await _stored_answers(bot, unsteady))["balance"] == "no"
    step = await _first_step(api, unsteady, "calf, standing")
    assert step.startswith(STAND_ON_LEG)
    _no_rejections(api)


async def test_the_questions_are_offered_after_a_routine_and_can_be_answered_from_there(
    api: FakeBotApi, bot: RunningBot
) -> None:
    chat = 9111
    await begin(api, chat, "Foot / toes / arch", "Sitting")
    for _ in range(3):  # through the three exercises without waiting for the holds
        await tap(api, chat, "Skip exercise")
    await tap(api, chat, "Gone 🎉")
    wrap_up = await settle(api, chat)
    assert "five quick safety questions" in wrap_up.content
    await tap(api, chat, "🛡 Answer 5 safety questions", expect=2)
    assert "1 of 5." in texts(api, chat)[-1]
    for _ in range(5):
        await tap(api, chat, "No")
    assert await _stored_answers(bot, chat) == dict.fromkeys(QUESTIONS, "no")
    # All answered: the next wrap-up no longer asks.
    await reply_containing(api, chat, "Cancelled", "/cancel")  # the pending check-in
    await begin(api, chat, "Foot / toes / arch", "Sitting")
    for _ in range(3):
        await tap(api, chat, "Skip exercise")
    await tap(api, chat, "Gone 🎉")
    wrap_up = await settle(api, chat)
    assert "it's gone" in wrap_up.content
    assert "safety questions" not in wrap_up.content
    assert [label for label, _ in wrap_up.buttons] == ["No need to check in"]
    _no_rejections(api)


# -- (b) an urgent warning sign typed mid-routine stops it ------------------------------------
async def test_an_urgent_warning_sign_mid_routine_stops_the_routine_and_its_timer(
    api: FakeBotApi, content: Content, e2e_database: str
) -> None:
    chat = 9121
    # Holds of 30 s become 1.5 s: long enough to type in between, short enough to wait out.
    running = RunningBot(api=api, content=content, database_url=e2e_database, time_scale=0.05)
    await running.start()
    try:
        await say(api, chat, "/timezone Europe/London")
        await begin(api, chat, "Calf", "Sitting")
        assert "Step 1 of 3" in texts(api, chat)[-1]
        armed = await _chat_state(running, chat)
        assert armed.timer_token is not None and armed.timer_due_at is not None
        assert from_dict(armed.state).progress is not None

        reply = await reply_containing(api, chat, "clot", "my calf is swollen and red")
        text = reply.content
        assert content.safety["dvt"].text.split(".")[0] in text
        assert "don't rub or massage that leg" in text
        # The urgent line and the emergency number of the person's country (their time zone).
        assert "call 111 (NHS 111)" in text and "In an emergency, call 999." in text
        assert "I've stopped the routine and any check-in." in text
        assert not reply.buttons  # nothing to tap: a doctor is next, not a stretch

        # The hold would have ended by now: no step, no "how is it now?", nothing.
        await quiet_for(api, chat, 2.5)
        assert not any("Step 2 of" in t for t in texts(api, chat))
        stopped = await _chat_state(running, chat)
        assert stopped.timer_token is None and stopped.timer_due_at is None
        row = from_dict(stopped.state)
        assert row.timer is None and row.progress is None
        assert row.phase == "idle"
        assert running.service is not None
        async with running.service.sessions() as session:
            episodes = await episodes_for(session, chat)
        assert [(e.area, e.position, e.outcome) for e in episodes] == [
            ("calf", "sitting", "red_flag")
        ]
    finally:
        await running.stop()
    _no_rejections(api)


async def test_an_emergency_sign_after_a_routine_cancels_the_check_in(
    api: FakeBotApi, bot: RunningBot
) -> None:
    chat = 9122
    await begin(api, chat, "Calf", "In bed")
    for _ in range(3):
        await tap(api, chat, "Skip exercise")
    await tap(api, chat, "Better")
    assert "I'll quietly check in" in (await settle(api, chat)).content
    assert (await _chat_state(bot, chat)).timer_token is not None  # the check-in, due in 1 s

    reply = await reply_containing(api, chat, "ambulance", "I'm short of breath")
    assert "Call your local emergency number now" in reply.content
    assert "112 works in many countries" in reply.content
    assert "I've stopped the routine and any check-in." in reply.content
    await quiet_for(api, chat, 1.8)  # the check-in would have come by now
    assert not any("still gone" in t for t in texts(api, chat))
    assert (await _chat_state(bot, chat)).timer_token is None
    _no_rejections(api)


# -- (c) the number to call depends on the time zone ------------------------------------------
async def test_the_emergency_number_is_the_one_of_the_persons_country(
    api: FakeBotApi, bot: RunningBot
) -> None:
    london, unknown, berlin = 9131, 9132, 9133

    (zone,) = await say(api, london, "/timezone Europe/London")
    assert "Time zone set: Europe/London" in zone.content
    (reply,) = await say(api, london, "chest pain")
    assert "Call 999 now (emergency number, United Kingdom)." in reply.content
    assert "112" not in reply.content
    assert "stopped the routine" not in reply.content  # nothing was running

    # No time zone: the line that works in many countries, and how to get the local one.
    (reply,) = await say(api, unknown, "chest pain")
    assert (
        "Call your local emergency number now. From a mobile phone, 112 works in many countries."
        in reply.content
    )
    assert "/timezone tells me your country" in reply.content

    # Another country, another number; and the full list names both of its numbers.
    await say(api, berlin, "/timezone Europe/Berlin")
    (reply,) = await say(api, berlin, "I can't breathe")
    assert "Call 112 now (emergency number, Germany)." in reply.content
    await begin(api, berlin, "Calf", "Sitting")
    before = len(api.messages(berlin))
    query = await tap(api, berlin, "⚠️ Warning signs", expect=0)
    note = await api.wait_for_callback_answer(query)
    assert note.get("text") == "Here are the warning signs. Your routine carries on."
    signs = await api.wait_for(
        lambda: next(
            (m for m in api.messages(berlin)[before:] if "Call an ambulance" in m.content), None
        )
    )
    assert "Emergency number (Germany): 112" in signs.content
    assert "Urgent, not an emergency: 116117 (ärztlicher Bereitschaftsdienst)" in signs.content
    assert "Numbers from: Hessisches Ministerium" in signs.content
    assert not signs.buttons  # a new message: the step, its buttons and its timer stay
    # The routine carries on by itself: the hold ends and the next step arrives.
    await until_said(api, berlin, "Step 2 of")
    _no_rejections(api)
