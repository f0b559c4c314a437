"""A top-to-bottom page drawn with Pillow: fonts, wrapped text and rules, at a chosen scale.

The doctor's report (:mod:`bot.diary.report`) lays its content out on one of these; this module
knows nothing of cramps. Text is drawn with the DejaVu fonts that ship with matplotlib, so every
machine has them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import matplotlib
from PIL import Image, ImageDraw, ImageFont

__all__ = ["A4_150DPI", "INK", "MARGIN", "MUTED", "RULE", "SEPARATOR", "Fonts", "Page"]

#: A4 portrait at 150 dpi, in pixels.
A4_150DPI: Final = (1240, 1754)
MARGIN: Final = 84
INK: Final = (26, 26, 26)
MUTED: Final = (85, 85, 85)
RULE: Final = (210, 210, 210)
#: Between the items of one line; :meth:`Page.wrap` keeps each item whole where it fits.
SEPARATOR: Final = "  ·  "
_FONT_DIR: Final = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class Fonts:
    """Fonts loaded for one report. Not shared between calls: a FreeType face must not be used by
    two threads at once, and reports may be rendered in worker threads."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[int, bool], ImageFont.FreeTypeFont] = {}

    def get(self, size: int, bold: bool) -> ImageFont.FreeTypeFont:
        key = (size, bold)
        if key not in self._loaded:
            name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
            self._loaded[key] = ImageFont.truetype(str(_FONT_DIR / name), size)
        return self._loaded[key]


class Page:
    """A top-to-bottom writer over one image; ``y`` is the next free pixel row."""

    def __init__(self, scale: float, fonts: Fonts) -> None:
        self.scale = scale
        self.fonts = fonts
        self.image = Image.new("RGB", A4_150DPI, "white")
        self.draw = ImageDraw.Draw(self.image)
        self.left = MARGIN
        self.width = A4_150DPI[0] - 2 * MARGIN
        self.y = MARGIN

    def px(self, value: float) -> int:
        return round(value * self.scale)

    def font(self, size: float, bold: bool = False) -> ImageFont.FreeTypeFont:
        return self.fonts.get(self.px(size), bold)

    def fits(self, text: str, font: ImageFont.FreeTypeFont, width: int) -> bool:
        return self.draw.textlength(text, font=font) <= width

    def wrap(self, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
        """Greedy wrap. Items joined by ``SEPARATOR`` stay whole where they fit on a line, and a
        line never starts or ends with the separator."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for item in paragraph.split(SEPARATOR):
                joined = f"{line}{SEPARATOR}{item}" if line else item
                if self.fits(joined, font, width):
                    line = joined
                    continue
                if line:
                    lines.append(line)
                    line = ""
                for word in item.split(" "):  # an item too long for one line: wrap its words
                    joined = f"{line} {word}" if line else word
                    if line and not self.fits(joined, font, width):
                        lines.append(line)
                        line = word
                    else:
                        line = joined
            lines.append(line)
        return lines

    def text(
        self,
        text: str,
        *,
        size: float,
        bold: bool = False,
        colour: tuple[int, int, int] = INK,
        x: int | None = None,
        width: int | None = None,
        leading: float = 1.32,
    ) -> int:
        """Write wrapped text at ``self.y``; returns its height (``self.y`` is not moved)."""
        font = self.font(size, bold)
        left = self.left if x is None else x
        room = self.width - (left - self.left) if width is None else width
        step = round(font.size * leading)
        y = self.y
        for line in self.wrap(text, font, room):
            self.draw.text((left, y), line, font=font, fill=colour)
            y += step
        return y - self.y

    def rule(self, gap: float = 22) -> None:
        self.y += self.px(gap)
        self.draw.line((self.left, self.y, self.left + self.width, self.y), fill=RULE, width=2)
        self.y += self.px(gap)
