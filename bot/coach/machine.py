"""The coach: `(state, event, now) -> (state, actions)`, with no I/O and no transport.

This module routes each event to the flow it belongs to: commands, the two
quick questions before the first instruction (area, then position), button
presses, free text and timers. The routine itself lives in `routine.py`.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import cast

from bot.coach import callbacks, diary, reminders, routine, safety_profile, warnings
from bot.coach.actions import ExportData, ForgetUser, SaveSettings
from bot.coach.events import (
    ButtonPress,
    Command,
    Event,
    Location,
    Media,
    ReminderDue,
    Reopened,
    Text,
    TimerFired,
)
from bot.coach.intents import find_intents
from bot.coach.profile import NO_PROFILE, Profile
from bot.coach.state import ChatState, Phase
from bot.coach.turn import ButtonSpec, Result, Turn
from bot.content import AREAS, POSITIONS, Area, Content, Mode, Position
from bot.reminders.zones import ZoneBook

SETUP_PHASES = reminders.SETUP_PHASES

COMMANDS = (
    "start",
    "routine",
    "reminder",
    "timezone",
    "help",
    "cancel",
    "diary",
    "settings",
    "privacy",
    "export",
    "forget",
    "safety",
)
# /privacy describes these tables, in this order; a test keeps the list equal to the models.
PRIVACY_TABLES = ("users", "chat_states", "episodes", "reminders", "reminder_sends")
FORGET_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("forget_yes", "fg", "yes"), ("forget_no", "fg", "no")),
)

AREA_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("area_ankle", "a", "ankle"), ("area_foot", "a", "foot")),
    (("area_calf", "a", "calf"), ("area_shin", "a", "shin")),
    (("prevent", "a", "prevent"),),
)
POSITION_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("pos_bed", "p", "bed"), ("pos_sitting", "p", "sitting"), ("pos_standing", "p", "standing")),
)
# Which button verbs make sense in which phase; anything else is a stale press.
VERBS_BY_PHASE: dict[Phase, frozenset[str]] = {
    Phase.ASK_AREA: frozenset({"a"}),
    Phase.ROUTINE_MENU: frozenset({"a", "rep"}),
    Phase.ASK_POSITION: frozenset({"p"}),
    Phase.STEP: frozenset({"n", "pa", "sk", "x"}),
    Phase.PAUSED: frozenset({"r", "x"}),
    Phase.ASK_FEELING: frozenset({"f", "x"}),
    Phase.ASK_STAND: frozenset({"sd", "x"}),
    Phase.SAFETY: frozenset({"sq"}),
    Phase.CHECKIN: frozenset({"ci"}),
    Phase.IDLE: frozenset({"nc"}),
    Phase.REMINDER_TIME: frozenset({"rt"}),
    Phase.REMINDER_DAYS: frozenset({"rd"}),
    Phase.REMINDER_ZONE: frozenset({"rz"}),
    Phase.REMINDER_MORNING: frozenset({"rm"}),
    Phase.CONFIRM_FORGET: frozenset({"fg"}),
    Phase.DIARY_AREA: frozenset({"la"}),
    Phase.DIARY_WHEN: frozenset({"lw"}),
    Phase.DIARY_SEVERITY: frozenset({"ls"}),
}


# Verbs that work from any message, whatever the chat is doing: "Why this?", the warning signs,
# Stop, the safety questions' offer, and the reminder's buttons (a reminder arrives in the middle
# of anything).
ANYWHERE_VERBS = (
    frozenset({"w", "ws", "x", "bs", "rem", "rc", "ro", "st", "dl", "dr", "sa", "sl"})
    | reminders.NIGHT_VERBS
)


def needs_diary(event: Event) -> bool:
    """Whether answering `event` needs the person's diary (the service loads it only then)."""
    match event:
        case Command(name=name):
            return name == "diary"
        case Text(text=text):
            return text.lstrip().lower().startswith("/diary")
        case ButtonPress(data=data):
            press = callbacks.decode(data)
            return press is not None and press.verb == "dr"
    return False


class Coach:
    """Holds the content and timing settings; `handle` is a pure function of its arguments."""

    __slots__ = ("checkin_after", "content", "locate", "time_scale", "zones")

    def __init__(
        self,
        content: Content,
        *,
        zones: ZoneBook,
        time_scale: float = 1.0,
        checkin_after: timedelta = timedelta(minutes=15),
        locate: reminders.Locator | None = None,
    ) -> None:
        if not 0 < time_scale < math.inf:  # also rejects NaN, which compares false to everything
            raise ValueError("time_scale must be a finite number greater than 0")
        self.content = content
        self.time_scale = time_scale
        self.checkin_after = checkin_after
        # Time zones people name, loaded once at start-up (bot.reminders.zone_data).
        self.zones = zones
        # Coordinates -> IANA zone, offline; injectable so tests can place a location anywhere.
        self.locate = locate if locate is not None else zones.zone_at

    def handle(
        self,
        state: ChatState,
        event: Event,
        now: datetime,
        *,
        language: str | None = None,
        profile: Profile = NO_PROFILE,
    ) -> Result:
        if language and language != state.language:
            state = state.with_(language=language)
        state = self._fits_content(state)
        turn = Turn(
            state,
            content=self.content,
            catalog=self.content.catalog(state.language),
            now=now,
            time_scale=self.time_scale,
            checkin_after=self.checkin_after,
            zones=self.zones,
            profile=profile,
        )
        match event:
            case Command(name=name, args=args):
                _command(turn, name, args)
            case ButtonPress(data=data):
                _button(turn, data)
            case Text(text=text):
                _text(turn, text)
            case Media(kind=kind):
                _media(turn, kind)
            case Location(latitude=latitude, longitude=longitude):
                if not reminders.location(turn, latitude, longitude, self.locate):
                    _media(turn, "location")
            case TimerFired(token=token):
                _timer(turn, token)
            case Reopened():
                _reopened(turn)
            case ReminderDue():
                return Result(
                    state,
                    reminders.reminder_messages(
                        self.content,
                        language=event.language,
                        night=event.night,
                        snoozed=event.snoozed,
                        ask_helping=event.ask_helping,
                        kind=event.kind,
                    ),
                )
        return turn.result()

    def _fits_content(self, state: ChatState) -> ChatState:
        """Drop a routine the content no longer has (an exercise renamed or shortened since)."""
        progress = state.progress
        if progress is None:
            return state
        exercises = self.content.exercises
        known = all(
            isinstance(exercise_id, str) and exercise_id in exercises
            for exercise_id in (*progress.plan, *progress.spare, *progress.options)
        )
        if known and progress.step < len(exercises[progress.exercise_id].steps):
            return state
        return state.with_(progress=None, phase=Phase.IDLE, timer=None)


# -- commands --------------------------------------------------------------------------------
def _command(turn: Turn, name: str, args: str = "") -> None:
    if name == "start":
        _start(turn)
    elif name == "routine":
        _routine_menu(turn)
    elif name == "reminder":
        reminders.command_reminder(turn, args)
    elif name == "timezone":
        reminders.command_timezone(turn, args)
    elif name == "help":
        # One message: what I do, the warning signs with the numbers, and that I am no doctor.
        turn.say(turn.text("help"), *warnings.warning_signs_text(turn), turn.text("help_footer"))
    elif name == "safety":
        routine.stop(turn, "abandoned")  # stop, not abandon: no step phase without a routine
        turn.update(choice_mode=None, choice_area=None)
        safety_profile.command(turn)
    elif name == "privacy":
        turn.say(
            turn.text("privacy.intro"),
            *(turn.text(f"privacy.{table}") for table in PRIVACY_TABLES),
            turn.text("privacy.outro"),
        )
    elif name == "diary":
        diary.command(turn, args)
    elif name == "settings":
        _settings(turn)
    elif name == "export":
        turn.say(turn.text("export.intro"))
        turn.act(ExportData())
    elif name == "forget":
        routine.abandon(turn, "abandoned")
        turn.update(phase=Phase.CONFIRM_FORGET, choice_mode=None, choice_area=None)
        turn.say(turn.text("forget.confirm"), buttons=turn.keyboard(FORGET_BUTTONS))
    elif name == "cancel":
        _cancel(turn)
    else:
        turn.say(turn.text("unknown_command"))
        _reprompt(turn)  # the question on screen still stands; show it again with its buttons


def _start(turn: Turn) -> None:
    routine.abandon(turn, "abandoned")
    greeting = turn.text("welcome_back" if turn.state.known else "welcome")
    turn.update(phase=Phase.ASK_AREA, known=True, choice_mode=None, choice_area=None)
    turn.say(
        greeting,
        turn.text("disclaimer"),
        turn.text("ask_area"),
        buttons=turn.keyboard(AREA_BUTTONS),
    )


def _routine_menu(turn: Turn) -> None:
    routine.abandon(turn, "abandoned")
    turn.update(phase=Phase.ROUTINE_MENU, known=True, choice_mode=None, choice_area=None)
    turn.say(turn.text("routine_menu"), buttons=turn.keyboard(_routine_menu_rows(turn)))


def _routine_menu_rows(turn: Turn) -> list[tuple[ButtonSpec, ...]]:
    """One tap to repeat the last area (if any), the four areas, and the bedtime stretch."""
    rows: list[tuple[ButtonSpec, ...]] = []
    if turn.state.last_area is not None:
        rows.append((("repeat_area", "rep", turn.state.last_area),))
    rows.extend(AREA_BUTTONS[:2])
    rows.append((("bedtime", "a", "prevent"),))
    return rows


def _cancel(turn: Turn) -> None:
    setting_up = turn.state.phase in reminders.SETUP_PHASES
    busy = turn.state.phase != Phase.IDLE or turn.state.timer is not None
    routine.stop(turn, "cancelled")
    turn.drop_drafts()
    if setting_up:
        turn.say(turn.text("reminder.setup_cancelled"), remove_keyboard=True)
        return
    turn.say(turn.text("cancelled" if busy else "cancel_nothing"))


# -- the two quick questions -----------------------------------------------------------------
def _choose_area(turn: Turn, choice: str) -> None:
    mode: Mode = "prevention" if choice == "prevent" else "relief"
    area = None if choice == "prevent" else cast(Area, choice)
    turn.update(phase=Phase.ASK_POSITION, choice_mode=mode, choice_area=area)
    question = "ask_position_prevention" if mode == "prevention" else "ask_position"
    turn.say(turn.text(question), buttons=turn.keyboard(POSITION_BUTTONS))


def _choose_position(turn: Turn, position: Position) -> None:
    mode = turn.state.choice_mode or "relief"
    area = turn.state.choice_area
    if mode == "relief" and area is None:  # cannot happen through our buttons; ask again
        _start(turn)
        return
    routine.start(turn, mode, area, position)


def _repeat_last(turn: Turn) -> None:
    area, position = turn.state.last_area, turn.state.last_position
    if area is None:
        _routine_menu(turn)
    elif position is None:
        _choose_area(turn, area)
    else:
        routine.start(turn, "relief", area, position)


# -- buttons ---------------------------------------------------------------------------------
def _button(turn: Turn, data: str) -> None:
    press = callbacks.decode(data)
    if press is None:
        turn.notify(turn.text("stale_button"))
        return
    if press.verb == "w":  # "Why this?" stays true on any message, old or new
        _why(turn, press.arg)
        return
    if press.verb == "ws":  # so do the warning signs; reading them changes nothing else
        if turn.state.progress is not None:
            turn.notify(turn.text("warning_signs_note"))
        warnings.warning_signs(turn)
        return
    if _reminder_button(turn, press.verb, press.arg):
        return
    in_routine = turn.state.progress is not None
    if press.verb == "x" and in_routine:  # Stop always works, from any message of the routine
        turn.notify(turn.text("stopped_note"))
        routine.stop(turn)
        turn.say(turn.text("stopped"))
        return
    if press.screen != turn.state.screen or press.verb not in VERBS_BY_PHASE[turn.state.phase]:
        turn.notify(turn.text("stale_button"))
        return
    verb, arg = press.verb, press.arg
    if verb == "a" and (arg in AREAS or arg == "prevent"):
        _choose_area(turn, arg)
    elif verb == "p" and arg in POSITIONS:
        _choose_position(turn, arg)
    elif verb == "rep":
        _repeat_last(turn)
    elif verb == "n":
        routine.advance(turn)
    elif verb == "pa":
        routine.pause(turn)
    elif verb == "r":
        routine.resume(turn)
    elif verb == "sk":
        routine.skip(turn)
    elif verb == "f" and arg in routine.FEELINGS:
        routine.feeling(turn, arg)
    elif verb == "ci":
        routine.checkin_answer(turn, arg)
    elif verb == "nc":
        routine.no_checkin(turn)
    elif verb == "fg":
        _forget(turn, arg == "yes")
    elif verb == "sd" and arg in ("yes", "no") and turn.state.progress is not None:
        routine.stand_answer(turn, arg == "yes")
    elif not (
        reminders.screen_button(turn, verb, arg)
        or diary.screen_button(turn, verb, arg)
        or (verb == "sq" and safety_profile.answer(turn, arg))
    ):
        turn.notify(turn.text("stale_button"))


def _reminder_button(turn: Turn, verb: str, arg: str) -> bool:
    """Reminder buttons work from any message: they arrive in the middle of other things."""
    if verb == "my":  # the morning check-in: "yes, I had one" -> log it
        if reminders.parse_night(arg) is None or turn.state.progress is not None:
            turn.notify(turn.text("stale_button"))
            return True
        diary.start_log(turn)
    elif verb == "bs":  # "Start now" on a reminder: the bedtime stretch, in bed or seated
        if reminders.parse_night(arg) is None:
            turn.notify(turn.text("stale_button"))
            return True
        routine.abandon(turn, "abandoned")
        _choose_area(turn, "prevent")
    elif verb in reminders.NIGHT_VERBS:
        reminders.night_button(turn, verb, arg)
    elif verb in {"rem", "rc", "dl", "sa"} and turn.state.progress is not None:
        turn.notify(turn.text("reminder.after_routine"))  # an old offer must not end a routine
    elif verb == "rem":
        reminders.offer(turn)
    elif verb == "dl":
        diary.start_log(turn)
    elif verb == "sa":
        safety_profile.begin(turn)
    elif verb == "sl":
        safety_profile.later(turn)
    elif verb == "dr":
        diary.report(turn)
    elif verb == "rc" and arg in {"time", "days", "zone", "morning"}:
        reminders.begin(turn, arg)
    elif verb == "ro":
        turn.notify(turn.text("stopped_note"))
        reminders.stop(turn)
    elif verb == "st" and arg in ("pictures.on", "pictures.off"):
        on = arg == "pictures.on"
        turn.act(SaveSettings(pictures=on))
        turn.say(turn.text("settings.pictures_now_on" if on else "settings.pictures_now_off"))
    else:
        return False
    return True


def _settings(turn: Turn) -> None:
    """Not a fresh screen: looking at the settings must not make the buttons on screen stale."""
    on = turn.profile.pictures
    button: ButtonSpec = (
        ("pictures_off", "st", "pictures.off") if on else ("pictures_on", "st", "pictures.on")
    )
    turn.say(
        turn.text("settings.view", pictures=turn.text("settings.on" if on else "settings.off")),
        buttons=turn.keyboard(((button,),), fresh=False),
    )


def _forget(turn: Turn, confirmed: bool) -> None:
    if not confirmed:
        turn.update(phase=Phase.IDLE)
        turn.say(turn.text("forget.kept"))
        return
    turn.cancel_timer()
    # A clean slate; the screen number goes on, so buttons from before stay recognisably old.
    turn.state = ChatState(screen=turn.state.screen + 1)
    turn.act(ForgetUser())
    turn.say(turn.text("forget.done"), remove_keyboard=True)


def _why(turn: Turn, exercise_id: str) -> None:
    exercise = turn.content.exercises.get(exercise_id)
    if exercise is None:  # renamed since the button was sent
        turn.notify(turn.text("stale_button"))
        return
    cited = [key for key in exercise.sources if key != exercise.adapted_from]
    lines = [_source_line(turn, key, "why.source") for key in cited]
    if exercise.adapted_from is not None:
        lines.insert(0, _source_line(turn, exercise.adapted_from, "why.adapted"))
    turn.say(
        turn.text(
            "why_this",
            name=exercise.name,
            why=exercise.why,
            evidence=turn.text(f"evidence.{exercise.evidence}"),
            sources="\n".join(lines),
        )
    )


def _source_line(turn: Turn, key: str, template: str) -> str:
    source = turn.content.sources[key]
    if source.url is None:  # the project's own rule: said as ours, with no page behind it
        return turn.text("why.own", title=source.title)
    return turn.text(template, organisation=source.organisation, title=source.title, url=source.url)


# -- timers ----------------------------------------------------------------------------------
def _timer(turn: Turn, token: str) -> None:
    timer = turn.state.timer
    if timer is None or timer.token != token:
        return  # the user already moved on; this follow-up no longer applies
    turn.update(timer=None)  # it has fired: nothing left to cancel
    if timer.kind == "step" and turn.state.phase == Phase.STEP and turn.state.progress:
        routine.advance(turn)
    elif timer.kind == "checkin" and turn.state.phase == Phase.IDLE:
        routine.checkin_due(turn)


def _reopened(turn: Turn) -> None:
    if turn.state.phase in (Phase.IDLE, Phase.CHECKIN):
        _start(turn)
        return
    turn.say(turn.text("where_we_were"))
    _reprompt(turn)


# -- free text and media ---------------------------------------------------------------------
def _media(turn: Turn, kind: str) -> None:
    key = f"media.{kind}" if f"media.{kind}" in turn.catalog.strings else "media.other"
    turn.say(turn.text(key))
    _reprompt_or_idle_hint(turn)


def _reprompt_or_idle_hint(turn: Turn) -> None:
    if _reprompt(turn):
        return
    turn.say(turn.text("idle_hint"))


def _reprompt(turn: Turn) -> bool:
    phase = turn.state.phase
    if phase == Phase.ASK_AREA:
        turn.say(turn.text("ask_area"), buttons=turn.keyboard(AREA_BUTTONS, fresh=False))
        return True
    if phase == Phase.ROUTINE_MENU:
        rows = _routine_menu_rows(turn)
        turn.say(turn.text("routine_menu"), buttons=turn.keyboard(rows, fresh=False))
        return True
    if phase == Phase.ASK_POSITION:
        question = (
            "ask_position_prevention" if turn.state.choice_mode == "prevention" else "ask_position"
        )
        turn.say(turn.text(question), buttons=turn.keyboard(POSITION_BUTTONS, fresh=False))
        return True
    if phase == Phase.CONFIRM_FORGET:
        turn.say(turn.text("forget.confirm"), buttons=turn.keyboard(FORGET_BUTTONS, fresh=False))
        return True
    return (
        routine.reprompt(turn)
        or reminders.reprompt(turn)
        or diary.reprompt(turn)
        or safety_profile.reprompt(turn)
    )


def _text(turn: Turn, text: str) -> None:
    if text.startswith("/"):
        word, _, args = text[1:].partition(" ")
        name = word.split("@")[0].lower()
        _command(turn, name if name in COMMANDS else "", args.strip())
        return
    intents = find_intents(text, turn.catalog.intents)
    info = warnings.flags_in(turn, intents)
    if info:
        if warnings.answer_flags(turn, info):
            return  # an urgent sign ended the routine and any check-in: a doctor is next
        # "My foot has gone numb" is not "gone": next to a warning sign, no feeling is read.
        intents = [i for i in intents if not i.startswith("feeling.")]
    if _act_on(turn, intents, text):
        return
    if info:  # the safety answer was the reply; show where we are without scolding
        _reprompt(turn)
        return
    turn.say(turn.text("nudge") if turn.state.phase != Phase.IDLE else turn.text("idle_hint"))
    _reprompt(turn)


def _one_of(intents: list[str], prefix: str) -> str | None:
    """The single intent with this prefix, or None when there is none or it is ambiguous."""
    matches = [i.removeprefix(prefix) for i in intents if i.startswith(prefix)]
    return matches[0] if len(matches) == 1 else None


def _act_on(turn: Turn, intents: list[str], text: str) -> bool:
    """Do what the words clearly mean in the current phase; False when they mean nothing here."""
    phase = turn.state.phase
    has = set(intents).__contains__
    in_routine = turn.state.progress is not None
    if has("stop") and phase in SETUP_PHASES:
        _cancel(turn)
        return True
    if has("stop") and (in_routine or phase != Phase.IDLE):
        busy = in_routine
        routine.stop(turn)
        turn.update(choice_mode=None, choice_area=None)
        turn.say(turn.text("stopped" if busy else "cancelled"))
        return True
    if phase in reminders.SETUP_PHASES and reminders.text(turn, text, other_meaning=bool(intents)):
        return True
    area = _one_of(intents, "area.")
    position = _one_of(intents, "position.")
    if has("log") and phase in (Phase.IDLE, Phase.CHECKIN, Phase.ASK_AREA, Phase.ROUTINE_MENU):
        diary.start_log(turn, cast(Area, area) if area else None)  # it's over: into the diary
        return True
    if phase in (Phase.IDLE, Phase.ASK_AREA, Phase.ROUTINE_MENU, Phase.CHECKIN, *SETUP_PHASES):
        if area is not None and position is not None:  # "calf, in bed": no need to ask
            routine.start(turn, "relief", cast(Area, area), cast(Position, position))
            return True
        if area is not None:
            _choose_area(turn, area)
            return True
        if has("prevent"):
            _choose_area(turn, "prevent")
            return True
        if phase == Phase.ROUTINE_MENU and has("repeat"):
            _repeat_last(turn)
            return True
    if phase == Phase.CHECKIN:
        if has("feeling.gone") or has("yes"):
            routine.checkin_answer(turn, "gone")
            return True
        if has("back") or has("feeling.worse") or has("feeling.same"):
            routine.checkin_answer(turn, "back")
            return True
    if phase == Phase.ASK_POSITION and position is not None:
        _choose_position(turn, cast(Position, position))
        return True
    if phase in (Phase.STEP, Phase.PAUSED, Phase.ASK_FEELING, Phase.ASK_STAND):
        if has("feeling.worse"):
            routine.feeling(turn, "worse")
            return True
        if has("feeling.gone"):
            routine.feeling(turn, "gone")
            return True
    if phase == Phase.ASK_FEELING:
        feeling = _one_of([i for i in intents if i.startswith("feeling.")], "feeling.")
        if feeling is not None:
            routine.feeling(turn, feeling)
            return True
    if phase == Phase.STEP:
        for intent, action in (
            ("skip", routine.skip),
            ("pause", routine.pause),
            ("next", routine.advance),
        ):
            if has(intent):
                action(turn)
                return True
    if phase == Phase.PAUSED and (has("resume") or has("next")):
        routine.resume(turn)
        return True
    if phase == Phase.IDLE and has("greeting"):
        _start(turn)
        return True
    if has("help"):
        _command(turn, "help")
        return True
    return False
