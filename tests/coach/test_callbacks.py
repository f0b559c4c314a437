"""Callback data: compact, tied to a screen, at most 64 bytes, and never trusted blindly."""

from __future__ import annotations

import pytest

from bot.coach import Coach, Phase
from bot.coach.callbacks import MAX_CALLBACK_BYTES, Callback, decode, encode
from bot.content import AREAS, POSITIONS
from tests.auxil.coach_driver import CoachDriver


def test_telegram_limit() -> None:
    assert MAX_CALLBACK_BYTES == 64


@pytest.mark.parametrize(
    ("screen", "verb", "arg", "data"),
    [
        (0, "n", "", "0.n"),
        (12, "a", "calf", "12.a.calf"),
        (3, "f", "gone", "3.f.gone"),
        (7, "rep", "shin", "7.rep.shin"),
    ],
)
def test_encode_and_decode_round_trip(screen: int, verb: str, arg: str, data: str) -> None:
    assert encode(screen, verb, arg) == data
    assert decode(data) == Callback(screen=screen, verb=verb, arg=arg)


def test_an_argument_may_contain_dots() -> None:
    assert decode("5.x.a.b") == Callback(5, "x", "a.b")


def test_encode_refuses_more_than_64_bytes() -> None:
    assert len(encode(1, "a", "x" * 60).encode()) == 64
    with pytest.raises(ValueError, match="too long"):
        encode(1, "a", "x" * 61)
    with pytest.raises(ValueError, match="too long"):
        encode(1, "a", "é" * 31)  # 62 bytes of argument, though only 31 characters


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
    assert decode(data) is None


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
    assert all(decode(data) is not None for data in datas)
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
