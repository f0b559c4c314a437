"""A bedtime typed by a person, read as a local wall-clock time.

People answer "when do you go to bed?" in many ways (``21:45``, ``21h45``, ``9.30 pm``, ``2145``),
so the parser is generous with forms but strict with meaning: anything that could be read two ways
(``9:5``) or is not a time on a 24-hour clock (``24:00``, ``13pm``) is refused rather than guessed,
and the bot asks again. A wrong guess would become a reminder at the wrong hour every night.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import time

__all__ = ["format_time", "parse_time"]

# Colon look-alikes that NFKC leaves alone (the fullwidth colon it does map).
_COLONS = str.maketrans({"∶": ":", "꞉": ":", "˸": ":", "׃": ":"})
_AM_PM = r"(?:\s*(?P<half>[ap])\.?\s*(?:m\.?)?)?"
# 21:45, 21.45, 21h45, 21h, 21, 9:30pm, 9.30 PM, 9 pm, 21:45:00 (seconds only after a colon).
_SEPARATED = re.compile(
    r"(?P<hour>\d{1,2})"
    r"(?:(?P<sep>[:.h])(?P<minute>\d{2})?(?::(?P<second>\d{2}))?)?" + _AM_PM,
    re.ASCII,
)
# 2145, 0930, 930, 930pm: three or four digits, the last two being the minutes.
_COMPACT = re.compile(r"(?P<hour>\d{1,2})(?P<minute>\d{2})" + _AM_PM, re.ASCII)
# "21 Uhr", "21:30 Uhr", "21.30 h": German (and French) write the hour's word after a 24-hour
# time. It only ever follows digits, so stripping it cannot change what the digits mean.
_HOUR_WORD = re.compile(r"(?P<clock>.*\d)\s*(?:uhr|h)")
_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
# Nobody types a time in more characters than this; longer text is a sentence, not a time.
_MAX_INPUT_CHARS = 20


def _normalise(text: str) -> str:
    """Lower-case ASCII-ish text with single spaces: fullwidth digits and colons (NFKC), other
    scripts' decimal digits (``٢١:٣٠``) and colon look-alikes become their ASCII forms."""
    text = unicodedata.normalize("NFKC", text).translate(_COLONS)
    text = "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)
    return " ".join(text.casefold().split())


def _clock(hour: int, minute: int, half: str | None) -> time | None:
    if not 0 <= minute <= 59:
        return None
    if half is None:
        return time(hour, minute) if 0 <= hour <= 23 else None
    if not 1 <= hour <= 12:  # "0pm" and "13pm" mean nothing on a 12-hour clock
        return None
    return time(hour % 12 + (12 if half == "p" else 0), minute)


def parse_time(text: str) -> time | None:
    """The local time of day in ``text``, or ``None`` when it is not clearly one.

    Accepted (surrounding spaces and letter case ignored): ``21:45``, ``21.45``, ``21h45``,
    ``21h``, ``21``, ``2145`` and ``930`` (last two digits are minutes), ``21:45:00`` (seconds
    must be valid and are dropped: reminders are per minute), 12-hour forms ``9pm``, ``9 pm``,
    ``9p``, ``9:30pm``, ``9.30 P.M.`` with ``12am`` = 00:00 and ``12pm`` = 12:00, the words
    ``noon``/``midday``/``midnight``, fullwidth or other-script digits and colons, and a 24-hour
    time followed by the hour's word ``Uhr`` or ``h`` (``21 Uhr``, ``21:30 Uhr``, ``21.30 h``).

    Refused: hours past 23 (``24:00``, ``25:00``), minutes past 59 (``12:60``), 12-hour forms
    with an hour outside 1..12 (``13pm``, ``0pm``), single-digit minutes (``9:5`` could be 9:05 or
    9:50), a trailing separator (``21:``), signs (``-9``), spaces inside the number (``21 45``),
    empty text and anything else.
    """
    if len(text) > 4 * _MAX_INPUT_CHARS:  # a cheap guard before normalising a long message
        return None
    cleaned = _normalise(text)
    if not cleaned or len(cleaned) > _MAX_INPUT_CHARS:
        return None
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    hour_word = _HOUR_WORD.fullmatch(cleaned)
    if hour_word is not None:
        cleaned = hour_word["clock"]
    match = _SEPARATED.fullmatch(cleaned)
    if match is not None:
        separator, minute = match["sep"], match["minute"]
        if separator is not None and minute is None and separator != "h":
            return None  # "21:" or "21." - something is missing
        if match["second"] is not None and (separator != ":" or int(match["second"]) > 59):
            return None
        return _clock(int(match["hour"]), int(minute or 0), match["half"])
    match = _COMPACT.fullmatch(cleaned)
    if match is not None:
        return _clock(int(match["hour"]), int(match["minute"]), match["half"])
    return None


def format_time(t: time) -> str:
    """``21:30``: the 24-hour ``HH:MM`` form the bot keeps (a chosen time in the chat state),
    whatever the user typed. What a person reads is written by ``bot.formats.clock`` in their
    language."""
    return f"{t.hour:02d}:{t.minute:02d}"
