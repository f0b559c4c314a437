"""The bedtime reminder as conversation: set-up, the view and its changes, /timezone, a shared
location, the reminder message's own buttons, the offers after a routine, old buttons and DST.

Times are explicit UTC instants; 2026-05-07 is a Thursday, and 18:00Z is 20:00 in Berlin (CEST).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from bot import formats
from bot.coach import Coach, Effect, Location, LogEpisode, Notify, Phase, Reopened, Say, callbacks
from bot.coach.effects import (
    AnswerHelping,
    SaveMorning,
    SaveReminder,
    SaveZone,
    SkipReminder,
    SnoozeReminder,
    StopReminder,
)
from bot.coach.flows.reminder_night import SNOOZE_MINUTES, reminder_messages
from bot.coach.profile import NO_PROFILE, Profile, ReminderInfo
from bot.content import Catalog, Content
from bot.reminders.schedule import EVERY_DAY, WEEKDAYS, WEEKENDS
from tests.auxil.coach_driver import CoachDriver, Reply, scratch
from tests.auxil.zones import zone_book

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
TOKYO = "Asia/Tokyo"
# Thursday 2026-05-07, 20:00 in Berlin, 14:00 in New York, 03:00 (Friday) in Tokyo.
THU_EVENING = datetime(2026, 5, 7, 18, 0, tzinfo=UTC)
TONIGHT = date(2026, 5, 7)
TOMORROW = date(2026, 5, 8)

TIME_LABELS = ["21:30", "22:00", "22:30", "23:00"]
DAY_LABELS = ["Every day", "Mon–Fri", "Sat & Sun"]
VIEW_LABELS = [
    "Change time",
    "Change days",
    "Change time zone",
    "Morning check-in",
    "Stop reminders",
]
POSITION_LABELS = ["In bed", "Sitting", "Standing"]
REMIND_ME = "⏰ Remind me at bedtime"
SAFETY_OFFER = ["🛡 Answer 5 safety questions", "Not now"]
REMINDER_ACTIONS = (SaveZone, SaveReminder, StopReminder, SnoozeReminder, SkipReminder)

# Coordinates -> zone, so location tests need not load the real map data.
PLACES = {(52.52, 13.405): BERLIN, (35.68, 139.69): TOKYO}


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def reminder(
    at: time = time(21, 30), days: int = EVERY_DAY, zone: str = BERLIN, **more: Any
) -> ReminderInfo:
    """An enabled reminder, with any of the dispatcher's bookkeeping fields in `more`."""
    return replace(ReminderInfo(zone=zone, at=at, days=days, enabled=True), **more)


def chat(
    coach: Coach, *, now: datetime = THU_EVENING, profile: Profile = NO_PROFILE
) -> CoachDriver:
    return CoachDriver(coach, roundtrip=True, now=now, profile=profile)


def changes(reply: Reply) -> list[Effect]:
    """The reminder effects of a turn (what the service would write), in order."""
    return [a for a in reply.effects if isinstance(a, (*REMINDER_ACTIONS, AnswerHelping))]


def saved_text(
    en: Catalog,
    *,
    at: str,
    days: str,
    zone: str,
    when: str,
    weekday: int | None = None,
    fires: str | None = None,
) -> str:
    """The confirmation the coach sends after saving: the summary and the hint below it.

    `fires` is the local clock of the next reminder when it differs from `at` (a DST gap).
    """
    values: dict[str, object] = {"time": fires or at}
    if weekday is not None:
        values["weekday"] = formats.weekday(weekday, "en")
    summary = en.text(
        "reminder.saved",
        time=at,
        days=en.text(days),
        zone=zone.replace("_", " "),
        next=en.text(f"when.{when}", **values),
    )
    return f"{summary}\n\n{en.text('reminder.saved_hint')}"


def confirmed(en: Catalog, **values: Any) -> list[str]:
    """What a save sends while the safety questions are unanswered: the confirmation, then the
    offer of the questions in a message of its own (the confirmation takes away the keyboard)."""
    return [saved_text(en, **values), en.text("safety.offer")]


@pytest.fixture
def located(content: Content) -> tuple[Coach, list[tuple[float, float]]]:
    """A coach whose locator is a dict look-up, and the list of coordinates it was asked about."""
    asked: list[tuple[float, float]] = []

    def locate(latitude: float, longitude: float) -> str | None:
        asked.append((latitude, longitude))
        return PLACES.get((latitude, longitude))

    return Coach(content, zones=zone_book(), locate=locate), asked


@pytest.fixture
def home(coach: Coach) -> CoachDriver:
    """Thursday evening in Berlin, the zone known, no reminder yet."""
    return chat(coach, profile=Profile(zone=BERLIN))


def phase_of(driver: CoachDriver) -> Phase:
    """The phase now (a call, so type checkers do not narrow it across turns)."""
    return driver.state.phase


def to_zone_question(driver: CoachDriver) -> Reply:
    driver.command("reminder")
    driver.press("22:00")
    reply = driver.press("Every day")
    assert driver.state.phase == Phase.REMINDER_ZONE
    return reply


def to_feeling_question(driver: CoachDriver) -> None:
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    assert driver.state.phase == Phase.ASK_FEELING


# -- 1. set-up from nothing -----------------------------------------------------------------------
def test_setup_asks_time_days_zone_then_saves(coach: Coach, en: Catalog) -> None:
    driver = chat(coach)
    ask_time = driver.command("reminder")
    assert ask_time.texts == [en.text("reminder.ask_time")]
    assert ask_time.labels == TIME_LABELS
    assert [len(row) for row in ask_time.keyboard] == [2, 2]
    assert driver.state.phase == Phase.REMINDER_TIME
    assert changes(ask_time) == []

    ask_days = driver.press("22:00")
    assert ask_days.texts == [en.text("reminder.ask_days")]
    assert ask_days.labels == DAY_LABELS
    assert phase_of(driver) == Phase.REMINDER_DAYS
    assert scratch(driver.state).draft_time == "22:00"
    assert changes(ask_days) == []

    ask_zone = driver.press("Every day")
    [question] = ask_zone.says
    assert question.text == en.text("reminder.ask_zone")  # no zone known: no "your zone is"
    assert question.buttons == ()
    assert question.location_button == en.button("share_location")
    assert not question.remove_keyboard
    assert phase_of(driver) == Phase.REMINDER_ZONE
    assert changes(ask_zone) == []

    done = driver.say("Berlin")
    assert changes(done) == [
        SaveZone(BERLIN),
        SaveReminder(
            zone=BERLIN,
            at=time(22, 0),
            days=EVERY_DAY,
            next_fire_at=utc(2026, 5, 7, 20, 0),
            next_local_date=TONIGHT,
        ),
    ]
    [confirmation, offer] = done.says
    assert confirmation.text == saved_text(
        en, at="22:00", days="days.every", zone=BERLIN, when="today"
    )
    assert "tonight at 22:00" in confirmation.text
    assert confirmation.remove_keyboard
    assert confirmation.buttons == ()
    assert offer.text == en.text("safety.offer")
    assert [b.label for row in offer.buttons for b in row] == SAFETY_OFFER
    assert not offer.remove_keyboard and offer.location_button is None
    state = driver.state
    assert state.phase == Phase.IDLE
    assert (scratch(state).draft_purpose, scratch(state).draft_time, scratch(state).draft_days) == (
        None,
        None,
        None,
    )
    assert driver.profile.active_reminder is not None
    assert driver.profile.zone == BERLIN


def test_setup_after_tonights_time_confirms_tomorrow(coach: Coach, en: Catalog) -> None:
    driver = chat(coach, now=utc(2026, 5, 7, 20, 30))  # 22:30 in Berlin: 22:00 has gone
    to_zone_question(driver)
    done = driver.say("Berlin")
    [_, save] = changes(done)
    assert save == SaveReminder(BERLIN, time(22, 0), EVERY_DAY, utc(2026, 5, 8, 20, 0), TOMORROW)
    assert done.texts == confirmed(en, at="22:00", days="days.every", zone=BERLIN, when="tomorrow")


@pytest.mark.parametrize(
    ("label", "days", "fire", "night", "when", "key"),
    [
        # Saturday 2026-05-09, 20:00 in Berlin.
        ("Every day", EVERY_DAY, utc(2026, 5, 9, 20), date(2026, 5, 9), "today", "days.every"),
        ("Mon–Fri", WEEKDAYS, utc(2026, 5, 11, 20), date(2026, 5, 11), "later", "days.weekdays"),
        ("Sat & Sun", WEEKENDS, utc(2026, 5, 9, 20), date(2026, 5, 9), "today", "days.weekends"),
    ],
)
def test_days_choice_with_zone_known_saves_without_asking_the_zone(
    coach: Coach,
    en: Catalog,
    label: str,
    days: int,
    fire: datetime,
    night: date,
    when: str,
    key: str,
) -> None:
    driver = chat(coach, now=utc(2026, 5, 9, 18), profile=Profile(zone=BERLIN))
    driver.command("reminder")
    driver.press("22:00")
    done = driver.press(label)
    assert changes(done) == [SaveReminder(BERLIN, time(22, 0), days, fire, night)]  # no SaveZone
    weekday = 0 if when == "later" else None
    assert done.texts == confirmed(
        en, at="22:00", days=key, zone=BERLIN, when=when, weekday=weekday
    )
    assert driver.state.phase == Phase.IDLE


def test_setup_with_zone_known_shows_no_location_keyboard(home: CoachDriver) -> None:
    home.command("reminder")
    home.press("22:30")
    done = home.press("Every day")
    assert all(say.location_button is None for say in done.says)
    assert home.state.phase == Phase.IDLE


# -- 2. /reminder <time> --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "at", "fire"),
    [
        ("21:30", time(21, 30), utc(2026, 5, 7, 19, 30)),
        ("9pm", time(21, 0), utc(2026, 5, 7, 19, 0)),
        ("22h15", time(22, 15), utc(2026, 5, 7, 20, 15)),
    ],
)
def test_reminder_with_a_time_saves_at_once_every_day(
    home: CoachDriver, en: Catalog, typed: str, at: time, fire: datetime
) -> None:
    reply = home.command("reminder", typed)
    assert changes(reply) == [SaveReminder(BERLIN, at, EVERY_DAY, fire, TONIGHT)]
    clock = f"{at:%H:%M}"
    assert reply.texts == confirmed(en, at=clock, days="days.every", zone=BERLIN, when="today")
    assert home.state.phase == Phase.IDLE
    assert scratch(home.state).draft_time is None


def test_reminder_with_a_time_typed_as_a_slash_command(home: CoachDriver) -> None:
    reply = home.say("/reminder 21:30")
    assert changes(reply) == [
        SaveReminder(BERLIN, time(21, 30), EVERY_DAY, utc(2026, 5, 7, 19, 30), TONIGHT)
    ]


def test_reminder_with_a_time_keeps_the_days_of_the_existing_reminder(
    coach: Coach, en: Catalog
) -> None:
    driver = chat(coach, profile=Profile(zone=BERLIN, reminder=reminder(days=WEEKDAYS)))
    reply = driver.command("reminder", "22:15")
    assert changes(reply) == [
        SaveReminder(BERLIN, time(22, 15), WEEKDAYS, utc(2026, 5, 7, 20, 15), TONIGHT)
    ]
    assert reply.texts == confirmed(en, at="22:15", days="days.weekdays", zone=BERLIN, when="today")


def test_reminder_with_a_time_but_no_zone_asks_only_the_zone(coach: Coach, en: Catalog) -> None:
    driver = chat(coach)
    ask = driver.command("reminder", "21:30")
    [question] = ask.says
    assert question.text == en.text("reminder.ask_zone")
    assert question.location_button == en.button("share_location")
    assert changes(ask) == []
    done = driver.say("berlin")
    assert changes(done) == [
        SaveZone(BERLIN),
        SaveReminder(BERLIN, time(21, 30), EVERY_DAY, utc(2026, 5, 7, 19, 30), TONIGHT),
    ]


@pytest.mark.parametrize("typed", ["25:00", "soon", "24:00", "9:5", "13pm"])
def test_reminder_with_a_bad_time_changes_nothing(
    home: CoachDriver, en: Catalog, typed: str
) -> None:
    home.begin("calf", "sitting")  # a routine in progress must survive a typo
    before = home.state
    reply = home.command("reminder", typed)
    assert reply.actions == (Say(en.text("reminder.bad_time")),)
    assert home.state == before


def test_a_bad_time_in_the_time_question_asks_again_with_buttons_that_work(
    home: CoachDriver, en: Catalog
) -> None:
    first = home.command("reminder")
    screen = home.state.screen
    again = home.say("soon")
    assert again.texts == [en.text("reminder.bad_time"), en.text("reminder.ask_time")]
    assert again.labels == TIME_LABELS
    assert again.keyboard == first.keyboard  # the same buttons, still valid
    assert home.state.screen == screen
    assert home.state.phase == Phase.REMINDER_TIME
    assert changes(again) == []
    days = home.press("22:30")
    assert days.labels == DAY_LABELS


def test_a_typed_time_answers_the_time_question(home: CoachDriver, en: Catalog) -> None:
    home.command("reminder")
    reply = home.say("9:45pm")
    assert reply.texts == [en.text("reminder.ask_days")]
    assert scratch(home.state).draft_time == "21:45"


# -- 3. off and on --------------------------------------------------------------------------------
def test_off_stops_the_reminder(coach: Coach, en: Catalog) -> None:
    driver = chat(coach, profile=Profile(zone=BERLIN, reminder=reminder()))
    reply = driver.command("reminder", "off")
    assert reply.actions == (StopReminder(), Say(en.text("reminder.stopped"), remove_keyboard=True))
    assert driver.profile.active_reminder is None


def test_off_without_a_reminder_says_there_is_none(home: CoachDriver, en: Catalog) -> None:
    reply = home.command("reminder", "off")
    assert reply.actions == (Say(en.text("reminder.none"), remove_keyboard=True),)


def test_off_during_setup_ends_the_setup(home: CoachDriver, en: Catalog) -> None:
    home.command("reminder")
    home.press("22:00")
    reply = home.command("reminder", "off")
    assert reply.texts == [en.text("reminder.none")]
    assert home.state.phase == Phase.IDLE
    assert scratch(home.state).draft_time is None


def test_on_after_off_restores_the_old_settings(coach: Coach, en: Catalog) -> None:
    old = reminder(at=time(22, 30), days=WEEKDAYS, last_sent_date=date(2026, 5, 6))
    driver = chat(coach, profile=Profile(zone=BERLIN, reminder=old))
    driver.command("reminder", "off")
    reply = driver.command("reminder", "on")
    assert changes(reply) == [
        SaveReminder(BERLIN, time(22, 30), WEEKDAYS, utc(2026, 5, 7, 20, 30), TONIGHT)
    ]
    assert reply.texts == confirmed(en, at="22:30", days="days.weekdays", zone=BERLIN, when="today")
    assert driver.profile.active_reminder is not None


def test_on_after_off_does_not_repeat_a_night_already_reminded(coach: Coach) -> None:
    old = reminder(at=time(22, 30), last_sent_date=TONIGHT)  # tonight's came, then "off"
    driver = chat(coach, now=utc(2026, 5, 7, 20, 0), profile=Profile(zone=BERLIN, reminder=old))
    driver.command("reminder", "off")
    reply = driver.command("reminder", "on")
    [save] = changes(reply)
    assert isinstance(save, SaveReminder)
    assert (save.next_fire_at, save.next_local_date) == (utc(2026, 5, 8, 20, 30), TOMORROW)


def test_on_during_a_routine_leaves_a_consistent_state(coach: Coach) -> None:
    old = replace(reminder(), enabled=False)
    driver = chat(coach, profile=Profile(zone=BERLIN, reminder=old))
    driver.begin("calf", "bed")
    driver.command("reminder", "on")
    # Either the routine goes on (phase STEP) or it was ended (no progress); not half of each.
    assert driver.state.progress is None or driver.state.phase == Phase.STEP


def test_on_uses_the_zone_set_while_reminders_were_off(coach: Coach) -> None:
    driver = chat(coach, profile=Profile(zone=BERLIN, reminder=reminder()))
    driver.command("reminder", "off")
    moved = driver.command("timezone", "Tokyo")
    assert changes(moved) == [SaveZone(TOKYO)]
    reply = driver.command("reminder", "on")
    # 21:30 in Tokyo on Friday 2026-05-08 (it is 03:00 there now), and Tokyo stays the zone.
    assert changes(reply) == [
        SaveReminder(TOKYO, time(21, 30), EVERY_DAY, utc(2026, 5, 8, 12, 30), TOMORROW)
    ]


# -- 4. the view and its buttons ------------------------------------------------------------------
@pytest.fixture
def has_reminder(coach: Coach) -> CoachDriver:
    """Weekdays at 21:30 in Berlin, next due tonight (Thursday)."""
    info = reminder(days=WEEKDAYS, next_fire_at=utc(2026, 5, 7, 19, 30), next_local_date=TONIGHT)
    return chat(coach, profile=Profile(zone=BERLIN, reminder=info))


def test_reminder_shows_the_reminder_and_its_buttons(
    has_reminder: CoachDriver, en: Catalog
) -> None:
    reply = has_reminder.command("reminder")
    assert reply.texts == [
        en.text(
            "reminder.view",
            time="21:30",
            days=en.text("days.weekdays"),
            zone=BERLIN,
            next=en.text("when.today", time="21:30"),
        )
        + "\n\n"
        + en.text("reminder.view_no_morning")
    ]
    assert reply.labels == VIEW_LABELS
    assert changes(reply) == []
    assert has_reminder.state.phase == Phase.IDLE


def test_view_computes_the_next_reminder_when_none_is_stored(coach: Coach, en: Catalog) -> None:
    info = reminder(days=WEEKENDS)  # no next_fire_at: computed from now (Thursday)
    driver = chat(coach, profile=Profile(zone=BERLIN, reminder=info))
    reply = driver.command("reminder")
    weekday = formats.weekday(5, "en")
    assert f"Next reminder: {en.text('when.later', weekday=weekday, time='21:30')}." in reply.text


def test_view_mentions_a_pending_snooze(coach: Coach, en: Catalog) -> None:
    info = reminder(last_sent_date=TONIGHT, snooze_until=utc(2026, 5, 7, 20, 0))
    driver = chat(coach, now=utc(2026, 5, 7, 19, 40), profile=Profile(zone=BERLIN, reminder=info))
    reply = driver.command("reminder")
    assert reply.text.endswith(en.text("reminder.view_snoozed", time="22:00"))
    driver.now = utc(2026, 5, 7, 20, 1)  # the snooze is over
    assert en.text("reminder.view_snoozed", time="22:00") not in driver.command("reminder").text


def test_change_time_asks_only_the_time_and_keeps_days_and_zone(
    has_reminder: CoachDriver, en: Catalog
) -> None:
    has_reminder.command("reminder")
    ask = has_reminder.press("Change time")
    assert ask.texts == [en.text("reminder.ask_time")]
    assert ask.labels == TIME_LABELS
    assert has_reminder.state.phase == Phase.REMINDER_TIME
    done = has_reminder.press("23:00")
    assert changes(done) == [
        SaveReminder(BERLIN, time(23, 0), WEEKDAYS, utc(2026, 5, 7, 21, 0), TONIGHT)
    ]
    assert done.texts == confirmed(en, at="23:00", days="days.weekdays", zone=BERLIN, when="today")
    assert phase_of(has_reminder) == Phase.IDLE


def test_change_days_keeps_time_and_zone(has_reminder: CoachDriver, en: Catalog) -> None:
    has_reminder.command("reminder")
    ask = has_reminder.press("Change days")
    assert ask.texts == [en.text("reminder.ask_days")]
    assert ask.labels == DAY_LABELS
    done = has_reminder.press("Sat & Sun")
    saturday = date(2026, 5, 9)
    assert changes(done) == [
        SaveReminder(BERLIN, time(21, 30), WEEKENDS, utc(2026, 5, 9, 19, 30), saturday)
    ]
    assert done.texts == confirmed(
        en, at="21:30", days="days.weekends", zone=BERLIN, when="later", weekday=5
    )


def test_change_zone_keeps_time_and_days(has_reminder: CoachDriver, en: Catalog) -> None:
    has_reminder.command("reminder")
    ask = has_reminder.press("Change time zone")
    [question] = ask.says
    current = en.text("reminder.zone_current", zone=BERLIN, now="20:00")
    assert question.text == f"{current}\n\n{en.text('reminder.ask_zone')}"
    assert question.location_button == en.button("share_location")
    assert question.buttons == ()
    assert has_reminder.state.phase == Phase.REMINDER_ZONE
    done = has_reminder.say("Tokyo")
    # In Tokyo it is Friday 03:00: the next weekday 21:30 there is tonight (Friday), 12:30Z.
    assert changes(done) == [
        SaveZone(TOKYO),
        SaveReminder(TOKYO, time(21, 30), WEEKDAYS, utc(2026, 5, 8, 12, 30), TOMORROW),
    ]
    assert done.texts == confirmed(en, at="21:30", days="days.weekdays", zone=TOKYO, when="today")


def test_stop_from_the_view(has_reminder: CoachDriver, en: Catalog) -> None:
    has_reminder.command("reminder")
    reply = has_reminder.press("Stop reminders")
    assert reply.notes == [en.text("stopped_note")]
    assert changes(reply) == [StopReminder()]
    assert reply.texts == [en.text("reminder.stopped")]
    assert has_reminder.profile.active_reminder is None
    # Now /reminder starts a new set-up rather than showing a stopped reminder.
    assert has_reminder.command("reminder").labels == TIME_LABELS


def test_view_during_a_routine_does_not_strand_the_routine(
    has_reminder: CoachDriver, en: Catalog
) -> None:
    has_reminder.begin("calf", "sitting")
    next_button = has_reminder.button_for("n")
    has_reminder.command("reminder")
    running = has_reminder.state.progress is not None
    reply = has_reminder.press_data(next_button.data)
    assert not (running and reply.notes == [en.text("stale_button")])


# -- 5. /timezone ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "zone", "clock"),
    [
        ("Europe/Berlin", BERLIN, "20:00"),
        ("berlin", BERLIN, "20:00"),
        ("new york", NEW_YORK, "14:00"),
        ("UTC", "UTC", "18:00"),
    ],
)
def test_timezone_saves_the_zone(
    coach: Coach, en: Catalog, typed: str, zone: str, clock: str
) -> None:
    driver = chat(coach)
    reply = driver.command("timezone", typed)
    text = en.text("reminder.zone_saved", zone=zone.replace("_", " "), now=clock)
    assert reply.actions == (SaveZone(zone), Say(text, remove_keyboard=True))
    assert driver.state.phase == Phase.IDLE
    assert scratch(driver.state).draft_purpose is None


def test_timezone_without_words_asks_for_the_zone(home: CoachDriver, en: Catalog) -> None:
    reply = home.command("timezone")
    [question] = reply.says
    assert question.text.startswith(en.text("reminder.zone_current", zone=BERLIN, now="20:00"))
    assert question.location_button == en.button("share_location")
    assert home.state.phase == Phase.REMINDER_ZONE
    assert changes(home.say("New York")) == [SaveZone(NEW_YORK)]


def test_a_traveller_keeps_their_bedtime_in_the_new_zone(coach: Coach, en: Catalog) -> None:
    driver = chat(coach, profile=Profile(zone=BERLIN, reminder=reminder()))
    reply = driver.command("timezone", "New York")
    assert changes(reply) == [
        SaveZone(NEW_YORK),
        # 21:30 in New York (EDT, UTC-4) on Thursday is 01:30Z on Friday.
        SaveReminder(NEW_YORK, time(21, 30), EVERY_DAY, utc(2026, 5, 8, 1, 30), TONIGHT),
    ]
    assert reply.texts == confirmed(en, at="21:30", days="days.every", zone=NEW_YORK, when="today")
    assert driver.profile.reminder is not None
    assert driver.profile.reminder.zone == NEW_YORK


def test_a_traveller_is_not_reminded_twice_in_one_night(coach: Coach, en: Catalog) -> None:
    # Tonight's reminder came in Berlin at 21:30; at 22:00 they land in New York (16:00 there).
    info = reminder(last_sent_date=TONIGHT)
    driver = chat(coach, now=utc(2026, 5, 7, 20, 0), profile=Profile(zone=BERLIN, reminder=info))
    reply = driver.command("timezone", "New York")
    [_, save] = changes(reply)
    assert save == SaveReminder(NEW_YORK, time(21, 30), EVERY_DAY, utc(2026, 5, 9, 1, 30), TOMORROW)
    assert "tomorrow at 21:30" in reply.text


def test_timezone_to_the_same_zone_recomputes_without_saving_the_zone(
    has_reminder: CoachDriver,
) -> None:
    reply = has_reminder.command("timezone", "Berlin")
    assert changes(reply) == [
        SaveReminder(BERLIN, time(21, 30), WEEKDAYS, utc(2026, 5, 7, 19, 30), TONIGHT)
    ]


def test_an_offset_offers_zones_with_their_clocks(coach: Coach, en: Catalog) -> None:
    driver = chat(coach, now=utc(2026, 5, 7, 18, 5))  # 23:35 in India
    reply = driver.command("timezone", "UTC+5:30")
    assert reply.texts == [en.text("reminder.pick_zone")]
    assert "Asia/Kolkata (23:35)" in reply.labels
    assert len(reply.labels) >= 2
    assert all(label.endswith("(23:35)") for label in reply.labels)
    assert all(len(row) == 1 for row in reply.keyboard)
    assert changes(reply) == []
    assert driver.state.phase == Phase.REMINDER_ZONE
    done = driver.tap("rz", "Asia/Kolkata")
    text = en.text("reminder.zone_saved", zone="Asia/Kolkata", now="23:35")
    assert done.actions == (SaveZone("Asia/Kolkata"), Say(text, remove_keyboard=True))
    assert phase_of(driver) == Phase.IDLE


def test_picking_a_zone_moves_an_existing_reminder(coach: Coach, en: Catalog) -> None:
    driver = chat(coach, now=utc(2026, 5, 7, 18, 5), profile=Profile(BERLIN, reminder()))
    driver.command("timezone", "UTC+5:30")
    done = driver.press("Asia/Kolkata (23:35)")
    # 21:30 in India has passed (it is 23:35): tomorrow, 16:00Z.
    assert changes(done) == [
        SaveZone("Asia/Kolkata"),
        SaveReminder("Asia/Kolkata", time(21, 30), EVERY_DAY, utc(2026, 5, 8, 16, 0), TOMORROW),
    ]
    assert "tomorrow at 21:30" in done.text


def test_an_unknown_place_is_refused(coach: Coach, en: Catalog) -> None:
    driver = chat(coach)
    reply = driver.command("timezone", "Narnia")
    assert reply.actions == (Say(en.text("reminder.bad_zone")),)
    assert driver.profile.zone is None


def test_the_clock_time_offers_zones_that_show_it(coach: Coach, en: Catalog) -> None:
    driver = chat(coach, now=utc(2026, 5, 7, 18, 5))
    driver.command("timezone")
    reply = driver.say("20:05")
    assert reply.texts == [en.text("reminder.pick_zone")]
    assert "Europe/Berlin (20:05)" in reply.labels  # CEST, UTC+2, in May
    assert not any(label.startswith("Europe/London") for label in reply.labels)  # 19:05 there
    assert all(label.endswith("(20:05)") for label in reply.labels)
    done = driver.press("Europe/Berlin (20:05)")
    assert changes(done) == [SaveZone(BERLIN)]


def test_the_clock_time_follows_daylight_saving(coach: Coach) -> None:
    # In January Berlin is UTC+1: at 18:05Z its clocks show 19:05, not 20:05.
    driver = chat(coach, now=utc(2026, 1, 15, 18, 5))
    driver.command("timezone")
    assert "Europe/Berlin (19:05)" in driver.say("19:05").labels
    driver.command("timezone")
    assert not any(label.startswith("Europe/Berlin") for label in driver.say("20:05").labels)


def test_a_clock_time_no_zone_shows_is_refused(coach: Coach, en: Catalog) -> None:
    driver = chat(coach, now=utc(2026, 5, 7, 18, 5))
    driver.command("timezone")
    reply = driver.say("20:20")  # UTC+2:15: no zone has that
    assert reply.texts == [en.text("reminder.no_zone_for_time", time="20:20")]
    assert changes(reply) == []
    assert driver.state.phase == Phase.REMINDER_ZONE


def test_the_zone_question_in_setup_accepts_a_clock_time(coach: Coach) -> None:
    driver = chat(coach, now=utc(2026, 5, 7, 18, 5))
    to_zone_question(driver)
    driver.say("20:05")
    done = driver.tap("rz", BERLIN)
    assert changes(done) == [
        SaveZone(BERLIN),
        SaveReminder(BERLIN, time(22, 0), EVERY_DAY, utc(2026, 5, 7, 20, 0), TONIGHT),
    ]


def test_an_old_zone_choice_is_stale(coach: Coach, en: Catalog) -> None:
    driver = chat(coach, now=utc(2026, 5, 7, 18, 5))
    driver.command("timezone", "UTC+5:30")
    old = driver.button_for("rz", "Asia/Kolkata")
    driver.command("timezone", "UTC+5:30")
    before = driver.state
    reply = driver.press_data(old.data)
    assert reply.actions == (Notify(en.text("stale_button")),)
    assert driver.state == before


def test_a_forged_zone_button_saves_nothing(coach: Coach, en: Catalog) -> None:
    driver = chat(coach, now=utc(2026, 5, 7, 18, 5))
    driver.command("timezone", "UTC+5:30")
    forged = f"{driver.state.screen}.rz.Etc/GMT-5"
    reply = driver.press_data(forged)
    assert reply.actions == (Notify(en.text("stale_button")),)
    assert driver.profile.zone is None


# -- 6. a shared location -------------------------------------------------------------------------
def test_a_location_answers_the_zone_question_in_setup(
    located: tuple[Coach, list[tuple[float, float]]], en: Catalog
) -> None:
    coach, asked = located
    driver = chat(coach)
    to_zone_question(driver)
    done = driver.send(Location(52.52, 13.405))
    assert asked == [(52.52, 13.405)]
    assert changes(done) == [
        SaveZone(BERLIN),
        SaveReminder(BERLIN, time(22, 0), EVERY_DAY, utc(2026, 5, 7, 20, 0), TONIGHT),
    ]
    [confirmation, offer] = done.says
    assert confirmation.remove_keyboard
    assert offer.text == en.text("safety.offer")
    assert driver.state.phase == Phase.IDLE


def test_a_location_answers_timezone(
    located: tuple[Coach, list[tuple[float, float]]], en: Catalog
) -> None:
    coach, _ = located
    driver = chat(coach)
    driver.command("timezone")
    done = driver.send(Location(35.68, 139.69))
    text = en.text("reminder.zone_saved", zone=TOKYO, now="03:00")
    assert done.actions == (SaveZone(TOKYO), Say(text, remove_keyboard=True))


def test_a_location_without_a_zone_asks_for_the_city(
    located: tuple[Coach, list[tuple[float, float]]], en: Catalog
) -> None:
    coach, asked = located
    driver = chat(coach)
    to_zone_question(driver)
    reply = driver.send(Location(0.0, -30.0))  # the open sea
    assert asked == [(0.0, -30.0)]
    assert reply.actions == (Say(en.text("reminder.location_unknown")),)
    assert driver.state.phase == Phase.REMINDER_ZONE
    assert changes(driver.say("Berlin"))[0] == SaveZone(BERLIN)  # the question still stands


def test_a_location_outside_the_zone_question_is_not_used(
    located: tuple[Coach, list[tuple[float, float]]], en: Catalog
) -> None:
    coach, asked = located
    driver = chat(coach)
    reply = driver.send(Location(52.52, 13.405))
    assert reply.texts[0] == en.text("media.location")
    assert changes(reply) == []
    assert asked == []
    assert driver.profile.zone is None


# -- 7. the reminder message and its buttons ------------------------------------------------------
def message_buttons(content: Content, night: date = TONIGHT) -> dict[str, str]:
    """Label -> callback data of the reminder and the six-week question, as the dispatcher sends."""
    says = reminder_messages(content, language="en", night=night, snoozed=False, ask_helping=True)
    return {button.label: button.data for say in says for row in say.buttons for button in row}


@pytest.fixture
def tonight_buttons(content: Content) -> dict[str, str]:
    return message_buttons(content)


@pytest.fixture
def reminded(coach: Coach) -> CoachDriver:
    """Thursday 21:35 in Berlin: tonight's 21:30 reminder has just arrived."""
    info = reminder(
        last_sent_date=TONIGHT,
        next_fire_at=utc(2026, 5, 8, 19, 30),
        next_local_date=TOMORROW,
    )
    return chat(coach, now=utc(2026, 5, 7, 19, 35), profile=Profile(zone=BERLIN, reminder=info))


def test_reminder_message_and_helping_question(content: Content, en: Catalog) -> None:
    says = reminder_messages(content, language="en", night=TONIGHT, snoozed=False, ask_helping=True)
    assert [say.text for say in says] == [
        en.text("reminder.message"),
        en.text("reminder.helping_question"),
    ]
    rows = [[button.label for button in row] for row in says[0].buttons]
    assert rows == [
        ["Start now ▶"],
        [f"Snooze {SNOOZE_MINUTES} min", "Skip tonight"],
        ["Stop reminders"],
    ]
    assert [[b.label for b in row] for row in says[1].buttons] == [
        ["Yes, keep them", "Not really, stop them"]
    ]
    decoded = [callbacks.split(b.data) for say in says for row in say.buttons for b in row]
    assert [(d.screen, d.prefix, d.arg) for d in decoded if d is not None] == [
        (0, "bs", "20260507"),
        (0, "bz", "20260507"),
        (0, "bk", "20260507"),
        (0, "bo", "20260507"),
        (0, "bh", "20260507.yes"),
        (0, "bh", "20260507.no"),
    ]
    assert all(say.location_button is None and not say.silent for say in says)


def test_snoozed_reminder_has_no_snooze_button(content: Content, en: Catalog) -> None:
    says = reminder_messages(content, language="en", night=TONIGHT, snoozed=True, ask_helping=False)
    [say] = says
    assert say.text == en.text("reminder.message_snoozed")
    labels = [button.label for row in say.buttons for button in row]
    assert labels == ["Start now ▶", "Skip tonight", "Stop reminders"]


def test_start_now_asks_where_the_stretches_happen(
    reminded: CoachDriver, en: Catalog, tonight_buttons: dict[str, str]
) -> None:
    reply = reminded.press_data(tonight_buttons["Start now ▶"])
    assert reply.texts == [en.text("ask_position_prevention")]
    assert reply.labels == POSITION_LABELS
    assert reminded.state.phase == Phase.ASK_POSITION
    assert scratch(reminded.state).choice_mode == "prevention"
    assert changes(reply) == []
    first = reminded.tap("p", "bed")
    assert en.text("prevention_intro") in first.text


def test_start_now_in_the_middle_of_a_relief_routine(
    reminded: CoachDriver, en: Catalog, tonight_buttons: dict[str, str]
) -> None:
    reminded.begin("calf", "sitting")
    reply = reminded.press_data(tonight_buttons["Start now ▶"])
    [episode] = reply.episodes
    assert isinstance(episode, LogEpisode)
    assert (episode.kind, episode.outcome) == ("relief", "abandoned")
    assert len(reply.cancels) == 1
    assert reply.texts == [en.text("ask_position_prevention")]
    assert reminded.state.progress is None
    assert reminded.state.timer is None
    assert reminded.state.phase == Phase.ASK_POSITION


def test_snooze_brings_it_back_in_thirty_minutes(
    reminded: CoachDriver, en: Catalog, tonight_buttons: dict[str, str]
) -> None:
    screen = reminded.state.screen
    reply = reminded.press_data(tonight_buttons["Snooze 30 min"])
    until = reminded.now + timedelta(minutes=30)
    assert changes(reply) == [SnoozeReminder(night=TONIGHT, until=until)]
    assert reply.notes == [en.text("reminder.snoozed_note", minutes=30)]
    assert reply.texts == [en.text("reminder.snoozed", time="22:05")]  # Berlin time
    assert reminded.state.screen == screen


def test_snooze_twice_is_only_a_note(
    reminded: CoachDriver, en: Catalog, tonight_buttons: dict[str, str]
) -> None:
    reminded.press_data(tonight_buttons["Snooze 30 min"])
    reminded.advance(60)
    again = reminded.press_data(tonight_buttons["Snooze 30 min"])
    assert again.actions == (Notify(en.text("reminder.already_snoozed", time="22:05")),)


def test_a_night_whose_snooze_was_used_cannot_snooze_again(
    coach: Coach, en: Catalog, tonight_buttons: dict[str, str]
) -> None:
    info = reminder(last_sent_date=TONIGHT, last_night_snoozed=True)
    driver = chat(coach, now=utc(2026, 5, 7, 20, 10), profile=Profile(BERLIN, info))
    reply = driver.press_data(tonight_buttons["Snooze 30 min"])
    assert reply.actions == (Notify(en.text("reminder.snooze_used")),)


@pytest.mark.parametrize("label", ["Snooze 30 min", "Skip tonight"])
def test_buttons_of_an_older_night_do_nothing(
    coach: Coach, en: Catalog, label: str, tonight_buttons: dict[str, str]
) -> None:
    info = reminder(last_sent_date=TOMORROW)  # tomorrow's reminder has come since
    driver = chat(coach, now=utc(2026, 5, 8, 19, 35), profile=Profile(BERLIN, info))
    reply = driver.press_data(tonight_buttons[label])
    assert reply.actions == (Notify(en.text("reminder.old_night")),)


def test_skip_tonight_says_when_the_next_one_comes(
    reminded: CoachDriver, en: Catalog, tonight_buttons: dict[str, str]
) -> None:
    reply = reminded.press_data(tonight_buttons["Skip tonight"])
    assert changes(reply) == [SkipReminder()]
    assert reply.notes == [en.text("reminder.skipped_note")]
    next_one = en.text("when.tomorrow", time="21:30")
    assert reply.texts == [en.text("reminder.skipped", next=next_one)]


def test_skip_after_a_snooze_drops_the_snooze(
    reminded: CoachDriver, tonight_buttons: dict[str, str]
) -> None:
    reminded.press_data(tonight_buttons["Snooze 30 min"])
    reply = reminded.press_data(tonight_buttons["Skip tonight"])
    assert changes(reply) == [SkipReminder()]
    assert reminded.profile.reminder is not None
    assert reminded.profile.reminder.snooze_until is None


def test_stop_reminders_from_the_message(
    reminded: CoachDriver, en: Catalog, tonight_buttons: dict[str, str]
) -> None:
    reply = reminded.press_data(tonight_buttons["Stop reminders"])
    assert changes(reply) == [StopReminder()]
    assert reply.notes == [en.text("stopped_note")]
    assert reply.texts == [en.text("reminder.stopped")]
    assert reminded.profile.active_reminder is None
    # With reminders off, Snooze from that message only says so.
    after = reminded.press_data(tonight_buttons["Snooze 30 min"])
    assert after.actions == (Notify(en.text("reminder.none_note")),)


def test_helping_yes_only_records_the_answer(
    reminded: CoachDriver, en: Catalog, tonight_buttons: dict[str, str]
) -> None:
    reply = reminded.press_data(tonight_buttons["Yes, keep them"])
    assert changes(reply) == [AnswerHelping("yes")]
    assert reply.texts == [en.text("reminder.helping_yes")]
    assert reminded.profile.active_reminder is not None


def test_helping_no_records_the_answer_and_stops(
    reminded: CoachDriver, en: Catalog, tonight_buttons: dict[str, str]
) -> None:
    reply = reminded.press_data(tonight_buttons["Not really, stop them"])
    assert changes(reply) == [AnswerHelping("no"), StopReminder()]
    assert reply.texts == [en.text("reminder.helping_no")]
    assert reminded.profile.active_reminder is None


@pytest.mark.parametrize("data", ["0.bz.2026", "0.bz.20261340", "0.bh.20260507.maybe"])
def test_malformed_night_buttons_are_stale(reminded: CoachDriver, en: Catalog, data: str) -> None:
    reply = reminded.press_data(data)
    assert reply.actions == (Notify(en.text("stale_button")),)


@pytest.mark.parametrize("label", ["Snooze 30 min", "Skip tonight", "Yes, keep them"])
def test_reminder_buttons_leave_the_setup_buttons_valid(
    reminded: CoachDriver, label: str, tonight_buttons: dict[str, str]
) -> None:
    reminded.command("reminder")
    reminded.press("Change time")  # the time question, its buttons on the latest screen
    screen = reminded.state.screen
    reminded.press_data(tonight_buttons[label])
    assert reminded.state.screen == screen
    assert reminded.state.phase == Phase.REMINDER_TIME
    done = reminded.press("22:30")
    assert any(isinstance(a, SaveReminder) for a in done.actions)


def test_snooze_during_a_routine_leaves_its_buttons_valid(
    reminded: CoachDriver, tonight_buttons: dict[str, str]
) -> None:
    reminded.begin("calf", "sitting")
    next_button = reminded.button_for("n")
    screen = reminded.state.screen
    reminded.press_data(tonight_buttons["Snooze 30 min"])
    assert reminded.state.screen == screen
    assert reminded.state.phase == Phase.STEP
    reply = reminded.press_data(next_button.data)
    assert reply.notes == []
    assert reply.says  # the routine moved on


# -- 8. the offers after a routine ----------------------------------------------------------------
def test_a_night_cramp_gone_offers_a_reminder(home: CoachDriver, en: Catalog) -> None:
    home.begin("calf", "bed")
    to_feeling_question(home)
    wrap = home.tap("f", "gone")
    assert en.text("offer.bedtime_reminder") in wrap.text
    assert REMIND_ME in wrap.labels
    ask = home.press(REMIND_ME)
    assert ask.texts == [en.text("reminder.ask_time")]
    assert ask.labels == TIME_LABELS
    assert home.state.phase == Phase.REMINDER_TIME
    home.press("22:00")
    assert changes(home.press("Every day")) == [
        SaveReminder(BERLIN, time(22, 0), EVERY_DAY, utc(2026, 5, 7, 20, 0), TONIGHT)
    ]


def test_no_offer_when_a_reminder_is_active(has_reminder: CoachDriver, en: Catalog) -> None:
    has_reminder.begin("calf", "bed")
    to_feeling_question(has_reminder)
    wrap = has_reminder.tap("f", "gone")
    assert REMIND_ME not in wrap.labels
    assert en.text("offer.bedtime_reminder") not in wrap.text
    assert en.text("offer.bedtime") in wrap.text


def test_an_old_offer_shows_the_reminder_set_since(home: CoachDriver, en: Catalog) -> None:
    home.begin("foot", "bed")
    to_feeling_question(home)
    home.tap("f", "gone")
    offer = home.button(REMIND_ME)
    home.command("reminder", "21:30")
    reply = home.press_data(offer.data)
    assert reply.labels == VIEW_LABELS
    assert reply.text.startswith("<b>Your bedtime reminder</b>")
    assert changes(reply) == []


def test_the_bedtime_routine_ends_with_the_offer(home: CoachDriver, en: Catalog) -> None:
    home.start()
    home.tap("a", "prevent")
    home.tap("p", "bed")
    walk = home.finish()
    last = walk.replies[-1]
    assert en.text("prevention_done") in last.text
    assert en.text("offer.reminder") in last.text
    assert last.text.endswith(en.text("safety.offer"))  # unanswered: offered in the same message
    assert last.labels == [REMIND_ME, *SAFETY_OFFER]
    ask = home.press(REMIND_ME)
    assert ask.labels == TIME_LABELS


def test_the_bedtime_routine_offers_nothing_with_a_reminder(
    has_reminder: CoachDriver, en: Catalog
) -> None:
    has_reminder.start()
    has_reminder.tap("a", "prevent")
    has_reminder.tap("p", "sitting")
    last = has_reminder.finish().replies[-1]
    assert en.text("prevention_done") in last.text
    assert en.text("offer.reminder") not in last.text
    assert last.text.endswith(en.text("safety.offer"))  # only the unanswered safety questions
    assert last.labels == SAFETY_OFFER


def test_the_offer_keeps_the_promised_checkin(home: CoachDriver) -> None:
    home.begin("calf", "bed")
    to_feeling_question(home)
    wrap = home.tap("f", "gone")
    [checkin] = wrap.timers
    reply = home.press(REMIND_ME)
    assert checkin.token not in [cancel.token for cancel in reply.cancels]


def test_an_old_offer_does_not_end_a_new_routine(home: CoachDriver) -> None:
    home.begin("calf", "bed")
    to_feeling_question(home)
    home.tap("f", "gone")
    offer = home.button(REMIND_ME)
    home.begin("foot", "sitting")  # another cramp, another routine
    reply = home.press_data(offer.data)
    assert reply.episodes == []
    assert home.state.progress is not None


# -- 9. old buttons, /cancel, safety --------------------------------------------------------------
def test_a_time_button_from_an_earlier_screen_is_stale(home: CoachDriver, en: Catalog) -> None:
    home.command("reminder")
    old = home.button("22:00")
    home.command("reminder")  # asked again: a new message, new buttons
    before = home.state
    reply = home.press_data(old.data)
    assert reply.actions == (Notify(en.text("stale_button")),)
    assert home.state == before


def test_a_time_button_after_the_days_question_is_stale(home: CoachDriver, en: Catalog) -> None:
    home.command("reminder")
    old = home.button("21:30")
    home.press("22:00")
    reply = home.press_data(old.data)
    assert reply.actions == (Notify(en.text("stale_button")),)
    assert home.state.phase == Phase.REMINDER_DAYS
    assert scratch(home.state).draft_time == "22:00"


def test_a_days_button_after_saving_is_stale(home: CoachDriver, en: Catalog) -> None:
    home.command("reminder")
    home.press("22:00")
    every_day = home.button("Every day")
    home.press_data(every_day.data)
    reply = home.press_data(every_day.data)
    assert reply.actions == (Notify(en.text("stale_button")),)


def test_cancel_during_setup(home: CoachDriver, en: Catalog) -> None:
    home.command("reminder")
    old = home.button("22:00")
    reply = home.command("cancel")
    assert reply.texts == [en.text("reminder.setup_cancelled")]
    assert reply.says[0].remove_keyboard  # a location keyboard may be showing
    assert changes(reply) == []
    state = home.state
    assert state.phase == Phase.IDLE
    assert (scratch(state).draft_purpose, scratch(state).draft_time, scratch(state).draft_days) == (
        None,
        None,
        None,
    )
    assert home.press_data(old.data).actions == (Notify(en.text("stale_button")),)


def test_a_red_flag_during_setup_gets_the_safety_text(home: CoachDriver, content: Content) -> None:
    home.command("reminder")
    home.press("22:00")
    reply = home.say("my calf is swollen and red")
    germany = content.emergency.by_country["DE"]
    assert germany.urgent is not None
    urgent = content.catalog("en").text(
        "call.urgent",
        number=germany.urgent.number,
        name=germany.urgent.name,
        emergency=germany.emergency,
    )
    assert reply.texts == [f"{content.safety['dvt'].text}\n\n{urgent}"]  # the number for Berlin
    assert "116117" in reply.text and "<b>112</b>" in reply.text
    assert changes(reply) == []
    assert home.state.phase == Phase.IDLE


def test_timezone_answering_the_setup_zone_question_keeps_the_setup(coach: Coach) -> None:
    driver = chat(coach)
    to_zone_question(driver)  # 22:00, every day, then "which time zone?"
    reply = driver.command("timezone", "Berlin")
    assert changes(reply) == [
        SaveZone(BERLIN),
        SaveReminder(BERLIN, time(22, 0), EVERY_DAY, utc(2026, 5, 7, 20, 0), TONIGHT),
    ]


def test_reopening_during_the_zone_question_asks_it_again(coach: Coach, en: Catalog) -> None:
    driver = chat(coach)
    to_zone_question(driver)
    reply = driver.send(Reopened())
    assert reply.texts == [en.text("where_we_were"), en.text("reminder.ask_zone")]
    assert reply.says[-1].location_button == en.button("share_location")
    assert driver.state.phase == Phase.REMINDER_ZONE


# -- 10. daylight saving --------------------------------------------------------------------------
def test_a_time_in_the_spring_forward_gap_moves_to_the_first_valid_minute(
    coach: Coach, en: Catalog
) -> None:
    # Saturday 2026-03-28, 21:00 in Berlin; tonight at 02:00 the clocks jump to 03:00.
    driver = chat(coach, now=utc(2026, 3, 28, 20, 0), profile=Profile(zone=BERLIN))
    reply = driver.command("reminder", "02:30")
    assert changes(reply) == [
        SaveReminder(BERLIN, time(2, 30), EVERY_DAY, utc(2026, 3, 29, 1, 0), date(2026, 3, 29))
    ]
    assert reply.texts == confirmed(
        en, at="02:30", days="days.every", zone=BERLIN, when="tomorrow", fires="03:00"
    )
    assert "02:30, every day" in reply.text  # the time they chose is what is kept
    assert "tomorrow at 03:00" in reply.text


def test_a_time_in_the_fall_back_overlap_takes_the_first_occurrence(coach: Coach) -> None:
    # Saturday 2026-10-24; on Sunday 03:00 CEST the clocks go back to 02:00 CET.
    driver = chat(coach, now=utc(2026, 10, 24, 20, 0), profile=Profile(zone=BERLIN))
    reply = driver.command("reminder", "02:30")
    assert changes(reply) == [
        SaveReminder(BERLIN, time(2, 30), EVERY_DAY, utc(2026, 10, 25, 0, 30), date(2026, 10, 25))
    ]
    assert "tomorrow at 02:30" in reply.text


def test_the_evening_after_the_change_keeps_the_wall_clock_time(coach: Coach) -> None:
    # 23:00 CET on Saturday; Sunday's 22:00 is CEST, so 20:00Z rather than 21:00Z.
    driver = chat(coach, now=utc(2026, 3, 28, 22, 0), profile=Profile(zone=BERLIN))
    reply = driver.command("reminder", "22:00")
    assert changes(reply) == [
        SaveReminder(BERLIN, time(22, 0), EVERY_DAY, utc(2026, 3, 29, 20, 0), date(2026, 3, 29))
    ]


def test_a_snooze_across_the_gap_lasts_thirty_real_minutes(coach: Coach, en: Catalog) -> None:
    night = date(2026, 3, 29)
    info = reminder(at=time(1, 40), last_sent_date=night)
    now = utc(2026, 3, 29, 0, 45)  # 01:45 CET; in 15 minutes it is 03:00 CEST
    driver = chat(coach, now=now, profile=Profile(zone=BERLIN, reminder=info))
    reply = driver.press_data(message_buttons(coach.content, night)["Snooze 30 min"])
    assert changes(reply) == [SnoozeReminder(night=night, until=utc(2026, 3, 29, 1, 15))]
    assert reply.texts == [en.text("reminder.snoozed", time="03:15")]


def test_new_york_after_its_own_spring_change(coach: Coach, en: Catalog) -> None:
    # New York changed on 2026-03-08; Berlin not until 03-29. 21:30 EDT is 01:30Z.
    info = reminder(zone=NEW_YORK)
    driver = chat(coach, now=utc(2026, 3, 10, 12, 0), profile=Profile(NEW_YORK, info))
    moved = driver.command("reminder", "21:30")
    assert changes(moved) == [
        SaveReminder(NEW_YORK, time(21, 30), EVERY_DAY, utc(2026, 3, 11, 1, 30), date(2026, 3, 10))
    ]
    assert "tonight at 21:30" in moved.text


# -- behaviour settled after review ---------------------------------------------------------------
def test_on_with_a_reminder_already_on_shows_it(coach: Coach, en: Catalog) -> None:
    driver = chat(coach, profile=Profile(zone=BERLIN, reminder=reminder()))
    reply = driver.command("reminder", "on")
    assert changes(reply) == []
    assert reply.text.startswith("<b>Your bedtime reminder</b>")
    assert reply.labels == VIEW_LABELS


def test_on_with_no_reminder_ever_starts_the_set_up(home: CoachDriver, en: Catalog) -> None:
    reply = home.command("reminder", "on")
    assert reply.texts == [en.text("reminder.ask_time")]
    assert home.state.phase == Phase.REMINDER_TIME


def test_a_cramp_typed_during_set_up_is_dealt_with_first(home: CoachDriver, en: Catalog) -> None:
    home.command("reminder")
    reply = home.say("my calf is cramping")
    assert en.text("reminder.bad_time") not in reply.text
    assert reply.texts[-1] == en.text("ask_position")
    assert home.state.phase == Phase.ASK_POSITION


def test_a_city_that_is_also_a_word_still_answers_the_zone_question(
    coach: Coach, en: Catalog
) -> None:
    driver = chat(coach)
    driver.command("timezone")
    reply = driver.say("Bath")  # "bath" is no intent, a city in England
    assert changes(reply) == [SaveZone("Europe/London")]


def test_stop_typed_during_set_up_cancels_the_set_up(home: CoachDriver, en: Catalog) -> None:
    home.command("reminder")
    home.press("22:00")
    reply = home.say("stop")
    assert reply.texts == [en.text("reminder.setup_cancelled")]
    assert changes(reply) == []
    assert home.state.phase == Phase.IDLE


def test_helping_yes_while_reminders_are_off(coach: Coach, en: Catalog) -> None:
    off = replace(reminder(last_sent_date=TONIGHT), enabled=False)
    driver = chat(coach, profile=Profile(zone=BERLIN, reminder=off))
    [_, question] = reminder_messages(
        coach.content, language="en", night=TONIGHT, snoozed=False, ask_helping=True
    )
    reply = driver.press_data(question.buttons[0][0].data)
    assert changes(reply) == [AnswerHelping("yes")]
    assert reply.texts == [en.text("reminder.helping_yes_off")]


def test_an_old_offer_during_a_routine_says_why_it_waits(home: CoachDriver, en: Catalog) -> None:
    home.begin("calf", "bed")
    to_feeling_question(home)
    home.tap("f", "gone")
    offer = home.button(REMIND_ME)
    home.begin("foot", "sitting")
    reply = home.press_data(offer.data)
    assert reply.actions == (Notify(en.text("reminder.after_routine")),)


# -- the morning check-in -------------------------------------------------------------------------
def test_the_morning_check_in_is_set_from_the_view(has_reminder: CoachDriver, en: Catalog) -> None:
    has_reminder.command("reminder")
    ask = has_reminder.press("Morning check-in")
    assert ask.texts == [en.text("morning.ask")]
    assert ask.labels == ["07:00", "07:30", "08:00", "08:30", "No morning check-in"]
    reply = has_reminder.press("07:30")
    [save] = [a for a in reply.actions if isinstance(a, SaveMorning)]
    # Thursday 20:00 in Berlin: the first one is tomorrow at 07:30 CEST.
    assert save == SaveMorning(at=time(7, 30), next_at=utc(2026, 5, 8, 5, 30))
    assert reply.texts == [en.text("morning.saved", next=en.text("when.tomorrow", time="07:30"))]
    assert has_reminder.state.phase == Phase.IDLE


def test_the_morning_time_can_be_typed_or_turned_off(
    has_reminder: CoachDriver, en: Catalog
) -> None:
    has_reminder.command("reminder")
    has_reminder.press("Morning check-in")
    bad = has_reminder.say("whenever")
    assert en.text("reminder.bad_time") in bad.texts
    typed = has_reminder.say("6:45am")
    [save] = [a for a in typed.actions if isinstance(a, SaveMorning)]
    assert save.at == time(6, 45)
    has_reminder.command("reminder")
    has_reminder.press("Morning check-in")
    off = has_reminder.press("No morning check-in")
    assert [a for a in off.actions if isinstance(a, SaveMorning)] == [SaveMorning(None, None)]
    assert off.texts == [en.text("morning.off")]


def test_the_morning_question_and_its_answers(has_reminder: CoachDriver, en: Catalog) -> None:
    [question] = reminder_messages(
        has_reminder.coach.content,
        language="en",
        night=TONIGHT,
        snoozed=False,
        ask_helping=False,
        kind="morning",
    )
    assert question.text == en.text("morning.question")
    none, yes = question.buttons[0]
    assert (none.label, yes.label) == ("No cramps 🎉", "Yes, log one")
    good = has_reminder.press_data(none.data)
    [episode] = good.episodes
    assert (episode.kind, episode.started_at, episode.severity) == ("none", THU_EVENING, None)
    assert good.texts == [en.text("morning.none_logged")]
    logging = has_reminder.press_data(yes.data)
    assert logging.texts == [en.text("diary.log.area")]
    assert has_reminder.state.phase == Phase.DIARY_AREA
