"""Callback data: compact, tied to a screen, at most 64 bytes, and never trusted blindly."""

from __future__ import annotations

import pytest

from bot.coach import Coach, Phase
from bot.coach.callbacks import (
    MAX_CALLBACK_BYTES,
    CallbackData,
    Envelope,
    Press,
    split,
    unpack,
)
from bot.coach.flows.choose import AreaChoice, RepeatLast
from bot.coach.flows.routine import FeelingAnswer, Next, Why
from bot.content import AREAS, POSITIONS
from tests.auxil.coach_driver import CoachDriver


def test_telegram_limit() -> None:
    assert MAX_CALLBACK_BYTES == 64


@pytest.mark.parametrize(
    ("screen", "button", "verb", "arg", "data"),
    [
        (0, Next(), "n", "", "0.n"),
        (12, AreaChoice(choice="calf"), "a", "calf", "12.a.calf"),
        (3, FeelingAnswer(feeling="gone"), "f", "gone", "3.f.gone"),
        (7, RepeatLast(area="shin"), "rep", "shin", "7.rep.shin"),
    ],
)
def test_encode_and_decode_round_trip(
    screen: int, button: CallbackData, verb: str, arg: str, data: str
) -> None:
    assert button.pack(screen) == data
    assert unpack(data) == Press(screen=screen, data=button)
    assert split(data) == Envelope(screen=screen, prefix=verb, arg=arg)


def test_an_argument_may_contain_dots() -> None:
    assert split("5.x.a.b") == Envelope(5, "x", "a.b")


def test_encode_refuses_more_than_64_bytes() -> None:
    assert len(Why(exercise="x" * 60).pack(1).encode()) == 64
    with pytest.raises(ValueError, match="too long"):
        Why(exercise="x" * 61).pack(1)
    with pytest.raises(ValueError, match="too long"):
        Why(exercise="é" * 31).pack(1)  # 62 bytes of argument, though only 31 characters


@pytest.mark.parametrize(
    "data",
    [
        "",
        "n",
        "5",
        "5.",
        ".n",
        "x.n",
        "-1.n",
        "+1.n",
        " 1.n",
        "1 .n",
        "².n",
        "١.n",
        "1e3.n",
        "🙂.n",
    ],
)
def test_decode_rejects_what_we_never_produce(data: str) -> None:
    assert unpack(data) is None


def every_keyboard(driver: CoachDriver) -> list[str]:
    return [
        b.data for reply in driver.history for say in reply.says for row in say.buttons for b in row
    ]


@pytest.mark.parametrize("position", POSITIONS)
def test_every_button_of_every_flow_fits(coach: Coach, position: str) -> None:
    driver = CoachDriver(coach)
    for area in AREAS:
        driver.begin(area, position)
        driver.tap("pa")
        driver.tap("r")
        driver.finish("same" if area == "shin" else "better")
        if driver.state.timer is not None:
            driver.fire()
            driver.tap("ci", "back")
            driver.command("cancel")
    driver.command("routine")
    driver.tap("rep")
    driver.command("routine")
    driver.tap("a", "prevent")
    driver.tap("p", position)
    driver.finish()
    datas = every_keyboard(driver)
    assert len(datas) > 50
    assert all(len(data.encode()) <= MAX_CALLBACK_BYTES for data in datas)
    assert all(unpack(data) is not None for data in datas)
    assert driver.state.phase == Phase.IDLE


def test_buttons_fit_even_after_a_very_long_chat(coach: Coach) -> None:
    from bot.coach import ChatState

    driver = CoachDriver(
        coach, state=ChatState(screen=10**15, last_area="calf", last_position="bed")
    )
    driver.command("routine")
    driver.begin("calf", "bed")
    datas = every_keyboard(driver)
    assert datas
    assert max(len(d.encode()) for d in datas) <= MAX_CALLBACK_BYTES


def test_each_message_gets_its_own_screen_number(driver: CoachDriver) -> None:
    driver.begin("ankle", "bed")
    driver.finish("better")
    # "Why this?" on an exercise header shares the screen of the step sent with it.
    screens = [
        int(say.buttons[0][0].data.split(".")[0])
        for reply in driver.history
        for say in reply.says
        if say.buttons and say.buttons[0][0].data.split(".")[1] != "w"
    ]
    assert screens == sorted(screens)
    assert len(set(screens)) == len(screens)
    assert driver.state.screen == screens[-1]
