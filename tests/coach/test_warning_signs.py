"""The warning signs: one tap away on every step, heard when typed, with a real number to call.

The "⚠️ Warning signs" button works from any message and changes nothing: no state, no screen,
no timer. Typed signs are answered by their level (content/safety.yaml): emergency and urgent
ones end the routine and any pending check-in and name the number for the person's country;
"soon" and "info" ones are answered and the routine carries on.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.coach import CancelTimer, Coach, Phase, TimerFired
from bot.coach.intents import find_intents
from bot.coach.profile import Profile
from bot.content import Catalog, Content
from tests.auxil.coach_driver import CoachDriver, Reply

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
KOLKATA = "Asia/Kolkata"


def in_zone(driver: CoachDriver, zone: str | None) -> CoachDriver:
    driver.profile = replace(driver.profile, zone=zone)
    return driver


def bold(number: str) -> str:
    return f"<b>{number}</b>"


def assert_only_the_list(
    reply: Reply, content: Content, en: Catalog, *, in_routine: bool = True
) -> str:
    """The button's answer: one message without buttons (and, in a routine, a note that it goes
    on); nothing else happens."""
    notes = [en.text("warning_signs_note")] if in_routine else []
    assert reply.notes == notes
    [say] = reply.says
    assert say.buttons == () and say.picture is None and not say.remove_keyboard
    assert say.text.startswith(content.safety["red_flags_summary"].text)
    assert reply.timers == [] and reply.cancels == [] and reply.episodes == []
    assert len(reply.actions) == 1 + len(notes)
    return say.text


# -- the button -----------------------------------------------------------------------------------
def test_the_button_mid_step_changes_nothing(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    in_zone(driver, LONDON)
    driver.begin("calf", "bed")
    driver.advance(5)
    timer = driver.state.timer
    assert timer is not None
    next_button = driver.button_for("n")
    before = driver.state
    reply = driver.tap("ws")
    assert_only_the_list(reply, content, en)
    assert driver.state == before  # same phase, step, screen and timer
    # The step's own buttons still work, and its hold still ends by itself.
    assert driver.send(TimerFired(timer.token)).text.startswith("<b>Step 2 of 3</b>")
    assert driver.press_data(next_button.data).notes == [en.text("stale_button")]


def test_the_button_while_paused_keeps_the_pause(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    driver.begin("foot", "sitting")
    old = driver.button_for("ws")
    driver.tap("pa")
    before = driver.state
    assert_only_the_list(driver.press_data(old.data), content, en)
    assert driver.state == before
    assert driver.state.phase == Phase.PAUSED
    resumed = driver.tap("r")  # the pause screen's buttons were not made stale
    assert resumed.notes == []
    assert driver.state.phase == Phase.STEP


def test_the_button_works_from_an_old_message_after_the_routine(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    in_zone(driver, LONDON)
    driver.begin("calf", "sitting")
    old = driver.button_for("ws")
    driver.finish("gone")
    before = driver.state
    assert before.timer is not None and before.timer.kind == "checkin"
    text = assert_only_the_list(driver.press_data(old.data), content, en, in_routine=False)
    assert bold("999") in text
    assert driver.state == before  # the check-in is still on its way


@pytest.mark.parametrize(
    ("zone", "country", "emergency", "urgent", "absent"),
    [
        (LONDON, "United Kingdom", "999", ("111", "NHS 111"), "911"),
        ("Europe/Berlin", "Germany", "112", ("116117", "ärztlicher Bereitschaftsdienst"), "999"),
        (NEW_YORK, "United States", "911", None, "999"),
    ],
)
def test_the_list_names_the_numbers_of_the_zone_s_country(
    driver: CoachDriver,
    content: Content,
    en: Catalog,
    zone: str,
    country: str,
    emergency: str,
    urgent: tuple[str, str] | None,
    absent: str,
) -> None:
    in_zone(driver, zone)
    driver.begin("calf", "bed")
    text = assert_only_the_list(driver.tap("ws"), content, en)
    assert bold(emergency) in text and country in text
    if urgent is not None:
        number, name = urgent
        assert bold(number) in text and name in text
        assert text.index(bold(emergency)) < text.index(bold(number))  # emergency first
    assert bold(absent) not in text
    local = content.emergency.for_zone(zone)
    assert local is not None
    assert local.source.organisation in text  # where the number comes from
    assert en.text("call.set_zone") not in text


def test_india_gets_the_number_from_the_numbers_file(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    india = content.emergency.by_country["IN"]
    assert content.emergency.zone_country[KOLKATA] == "IN"
    assert content.emergency.for_zone("Asia/Calcutta") == india  # the old name links to it
    in_zone(driver, KOLKATA)
    driver.begin("shin", "sitting")
    text = assert_only_the_list(driver.tap("ws"), content, en)
    assert bold(india.emergency) in text and "India" in text
    assert india.urgent is None
    assert india.source.organisation in text


@pytest.mark.parametrize("zone", [None, "UTC", "Etc/GMT-5"])
def test_without_a_country_the_list_says_112_works_from_a_mobile(
    driver: CoachDriver, content: Content, en: Catalog, zone: str | None
) -> None:
    in_zone(driver, zone)
    driver.begin("calf", "bed")
    text = assert_only_the_list(driver.tap("ws"), content, en)
    assert content.emergency.mobile_fallback == "112"
    assert bold("112") in text and "mobile phone" in text
    assert en.text("call.set_zone") in text  # how to get the right number
    for number in ("999", "911"):
        assert bold(number) not in text


def test_the_button_when_idle_is_the_same_list(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    in_zone(driver, LONDON)
    driver.begin("calf", "bed")
    on_step = driver.tap("ws").text
    old = driver.button_for("ws")
    driver.command("cancel")
    before = driver.state
    reply = driver.press_data(old.data)
    assert assert_only_the_list(reply, content, en, in_routine=False) == on_step
    assert driver.state == before


def test_help_has_the_list_with_the_numbers(driver: CoachDriver, content: Content) -> None:
    in_zone(driver, LONDON)
    reply = driver.command("help")
    assert content.safety["red_flags_summary"].text in reply.text
    assert bold("999") in reply.text and bold("111") in reply.text


# -- typed: emergency and urgent ------------------------------------------------------------------
def test_an_emergency_typed_mid_step_stops_everything_and_names_the_number(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    in_zone(driver, LONDON)
    driver.begin("calf", "bed")
    timer = driver.state.timer
    assert timer is not None and timer.kind == "step"
    reply = driver.say("my calf hurts and I'm short of breath")
    [text] = reply.texts
    assert text.startswith(content.safety["breathing"].text)
    assert bold("999") in text and "United Kingdom" in text
    assert text.endswith(en.text("red_flag_stopped"))
    assert reply.cancels == [CancelTimer(timer.token)]
    assert reply.timers == []
    assert [e.outcome for e in reply.episodes] == ["red_flag"]
    assert reply.labels == []  # no stretching on offer
    assert driver.state.phase == Phase.IDLE
    assert driver.state.progress is None and driver.state.timer is None
    assert driver.send(TimerFired(timer.token)).actions == ()  # the hold never comes back


@pytest.mark.parametrize(
    ("said", "key"),
    [
        ("after my run my shin is rock hard", "compartment"),
        ("my foot is cold and pale", "circulation"),
    ],
)
def test_other_emergencies_name_the_emergency_number(
    driver: CoachDriver, content: Content, said: str, key: str
) -> None:
    in_zone(driver, NEW_YORK)
    driver.begin("shin", "sitting")
    reply = driver.say(said)
    assert reply.text.startswith(content.safety[key].text)
    assert content.safety[key].level == "emergency"
    assert bold("911") in reply.text
    assert [e.outcome for e in reply.episodes] == ["red_flag"]
    assert driver.state.progress is None


def test_an_urgent_sign_during_a_pending_checkin_cancels_it(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    in_zone(driver, LONDON)
    driver.begin("calf", "bed")
    wrap = driver.finish("gone")
    [checkin] = wrap.replies[-1].timers
    assert driver.state.phase == Phase.IDLE and driver.state.progress is None
    reply = driver.say("it felt like someone kicked me in the calf")
    [text] = reply.texts
    assert text.startswith(content.safety["tear"].text)
    assert content.safety["tear"].level == "urgent"
    assert bold("111") in text and "NHS 111" in text and bold("999") in text
    assert text.endswith(en.text("red_flag_stopped"))
    assert reply.cancels == [CancelTimer(checkin.token)]
    assert reply.episodes == []  # the routine was already logged when it ended
    assert driver.state.phase == Phase.IDLE and driver.state.timer is None
    assert driver.send(TimerFired(checkin.token)).actions == ()


def test_an_urgent_sign_on_the_checkin_question_ends_it(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    in_zone(driver, NEW_YORK)
    driver.begin("foot", "bed")
    driver.finish("gone")
    driver.fire()
    assert driver.state.phase == Phase.CHECKIN
    still_gone = driver.button_for("ci", "gone")
    reply = driver.say("now my calf is swollen and warm")
    assert reply.text.startswith(content.safety["dvt"].text)
    # No urgent line for the US: a doctor today, or 911 in an emergency.
    assert en.text("call.urgent_no_line", emergency="911") in reply.text
    assert driver.state.phase == Phase.IDLE
    assert driver.press_data(still_gone.data).notes == [en.text("stale_button")]


def test_an_urgent_sign_without_a_zone_gives_the_mobile_number(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    driver.begin("calf", "sitting")
    reply = driver.say("I have dark urine and my legs ache")
    assert reply.text.startswith(content.safety["dark_urine"].text)
    assert en.text("call.urgent_unknown", mobile="112") in reply.text
    assert en.text("call.set_zone") in reply.text
    assert [e.outcome for e in reply.episodes] == ["red_flag"]


def test_the_most_urgent_sign_is_answered_first(driver: CoachDriver, content: Content) -> None:
    in_zone(driver, LONDON)
    driver.begin("calf", "bed")
    reply = driver.say("my toes are numb and I'm short of breath")
    text = reply.text
    assert text.startswith(content.safety["breathing"].text)
    assert content.safety["numbness"].text in text
    assert text.index(content.safety["numbness"].text) > 0
    assert [e.outcome for e in reply.episodes] == ["red_flag"]
    assert driver.state.progress is None


# -- typed: negated, soon, info -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("said", "key"),
    [
        ("I'm not short of breath", "breathing"),
        ("no chest pain", "breathing"),
        ("the calf is not swollen", "dvt"),
        ("my foot isn't cold", "circulation"),
    ],
)
def test_a_negated_sign_does_not_stop_the_routine(
    driver: CoachDriver, content: Content, said: str, key: str
) -> None:
    in_zone(driver, LONDON)
    first = driver.begin("calf", "bed")
    before = driver.state
    reply = driver.say(said)
    assert content.safety[key].text not in reply.text
    assert bold("999") not in reply.text
    assert reply.episodes == [] and reply.cancels == [] and reply.timers == []
    assert driver.state == before
    assert reply.keyboard == first.keyboard  # the step again, with buttons that still work


@pytest.mark.parametrize(
    ("said", "key"),
    [
        ("my toes are numb", "numbness"),
        ("it happens every night", "frequent"),
        ("should I take magnesium", "medicine"),
        ("I'm pregnant", "pregnancy"),
        ("I have restless legs", "lookalike"),
    ],
)
def test_a_soon_or_info_sign_is_answered_and_the_routine_goes_on(
    driver: CoachDriver, content: Content, said: str, key: str
) -> None:
    in_zone(driver, LONDON)
    first = driver.begin("calf", "bed")
    before = driver.state
    reply = driver.say(said)
    assert content.safety[key].level in ("soon", "info")
    assert reply.texts[0] == content.safety[key].text
    assert bold("999") not in reply.text and bold("111") not in reply.text  # not an emergency
    assert reply.episodes == [] and reply.cancels == [] and reply.timers == []
    assert driver.state == before
    assert reply.keyboard == first.keyboard
    assert reply.texts[1].startswith("<b>Step 1 of 3</b>")  # the step on screen, again


def test_typed_signs_use_the_zone_of_the_profile(coach: Coach) -> None:
    """The same words, two people: each hears their own country's number."""
    texts = []
    for zone in (LONDON, NEW_YORK):
        driver = CoachDriver(coach, profile=Profile(zone=zone))
        texts.append(driver.say("chest pain").text)
    london, new_york = texts
    assert bold("999") in london and bold("911") not in london
    assert bold("911") in new_york and bold("999") not in new_york


# -- how typed words are read (after the clinical read) -------------------------------------------
@pytest.mark.parametrize(
    ("said", "flag"),
    [
        ("I don't know, chest pain", "breathing"),  # a negation stops at the comma
        ("can't walk, calf swollen", "dvt"),
        ("it's not gone, my foot is cold and white", "circulation"),
        ("it won't stop throbbing", "dvt"),  # "won't stop" negates the stopping
        ("no idea but I have chest pain", "breathing"),  # nor past "but"
        ("felt like I'd been kicked in the calf", "tear"),
        ("my pee is really dark", "dark_urine"),
        ("I stood on a rusty nail last week", "injury"),
    ],
)
def test_a_sign_in_its_own_clause_is_heard(en: Catalog, said: str, flag: str) -> None:
    assert f"flag.{flag}" in find_intents(said, en.intents)


@pytest.mark.parametrize("said", ["my foot is cold", "my feet get cold at night", "achilles"])
def test_common_harmless_words_are_not_an_emergency(en: Catalog, said: str) -> None:
    found = find_intents(said, en.intents)
    assert "flag.circulation" not in found and "flag.tear" not in found


def test_gone_next_to_a_warning_sign_is_not_the_cramp_gone(
    driver: CoachDriver, content: Content
) -> None:
    """ "My foot has gone numb" at "how is it?" must not close the routine as a success."""
    driver.begin("foot", "sitting")
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    assert driver.state.phase == Phase.ASK_FEELING
    reply = driver.say("my foot has gone numb")
    assert content.safety["numbness"].text in reply.text
    assert reply.episodes == []  # not wrapped up as "gone"
    assert driver.state.phase == Phase.ASK_FEELING  # the question stands


def test_ten_minutes_without_easing_names_who_to_call(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    in_zone(driver, LONDON)
    driver.begin("calf", "bed")
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    driver.advance(11 * 60)
    reply = driver.tap("f", "same")
    assert content.safety["ten_minutes"].text in reply.text
    assert bold("111") in reply.text and "NHS 111" in reply.text
    assert [e.outcome for e in reply.episodes] == ["advice"]


def test_worse_gives_the_advice_before_saying_it_stopped(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    driver.begin("calf", "bed")
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    [text] = driver.tap("f", "worse").texts
    assert text == content.safety["worse"].text + "\n\n" + en.text("worse_stopped")
