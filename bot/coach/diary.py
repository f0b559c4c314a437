"""The cramp diary as conversation: /diary's summary and chart, the doctor's report, and logging
a cramp that happened without the bot.

Every routine already goes into the diary by itself (`LogEpisode`). The service hands the diary
in with the profile when an event needs it; pictures are asked for with `DiaryPicture`, which the
service renders off the event loop after the transaction, so no image work happens here.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import formats
from bot.coach import routine
from bot.coach.actions import DiaryPicture, LogEpisode
from bot.coach.state import Phase
from bot.coach.turn import ButtonSpec, Turn
from bot.content import Area
from bot.diary import DiarySummary, summarize
from bot.diary.summary import MIN_DAYS_FOR_RATE
from bot.reminders.schedule import wall_time_to_utc

DIARY_DAYS = 30
DIARY_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("diary_log", "dl", ""),),
    (("diary_report", "dr", ""),),
)
AREA_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("area_ankle", "la", "ankle"), ("area_foot", "la", "foot")),
    (("area_calf", "la", "calf"), ("area_shin", "la", "shin")),
)
WHEN_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("when_evening", "lw", "evening"), ("when_night", "lw", "night")),
    (("when_morning", "lw", "morning"), ("when_now", "lw", "now")),
)
SEVERITY_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    tuple(("severity", "ls", str(n)) for n in range(6)),
    tuple(("severity", "ls", str(n)) for n in range(6, 11)),
)
LOG_PHASES = frozenset({Phase.DIARY_AREA, Phase.DIARY_WHEN, Phase.DIARY_SEVERITY})
# "Roughly when", as a local wall-clock time: the evening and the night are last night's.
WHEN_LOCAL = {"evening": time(21, 0), "night": time(2, 30), "morning": time(5, 30)}


def zone_of(turn: Turn) -> str:
    """The person's zone; UTC until they tell us (the chart then says so)."""
    return turn.profile.zone or "UTC"


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
    turn.act(
        DiaryPicture(
            kind="chart",
            entries=turn.profile.diary,
            zone=zone,
            today=today,
            reminder_started=turn.profile.reminder_started,
            language=turn.state.language,
            caption=turn.text("diary.chart_caption"),
        )
    )
    turn.say(*summary_text(turn, summary), buttons=turn.keyboard(DIARY_BUTTONS, fresh=False))


def report(turn: Turn) -> None:
    zone = zone_of(turn)
    turn.say(turn.text("diary.report_intro"))
    turn.act(
        DiaryPicture(
            kind="report",
            entries=turn.profile.diary,
            zone=zone,
            today=turn.now.astimezone(ZoneInfo(zone)).date(),
            reminder_started=turn.profile.reminder_started,
            language=turn.state.language,
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
        routine.abandon(turn, "abandoned")
    turn.update(phase=Phase.DIARY_AREA, choice_mode=None, choice_area=None, diary_when=None)
    if area is not None:
        screen_button(turn, "la", area)
        return
    turn.say(turn.text("diary.log.area"), buttons=turn.keyboard(AREA_BUTTONS))


def screen_button(turn: Turn, verb: str, arg: str) -> bool:
    if verb == "la" and arg in ("ankle", "foot", "calf", "shin"):
        turn.update(phase=Phase.DIARY_WHEN, choice_area=arg)
        turn.say(turn.text("diary.log.when"), buttons=turn.keyboard(WHEN_BUTTONS))
    elif verb == "lw" and arg in (*WHEN_LOCAL, "now"):
        turn.update(phase=Phase.DIARY_SEVERITY, diary_when=arg)
        turn.say(turn.text("diary.log.severity"), buttons=turn.keyboard(SEVERITY_BUTTONS))
    elif verb == "ls" and arg.isascii() and arg.isdigit() and 0 <= int(arg) <= 10:
        _logged(turn, int(arg))
    else:
        return False
    return True


def _logged(turn: Turn, severity: int) -> None:
    area, when = turn.state.choice_area, turn.state.diary_when or "now"
    at = when_it_was(turn.now, when, ZoneInfo(zone_of(turn)))
    turn.actions.append(
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
    turn.update(phase=Phase.IDLE, choice_area=None, diary_when=None)
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


def reprompt(turn: Turn) -> bool:
    phase = turn.state.phase
    if phase == Phase.DIARY_AREA:
        turn.say(turn.text("diary.log.area"), buttons=turn.keyboard(AREA_BUTTONS, fresh=False))
    elif phase == Phase.DIARY_WHEN:
        turn.say(turn.text("diary.log.when"), buttons=turn.keyboard(WHEN_BUTTONS, fresh=False))
    elif phase == Phase.DIARY_SEVERITY:
        turn.say(
            turn.text("diary.log.severity"), buttons=turn.keyboard(SEVERITY_BUTTONS, fresh=False)
        )
    else:
        return False
    return True
