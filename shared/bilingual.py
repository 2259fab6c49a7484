"""A sentence in Vietnamese with its English beside it: every screen text of every app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    """Vietnamese first; English beside it (smaller, or after a slash)."""

    vi: str
    en: str

    def format(self, **values: object) -> Text:
        return Text(self.vi.format(**values), self.en.format(**values))

    def line(self) -> str:
        """Both languages on one line, for buttons, labels and table headers."""
        return f"{self.vi} / {self.en}"

    def pick(self, language: str) -> tuple[str, str]:
        """(large line, small line) for the language chosen on a screen."""
        return (self.en, self.vi) if language == "en" else (self.vi, self.en)


WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def day_line(local: dt.datetime, language: str = "vi") -> str:
    """'Thứ Hai, 30/11/2026' (or 'Monday, 30/11/2026'), for the office's local date."""
    names = WEEKDAYS_EN if language == "en" else WEEKDAYS_VI
    return f"{names[local.weekday()]}, {local:%d/%m/%Y}"
