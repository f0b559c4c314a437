"""The diary in the conversation: /diary's words and chart request, the doctor's report, and
logging a cramp in three taps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.coach import ButtonPress, Command, Phase, Text
from bot.coach.effects import LogEpisode
from bot.coach.flows.diary import when_it_was
from bot.coach.machine import needs_diary
from bot.coach.outbox import DiaryPicture
from bot.coach.profile import Profile
from bot.content import Catalog
from bot.diary import DiaryEntry
from tests.auxil.coach_driver import CoachDriver, scratch

BERLIN = "Europe/Berlin"
# Thursday 7 May 2026, 08:00 in Berlin.
MORNING = datetime(2026, 5, 7, 6, 0, tzinfo=UTC)


def entry(day: int, hour: int, **fields: object) -> DiaryEntry:
    return DiaryEntry(at=datetime(2026, 5, day, hour, 0, tzinfo=UTC), **fields)  # type: ignore[arg-type]


@pytest.fixture
def diarist(driver: CoachDriver) -> CoachDriver:
    driver.now = MORNING
    driver.profile = Profile(
        zone=BERLIN,
        diary=(
            entry(
                1, 1, kind="routine", area="calf", outcome="gone", helped=("calf_stretch_towel",)
            ),
            entry(3, 0, kind="manual", area="calf", severity=6),
            entry(5, 23, kind="manual", area="foot", severity=8),
            entry(6, 1, kind="routine", area="calf", outcome="worse"),
            entry(6, 19, kind="bedtime", outcome="done"),
        ),
    )
    return driver


def test_diary_summarises_and_asks_for_the_chart(diarist: CoachDriver, en: Catalog) -> None:
    reply = diarist.command("diary")
    [picture] = [a for a in reply.actions if isinstance(a, DiaryPicture)]
    assert (picture.kind, picture.zone, str(picture.today)) == ("chart", BERLIN, "2026-05-07")
    assert picture.entries == diarist.profile.diary
    assert picture.caption == en.text("diary.chart_caption")
    text = reply.text
    assert en.text("diary.intro", days=30) in text
    # Four cramps in the seven days since the diary began (1 May).
    assert en.text("diary.count", count=4, rate="4.0") in text
    assert "Calf 3, Foot 1" in text
    assert en.text("diary.severity", mean="7.0", max=8) in text
    # What helped, by the exercise's name.
    assert en.text("diary.helped", names="Calf stretch, towel or hand") in text
    assert en.text("diary.bedtime", count=1) in text
    assert en.text("diary.attention", count=1) in text
    assert reply.labels == ["📝 Log a cramp", "📄 Summary for my doctor"]
    # The chart comes first, the words and buttons under it.
    assert isinstance(reply.actions[0], DiaryPicture)


def test_an_empty_diary_says_how_it_fills(driver: CoachDriver, en: Catalog) -> None:
    reply = driver.command("diary")
    assert en.text("diary.empty", days=30) in reply.text
    assert [a.kind for a in reply.actions if isinstance(a, DiaryPicture)] == ["chart"]


def test_the_report_for_a_doctor(diarist: CoachDriver, en: Catalog) -> None:
    diarist.command("diary")
    reply = diarist.press("📄 Summary for my doctor")
    assert reply.texts == [en.text("diary.report_intro")]
    assert [a.kind for a in reply.actions if isinstance(a, DiaryPicture)] == ["report"]
    typed = diarist.command("diary", "report")
    assert [a.kind for a in typed.actions if isinstance(a, DiaryPicture)] == ["report"]


def test_logging_a_cramp_in_three_taps(diarist: CoachDriver, en: Catalog) -> None:
    diarist.command("diary")
    assert diarist.press("📝 Log a cramp").texts == [en.text("diary.log.area")]
    assert diarist.press("Shin").texts == [en.text("diary.log.when")]
    assert diarist.press("In the night").texts == [en.text("diary.log.severity")]
    assert diarist.keyboard and len(diarist.keyboard[0]) + len(diarist.keyboard[1]) == 11
    reply = diarist.press("7")
    [episode] = [a for a in reply.actions if isinstance(a, LogEpisode)]
    assert (episode.kind, episode.area, episode.severity, episode.outcome) == (
        "manual",
        "shin",
        7,
        "logged",
    )
    # "In the night", said at 08:00 in Berlin: 02:30 local this morning.
    assert episode.started_at == datetime(2026, 5, 7, 0, 30, tzinfo=UTC)
    assert reply.texts == [
        en.text("diary.log.done", area="Shin", when=en.text("diary.when.night"), severity=7)
    ]
    assert diarist.state.phase == Phase.IDLE and scratch(diarist.state).choice_area is None


def test_logging_waits_for_a_routine_to_finish(diarist: CoachDriver, en: Catalog) -> None:
    diarist.command("diary")
    log = diarist.button("📝 Log a cramp")
    diarist.begin("calf", "sitting")
    reply = diarist.press_data(log.data)
    assert reply.notes == [en.text("reminder.after_routine")]
    assert diarist.state.phase == Phase.STEP


def test_a_stale_severity_button_logs_nothing(diarist: CoachDriver, en: Catalog) -> None:
    diarist.command("diary")
    diarist.press("📝 Log a cramp")
    diarist.press("Calf")
    diarist.press("Just now")
    seven = diarist.button("7")
    diarist.press("5")
    again = diarist.press_data(seven.data)
    assert not [a for a in again.actions if isinstance(a, LogEpisode)]
    assert again.notes == [en.text("stale_button")]


@pytest.mark.parametrize(
    ("local_now", "when", "expected_local"),
    [
        ("2026-05-07 08:00", "evening", "2026-05-06 21:00"),
        ("2026-05-07 08:00", "night", "2026-05-07 02:30"),
        ("2026-05-07 08:00", "morning", "2026-05-07 05:30"),
        ("2026-05-07 01:00", "night", "2026-05-07 01:00"),  # this night: it is still going on
        ("2026-05-07 04:00", "morning", "2026-05-07 04:00"),  # never in the future
        ("2026-05-07 23:00", "evening", "2026-05-06 21:00"),
        ("2026-03-29 09:00", "night", "2026-03-29 03:00"),  # 02:30 did not exist that night
    ],
)
def test_roughly_when_in_local_time(local_now: str, when: str, expected_local: str) -> None:
    zone = ZoneInfo(BERLIN)
    now = datetime.fromisoformat(local_now).replace(tzinfo=zone).astimezone(UTC)
    moment = when_it_was(now, when, zone)
    assert moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") == expected_local
    assert moment <= now
    assert now - moment < timedelta(days=2)


def test_only_diary_events_load_the_diary() -> None:
    assert needs_diary(Command("diary"))
    assert needs_diary(Text("/diary report"))
    assert needs_diary(ButtonPress("0.dr"))
    assert not needs_diary(ButtonPress("4.dl"))  # logging does not read the diary
    assert not needs_diary(Command("start"))
    assert not needs_diary(Text("my calf"))


@pytest.mark.parametrize(
    ("words", "asks"),
    [
        ("I had a cramp last night", "diary.log.area"),
        ("a calf cramp last night woke me up", "diary.log.when"),
        ("log a cramp", "diary.log.area"),
    ],
)
def test_saying_it_happened_starts_the_log(
    driver: CoachDriver, en: Catalog, words: str, asks: str
) -> None:
    reply = driver.say(words)
    assert reply.texts == [en.text(asks)]
    assert not reply.timers  # no routine: the cramp is over


@pytest.mark.parametrize("words", ["my calf is cramping", "a cramp woke me up, my calf"])
def test_a_cramp_now_still_gets_help_not_a_log(
    driver: CoachDriver, en: Catalog, words: str
) -> None:
    # At 3 a.m. "it woke me up" is said of the cramp still going on: a stretch comes first.
    reply = driver.say(words)
    assert reply.texts == [en.text("ask_position")]


def test_no_weekly_rate_from_a_diary_a_few_days_old(driver: CoachDriver, en: Catalog) -> None:
    driver.now = MORNING
    driver.profile = Profile(zone=BERLIN, diary=(entry(6, 1, kind="manual", area="calf"),))
    text = driver.command("diary").text
    assert en.text("diary.count_short", count=1) in text
    assert "a week" not in text
