"""Fixed diaries and the English labels for the diary tests (a copy of the strings' YAML)."""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PIL import Image

from bot.diary import DiaryEntry

BERLIN = ZoneInfo("Europe/Berlin")
# The chart and report tests' "today", and the night the bedtime reminders started.
TODAY = date(2025, 4, 10)
REMINDER = date(2025, 3, 20)

# A copy of /tmp/diary_strings.yaml plus the catalog's existing area names, so the tests do not
# depend on the scratch file or on content/.
LABELS: dict[str, str] = {
    "area.ankle": "Ankle",
    "area.foot": "Foot",
    "area.calf": "Calf",
    "area.shin": "Shin",
    "diary.area.other": "Other or not given",
    "diary.chart.title": "Cramps per week",
    "diary.chart.x": "Week starting",
    "diary.chart.y": "Cramps",
    "diary.chart.none": "No cramps logged in these weeks",
    "diary.chart.started": "Bedtime stretch started",
    "diary.chart.started_on": "Bedtime stretch since {date}",
    "diary.chart.before": "Before: {rate} a week",
    "diary.chart.after": "Since: {rate} a week",
    "diary.chart.caveat": "Cramps vary by themselves; this cannot show cause",
    "diary.chart.untracked": "Before the diary",
    "diary.time.evening": "Evening (18–22 h)",
    "diary.time.late": "Late (22–02 h)",
    "diary.time.small_hours": "Small hours (02–06 h)",
    "diary.time.day": "Daytime (06–18 h)",
    "diary.outcome.worse": "Got worse during a routine",
    "diary.outcome.advice": "Lasted over 10 minutes, told to get advice",
    "diary.outcome.red_flag": "Reported a warning sign",
    "diary.report.title": "Cramp diary",
    "diary.report.period": "{start} to {end} ({days} days)",
    "diary.report.since": "Diary kept since {date}",
    "diary.report.made": (
        "Made on {date} from what the person logged in crampcoach. Times are local ({zone})."
        " This is a record, not a diagnosis."
    ),
    "diary.report.item": "{label}: {count}",
    "diary.report.how_often": "How often",
    "diary.report.cramps": "Cramps logged: {count}, about {rate} a week",
    "diary.report.cramps.short": "Cramps logged: {count}",
    "diary.report.nights": (
        "Nights with cramps: {cramp_nights}. Nights reported cramp-free: {free_nights}"
    ),
    "diary.report.where": "Where",
    "diary.report.where.none": "No cramps logged",
    "diary.report.when": "Time of day",
    "diary.report.severity": "Severity (0–10)",
    "diary.report.severity.value": "Average {mean}, highest {max} (ratings given: {count})",
    "diary.report.severity.none": "Not rated",
    "diary.report.helped": "Seemed to help",
    "diary.report.helped.item": "{name} ({count}×)",
    "diary.report.helped.none": "Nothing recorded yet",
    "diary.report.bedtime": "Bedtime stretch",
    "diary.report.bedtime.sessions": "Sessions done: {count}. Nights with a session: {nights}",
    "diary.report.bedtime.started": "Reminders started {date}",
    "diary.report.bedtime.before": "Cramps a week before: about {rate} (over {days} d)",
    "diary.report.bedtime.after": "Cramps a week since: about {rate} (over {days} d)",
    "diary.report.bedtime.caveat": "Cramps vary by themselves; this comparison does not show cause",
    "diary.report.bedtime.none": "Not used in this period",
    "diary.report.attention": "During coaching",
    "diary.report.attention.none": "Nothing unusual",
    "diary.report.strip": "Night by night",
    "diary.report.legend.cramp": "Cramps (number)",
    "diary.report.legend.free": "No cramps (answered)",
    "diary.report.legend.blank": "Nothing logged",
    "diary.report.legend.bedtime": "Bedtime stretch done",
    "diary.report.flags": "Worth mentioning to your doctor",
}


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    """UTC instant of a local wall-clock time (``fold=0``: the first of an ambiguous pair)."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def rich_diary(
    today: date = date(2025, 4, 10), reminder: date = date(2025, 3, 20)
) -> list[DiaryEntry]:
    """About eight weeks of a plausible diary: more cramps before the bedtime stretch than after."""
    rng = random.Random(20250410)
    entries: list[DiaryEntry] = []
    day = today - timedelta(days=55)
    areas = ["calf", "calf", "calf", "foot", "foot", "ankle", "shin"]
    helpers = ["calf_stretch_towel", "calf_massage", "toe_pull_back", "calf_stand_on_leg"]
    while day <= today:
        stretching = day >= reminder
        chance = 0.22 if stretching else 0.5
        if rng.random() < chance:
            hour = rng.choice([23, 0, 1, 2, 3, 4, 5, 21])
            moment = at(day + timedelta(days=1 if hour < 12 else 0), hour, rng.randrange(60))
            if moment.astimezone(BERLIN).date() <= today:
                if rng.random() < 0.6:
                    outcome = rng.choice(["gone", "gone", "better", "worse", "advice", "stopped"])
                    helped = tuple(rng.sample(helpers, 1)) if outcome in {"gone", "better"} else ()
                    entries.append(
                        DiaryEntry(
                            moment,
                            "routine",
                            area=rng.choice(areas),
                            outcome=outcome,
                            helped=helped,
                        )
                    )
                else:
                    entries.append(
                        DiaryEntry(
                            moment, "manual", area=rng.choice(areas), severity=rng.randrange(3, 9)
                        )
                    )
        elif rng.random() < 0.5 and day + timedelta(days=1) <= today:
            entries.append(DiaryEntry(at(day + timedelta(days=1), 8, 5), "none"))
        if stretching and rng.random() < 0.8:
            entries.append(DiaryEntry(at(day, 22, 10), "bedtime", outcome="done"))
        day += timedelta(days=1)
    return entries


def decode_png(png: bytes) -> Image.Image:
    """The image, fully read; fails unless the bytes are a PNG."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image
