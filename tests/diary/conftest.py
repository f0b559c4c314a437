"""A chart of the shared example diary, drawn once for the chart and report tests."""

from __future__ import annotations

import pytest

from bot.diary.chart import weekly_chart
from tests.diary.diary_data import BERLIN, LABELS, REMINDER, TODAY, rich_diary


@pytest.fixture(scope="session")
def chart_png() -> bytes:
    return weekly_chart(
        rich_diary(),
        zone=BERLIN,
        today=TODAY,
        reminder_started=REMINDER,
        labels=LABELS,
        language="en",
    )
