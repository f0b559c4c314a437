"""The cramp diary as conversation: /diary's summary and chart, the doctor's report, and logging
a cramp that happened without the bot.

Every routine already goes into the diary by itself (`LogEpisode`). The service hands the diary
in with the profile when an event needs it; pictures are asked for with `DiaryPicture`, which the
service renders off the event loop after the transaction, so no image work happens here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field

from bot import formats
from bot.coach.callbacks import CallbackData, Digits
from bot.coach.effects import LogEpisode
from bot.coach.outbox import DiaryPicture
from bot.coach.router import Router, Words
from bot.coach.state import IDLE, LoggingCramp, Phase, When
from bot.coach.turn import ButtonSpec, Turn
from bot.content import AREAS, Area
from bot.diary import DiarySummary, summarize
from bot.diary.summary import MIN_DAYS_FOR_RATE
from bot.reminders.schedule import wall_time_to_utc

router = Router()


class LogCramp(CallbackData, prefix="dl"):
    """ "Log a cramp": works from any message."""


class Report(CallbackData, prefix="dr"):
    """The doctor's report: works from any message."""


class LogArea(CallbackData, prefix="la"):
    area: Area


class LogWhen(CallbackData, prefix="lw"):
    when: When


class LogSeverity(CallbackData, prefix="ls"):
    severity: Annotated[Digits, Field(le=10)]

    def label_values(self, turn: Turn) -> dict[str, str]:
        return {"n": str(self.severity)}


DIARY_DAYS = 30
DIARY_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("diary_log", LogCramp()),),
    (("diary_report", Report()),),
)
AREA_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("area_ankle", LogArea(area="ankle")), ("area_foot", LogArea(area="foot"))),
    (("area_calf", LogArea(area="calf")), ("area_shin", LogArea(area="shin"))),
)
WHEN_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("when_evening", LogWhen(when="evening")), ("when_night", LogWhen(when="night"))),
    (("when_morning", LogWhen(when="morning")), ("when_now", LogWhen(when="now"))),
)
SEVERITY_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    tuple(("severity", LogSeverity(severity=n)) for n in range(6)),
    tuple(("severity", LogSeverity(severity=n)) for n in range(6, 11)),
)
# "Roughly when", as a local wall-clock time: the evening and the night are last night's.
WHEN_LOCAL = {"evening": time(21, 0), "night": time(2, 30), "morning": time(5, 30)}


def zone_of(turn: Turn) -> str:
    """The person's zone; UTC until they tell us (the chart then says so)."""
    return turn.profile.zone or "UTC"


@router.command("diary")
def command(turn: Turn, args: str) -> None:
    if args.strip().lower() in ("report", "doctor"):
        report(turn)
        return
    zone = zone_of(turn)
    today = turn.now.astimezone(ZoneInfo(zone)).date()
    summary = summarize(
        turn.profile.diary,
        zone=ZoneInfo(zone),
        today=today,
        days=DIARY_DAYS,
        reminder_started=turn.profile.reminder_started,
    )
    turn.picture(
        DiaryPicture(
            kind="chart",
            entries=turn.profile.diary,
            zone=zone,
            today=today,
            reminder_started=turn.profile.reminder_started,
            language=turn.catalog.language,
            caption=turn.text("diary.chart_caption"),
        )
    )
    turn.say(*summary_text(turn, summary), buttons=turn.keyboard(DIARY_BUTTONS, fresh=False))


@router.button(Report)
def _report_pressed(turn: Turn, data: Report) -> None:
    report(turn)


def report(turn: Turn) -> None:
    zone = zone_of(turn)
    turn.say(turn.text("diary.report_intro"))
    turn.picture(
        DiaryPicture(
            kind="report",
            entries=turn.profile.diary,
            zone=zone,
            today=turn.now.astimezone(ZoneInfo(zone)).date(),
            reminder_started=turn.profile.reminder_started,
            language=turn.catalog.language,
        )
    )


def summary_text(turn: Turn, summary: DiarySummary) -> list[str]:
    parts = [turn.text("diary.intro", days=summary.days)]
    if summary.cramps == 0 and summary.bedtime_sessions == 0:
        parts.append(turn.text("diary.empty", days=summary.days))
        return ["\n".join(parts)]
    # A weekly rate from a few days of diary would mislead ("14 a week" after one night).
    if summary.observed_days >= MIN_DAYS_FOR_RATE:
        lines = [turn.text("diary.count", count=summary.cramps, rate=_one(turn, summary.per_week))]
    else:
        lines = [turn.text("diary.count_short", count=summary.cramps)]
    areas = [(key, n) for key, n in summary.by_area if n]
    if areas:
        named = formats.tally(
            (f"{_area(turn, key)} {n}" for key, n in areas), turn.catalog.language
        )
        lines.append(turn.text("diary.areas", areas=named))
    times = [(key, n) for key, n in summary.by_time if n]
    if times:
        named = formats.tally(
            (f"{turn.text(f'diary.time.{key}')} {n}" for key, n in times), turn.catalog.language
        )
        lines.append(turn.text("diary.times", times=named))
    if summary.severity_mean is not None and summary.severity_max is not None:
        lines.append(
            turn.text(
                "diary.severity", mean=_one(turn, summary.severity_mean), max=summary.severity_max
            )
        )
    if summary.helped:
        names = formats.join(
            (_exercise(turn, exercise_id) for exercise_id, _ in summary.helped),
            turn.catalog.language,
        )
        lines.append(turn.text("diary.helped", names=names))
    if summary.bedtime_sessions:
        lines.append(turn.text("diary.bedtime", count=summary.bedtime_sessions))
    if summary.before is not None and summary.after is not None:
        lines.append(
            turn.text(
                "diary.before_after",
                before=_one(turn, summary.before.per_week),
                after=_one(turn, summary.after.per_week),
            )
        )
    parts.append("\n".join(lines))
    if summary.attention_total:
        parts.append(turn.text("diary.attention", count=summary.attention_total))
    return parts


def _one(turn: Turn, value: float) -> str:
    return formats.decimal(value, turn.catalog.language)


def _area(turn: Turn, key: str) -> str:
    return turn.text("diary.area.other") if key == "other" else turn.text(f"area.{key}")


def _exercise(turn: Turn, exercise_id: str) -> str:
    exercise = turn.content.exercises.get(exercise_id)
    return exercise.name if exercise is not None else exercise_id.replace("_", " ")


# -- logging a cramp -------------------------------------------------------------------------
def start_log(turn: Turn, area: Area | None = None) -> None:
    """Log a cramp that is over; "I had a calf cramp last night" skips the first question."""
    if turn.state.progress is not None:
        turn.abandon("abandoned")
    turn.go(LoggingCramp("area"))
    if area is not None:
        _area_chosen(turn, area)
        return
    turn.say(turn.text("diary.log.area"), buttons=turn.keyboard(AREA_BUTTONS))


@router.button(LogCramp)
def _log_pressed(turn: Turn, data: LogCramp) -> None:
    if not turn.in_the_way():
        start_log(turn)


@router.text(Phase.IDLE, Phase.CHECKIN, Phase.ASK_AREA, Phase.ROUTINE_MENU)
def _log_words(turn: Turn, words: Words) -> bool:
    """ "I had a cramp": it's over, so into the diary."""
    if not words.has("log"):
        return False
    start_log(turn, words.pick("area.", AREAS))
    return True


@router.button(LogArea, Phase.DIARY_AREA)
def _area_pressed(turn: Turn, data: LogArea) -> None:
    _area_chosen(turn, data.area)


def _area_chosen(turn: Turn, area: Area) -> None:
    turn.go(LoggingCramp("when", area))
    turn.say(turn.text("diary.log.when"), buttons=turn.keyboard(WHEN_BUTTONS))


@router.button(LogWhen, Phase.DIARY_WHEN)
def _when_pressed(turn: Turn, data: LogWhen) -> None:
    turn.go(replace(_logging(turn), asking="severity", when=data.when))
    turn.say(turn.text("diary.log.severity"), buttons=turn.keyboard(SEVERITY_BUTTONS))


@router.button(LogSeverity, Phase.DIARY_SEVERITY)
def _severity_pressed(turn: Turn, data: LogSeverity) -> None:
    _logged(turn, data.severity)


def _logging(turn: Turn) -> LoggingCramp:
    flow = turn.state.flow
    return flow if isinstance(flow, LoggingCramp) else LoggingCramp("severity")


def _logged(turn: Turn, severity: int) -> None:
    logging = _logging(turn)
    area, when = logging.area, logging.when or "now"
    at = when_it_was(turn.now, when, ZoneInfo(zone_of(turn)))
    turn.effect(
        LogEpisode(
            kind="manual",
            area=area,
            position=None,
            started_at=at,
            ended_at=at,
            outcome="logged",
            exercises=(),
            severity=severity,
        )
    )
    turn.go(IDLE)
    turn.say(
        turn.text(
            "diary.log.done",
            area=turn.text(f"area.{area}") if area else turn.text("diary.area.other"),
            when=turn.text(f"diary.when.{when}"),
            severity=severity,
        )
    )


def when_it_was(now: datetime, when: str, zone: ZoneInfo) -> datetime:
    """The UTC instant for "yesterday evening", "in the night", "early this morning" or now.

    The night and the early morning are the ones just past: before they have come round today,
    they are yesterday's. Never later than now.
    """
    if when not in WHEN_LOCAL:
        return now
    local_now = now.astimezone(zone)
    day = local_now.date()
    if when == "evening" or WHEN_LOCAL[when] > local_now.time():
        day -= timedelta(days=1)
    # A time lost to a spring-forward gap means its first valid minute, as for reminders.
    moment = wall_time_to_utc(day, WHEN_LOCAL[when], zone).astimezone(now.tzinfo)
    if when != "evening" and now - moment > timedelta(hours=20):
        return now  # "in the night" said at 1 a.m. means this night, not yesterday's
    return min(moment, now)


router.question(Phase.DIARY_AREA, "diary.log.area", AREA_BUTTONS)
router.question(Phase.DIARY_WHEN, "diary.log.when", WHEN_BUTTONS)
router.question(Phase.DIARY_SEVERITY, "diary.log.severity", SEVERITY_BUTTONS)
