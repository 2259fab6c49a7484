"""Ticket numbering: a letter prefix (A001) or a numeric block (1001-1999), per service and day."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.errors import ConflictError, InvalidInputError

DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh"
PREFIX_DIGITS = 3
PREFIX_CAPACITY = 999  # A001..A999
_PREFIX_RE = re.compile(r"[A-Z]{1,2}")


def load_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInputError(
            f"Múi giờ không hợp lệ: {name}", f"unknown time zone: {name}"
        ) from exc


def business_day(now: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The office's calendar day at instant NOW (an aware datetime)."""
    return now.astimezone(zone).date()


@dataclass(frozen=True, slots=True)
class NumberingFormat:
    """How one service numbers its tickets: exactly one of prefix or block is set."""

    prefix: str | None = None
    block_start: int | None = None
    block_end: int | None = None

    def __post_init__(self) -> None:
        if self.prefix is not None:
            if self.block_start is not None or self.block_end is not None:
                raise InvalidInputError(
                    "Chỉ chọn một cách đánh số: chữ cái hoặc dãy số",
                    "choose one numbering: a letter prefix or a numeric block",
                )
            if not _PREFIX_RE.fullmatch(self.prefix):
                raise InvalidInputError(
                    f"Tiền tố '{self.prefix}' phải là 1-2 chữ cái in hoa không dấu (A-Z)",
                    f"prefix '{self.prefix}' must be 1-2 capital letters A-Z",
                )
            return
        if self.block_start is None or self.block_end is None:
            raise InvalidInputError(
                "Cần tiền tố chữ cái hoặc dãy số đầu-cuối (ví dụ 1001-1999)",
                "a numbering needs a letter prefix or a numeric block such as 1001-1999",
            )
        if not 1 <= self.block_start <= self.block_end <= 99_999:
            raise InvalidInputError(
                f"Dãy số {self.block_start}-{self.block_end} không hợp lệ",
                f"numeric block {self.block_start}-{self.block_end} is not valid "
                "(1 <= start <= end <= 99999)",
            )

    @classmethod
    def parse(cls, text: str) -> NumberingFormat:
        """'A' or 'AB' is a prefix; '1001-1999' is a block."""
        text = text.strip()
        match = re.fullmatch(r"(\d+)\s*-\s*(\d+)", text)
        if match:
            return cls(block_start=int(match[1]), block_end=int(match[2]))
        return cls(prefix=text.upper())

    @property
    def capacity(self) -> int:
        if self.prefix is not None:
            return PREFIX_CAPACITY
        assert self.block_start is not None and self.block_end is not None
        return self.block_end - self.block_start + 1

    def display_number(self, sequence: int) -> str:
        """The number printed and announced for the SEQUENCE-th ticket of the day (from 1)."""
        if not 1 <= sequence <= self.capacity:
            raise ConflictError(
                f"Đã hết số trong ngày ({self.capacity} số)",
                f"no numbers left today ({self.capacity} numbers)",
            )
        if self.prefix is not None:
            return f"{self.prefix}{sequence:0{PREFIX_DIGITS}d}"
        assert self.block_start is not None
        return str(self.block_start + sequence - 1)

    def describe(self) -> str:
        if self.prefix is not None:
            return (
                f"{self.prefix}{1:0{PREFIX_DIGITS}d}-{self.prefix}{self.capacity:0{PREFIX_DIGITS}d}"
            )
        return f"{self.block_start}-{self.block_end}"

    def clashes_with(self, other: NumberingFormat) -> bool:
        """True when the two formats could ever produce the same display number."""
        if self.prefix is not None or other.prefix is not None:
            return self.prefix == other.prefix
        assert self.block_start is not None and self.block_end is not None
        assert other.block_start is not None and other.block_end is not None
        return self.block_start <= other.block_end and other.block_start <= self.block_end


def check_no_clash(
    code: str, numbering: NumberingFormat, others: Iterable[tuple[str, NumberingFormat]]
) -> None:
    """Refuse a numbering that another service's numbers could collide with."""
    for other_code, other in others:
        if other_code != code and numbering.clashes_with(other):
            raise ConflictError(
                f"Cách đánh số {numbering.describe()} của '{code}' trùng với "
                f"'{other_code}' ({other.describe()})",
                f"numbering {numbering.describe()} of '{code}' overlaps service "
                f"'{other_code}' ({other.describe()})",
            )
