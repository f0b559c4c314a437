"""Compact callback data for inline buttons.

Format: ``<screen>.<verb>[.<arg>]``, e.g. ``12.a.calf``. The screen number ties
a button to the message that carried it, so a press on an old message can be
recognised and answered kindly instead of acting on a stale choice. Telegram
allows 64 bytes; ours stay far below (checked in `encode`).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CALLBACK_BYTES = 64


@dataclass(frozen=True, slots=True)
class Callback:
    screen: int
    verb: str
    arg: str = ""


def encode(screen: int, verb: str, arg: str = "") -> str:
    data = f"{screen}.{verb}.{arg}" if arg else f"{screen}.{verb}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data too long for Telegram: {data!r}")
    return data


def decode(data: str) -> Callback | None:
    """Parse callback data; None for anything we did not produce (old formats, tampering)."""
    parts = data.split(".", 2)
    # isascii: str.isdigit() also accepts "²" or "١", which int() rejects or reads differently.
    if len(parts) < 2 or not (parts[0].isascii() and parts[0].isdigit()) or not parts[1]:
        return None
    return Callback(screen=int(parts[0]), verb=parts[1], arg=parts[2] if len(parts) == 3 else "")
