"""Callback data: compact, tied to a screen, at most 64 bytes, and never trusted blindly."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import available_timezones

import pytest

from bot.coach import Button, Coach, Phase, Say
from bot.coach.callbacks import CallbackData, Envelope, Press, split, unpack
from bot.coach.flows.checkin import CheckinAnswer
from bot.coach.flows.choose import AreaChoice, PositionChoice, RepeatLast
from bot.coach.flows.data import Forget
from bot.coach.flows.diary import LogArea, LogCramp, LogSeverity, LogWhen, Report
from bot.coach.flows.language import Pick
from bot.coach.flows.reminder_night import (
    HadCramp,
    Helping,
    NoCramps,
    SkipTonight,
    Snooze,
    StartNow,
    StopReminders,
)
from bot.coach.flows.reminder_view import ChangeReminder, RemindersOff
from bot.coach.flows.reminders import BedtimeChoice, DaysChoice, MorningChoice, ZoneChoice
from bot.coach.flows.routine import (
    FeelingAnswer,
    Next,
    Pause,
    Resume,
    Skip,
    StandAnswer,
    Stop,
    WarningSigns,
    Why,
)
from bot.coach.flows.routine_end import NoCheckin, RemindMe
from bot.coach.flows.safety import SafetyAnswer, SafetyLater, SafetyStart
from bot.coach.flows.settings import Setting
from bot.content import AREAS, POSITIONS, Content
from bot.telegram.transport import MAX_CALLBACK_BYTES, markup
from tests.auxil.coach_driver import CoachDriver
from tests.auxil.zones import zone_book


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


def _say(data: str) -> Say:
    return Say("x", ((Button("b", data),),))


def test_the_telegram_markup_refuses_more_than_64_bytes() -> None:
    assert len(Why(exercise="x" * 60).pack(1).encode()) == 64
    assert markup(_say(Why(exercise="x" * 60).pack(1))) is not None
    with pytest.raises(ValueError, match="too long"):
        markup(_say(Why(exercise="x" * 61).pack(1)))
    with pytest.raises(ValueError, match="too long"):
        # 62 bytes of argument, though only 31 characters
        markup(_say(Why(exercise="é" * 31).pack(1)))


def test_every_kind_of_button_fits_with_its_longest_values(content: Content) -> None:
    night = date(2026, 11, 23)
    zone = max((z for z in available_timezones() if zone_book().is_valid_zone(z)), key=len)
    longest: list[CallbackData] = [
        AreaChoice(choice="prevent"),
        PositionChoice(position="standing"),
        RepeatLast(area="ankle"),
        Next(),
        Pause(),
        Resume(),
        Skip(),
        Stop(),
        FeelingAnswer(feeling="better"),
        StandAnswer(answer="yes"),
        CheckinAnswer(answer="gone"),
        NoCheckin(),
        Why(exercise=max(content.exercises, key=len)),
        WarningSigns(),
        RemindMe(),
        BedtimeChoice(at=time(23, 30)),
        DaysChoice(days="all"),
        ZoneChoice(zone=zone),
        MorningChoice(at="off"),
        MorningChoice(at=time(8, 30)),
        ChangeReminder(part="morning"),
        RemindersOff(),
        StartNow(night=night),
        Snooze(night=night),
        SkipTonight(night=night),
        StopReminders(night=night),
        Helping(night=night, answer="yes"),
        NoCramps(night=night),
        HadCramp(night=night),
        LogCramp(),
        Report(),
        LogArea(area="ankle"),
        LogWhen(when="evening"),
        LogSeverity(severity=10),
        SafetyStart(),
        SafetyLater(),
        SafetyAnswer(question="numb_feet", answer="unsaid"),
        Setting(name="pictures", value="off"),
        Forget(answer="yes"),
        Pick(language="pt-BR"),
    ]
    # A new kind of button must be added above.
    assert {type(button) for button in longest} == set(CallbackData.codecs.values())
    for button in longest:
        data = button.pack(10**15)  # a very long chat
        assert len(data.encode()) <= MAX_CALLBACK_BYTES, data
        assert unpack(data) == Press(10**15, button)


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
