"""Office-wide settings that every PC shares, stored in the database's setting table."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import io
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from PIL import Image

from shared.errors import InvalidInputError
from shared.rules.domain import (
    DEFAULT_PRIORITY_CATEGORIES,
    PriorityCategory,
    PriorityMode,
    PriorityPolicy,
)
from shared.rules.numbering import DEFAULT_TIME_ZONE, load_zone


class Wording(StrEnum):
    """How numbers are read aloud: northern (nghìn, linh) or southern (ngàn, lẻ)."""

    NORTH = "north"
    SOUTH = "south"


VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south")


@dataclass(frozen=True, slots=True)
class VoiceOptions:
    voice: str = "vi-vn-x-south"
    wording: Wording = Wording.SOUTH
    digit_by_digit: bool = False
    rate: int = 140
    repeat: int = 2


@dataclass(frozen=True, slots=True)
class OfficeSettings:
    """Settings every PC of the office shares.

    Attributes:
        office_name: printed on tickets and shown on every screen.
        notice_text: the scrolling notice of the hall display.
        ticket_footer: the last line of every ticket.
        time_zone: decides the business day (numbering restarts at its midnight).
        lookup_base_url: the QR code on a ticket is this URL followed by the ticket's token.
        priority: the priority policy and its categories.
        voice: how calls are announced.
        idle_lock_minutes: a counter or supervisor window left without input this long locks
            behind its officer's PIN (0: never).
    """

    office_name: str = "Công an phường"
    notice_text: str = (
        "Vui lòng giữ phiếu số thứ tự và theo dõi màn hình. / Please keep your ticket."
    )
    ticket_footer: str = "Cảm ơn quý công dân! / Thank you!"
    time_zone: str = DEFAULT_TIME_ZONE
    lookup_base_url: str = "https://motcua.local/t/"
    priority: PriorityPolicy = field(default_factory=PriorityPolicy)
    voice: VoiceOptions = field(default_factory=VoiceOptions)
    logo_png: str = ""  # base64 PNG, at most LOGO_SIDE pixels a side; "" for the drawn badge
    idle_lock_minutes: int = 10


LOGO_SIDE = 256
LOGO_MAX_BYTES = 200_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

SETTING_KEYS = tuple(f.name for f in dataclasses.fields(OfficeSettings))


def to_json(settings: OfficeSettings, key: str) -> Any:
    value = getattr(settings, key)
    if key == "priority":
        return {
            "mode": str(value.mode),
            "interleave_n": value.interleave_n,
            "starvation_minutes": value.starvation_minutes,
            "categories": [dataclasses.asdict(c) for c in value.categories],
        }
    if key == "voice":
        return {**dataclasses.asdict(value), "wording": str(value.wording)}
    return value


def from_rows(rows: dict[str, Any]) -> OfficeSettings:
    """Build settings from stored rows; missing keys keep their defaults."""
    defaults = OfficeSettings()
    values: dict[str, Any] = {}
    for key in SETTING_KEYS:
        if key in rows:
            values[key] = parse_value(key, rows[key])
        else:
            values[key] = getattr(defaults, key)
    return OfficeSettings(**values)


def parse_value(key: str, raw: Any) -> Any:
    """Validate one setting given as JSON-like data. Raises InvalidInputError naming the key."""
    if key not in SETTING_KEYS:
        raise InvalidInputError(
            f"Không có thiết lập '{key}' (có: {', '.join(SETTING_KEYS)})",
            f"unknown setting '{key}' (known: {', '.join(SETTING_KEYS)})",
        )
    try:
        if key == "priority":
            return _parse_priority(raw)
        if key == "voice":
            return _parse_voice(raw)
        if key == "idle_lock_minutes":
            return _int(raw, key, 0, 240)
        if not isinstance(raw, str):
            raise TypeError("a text value is expected")
        if key == "time_zone":
            load_zone(raw)
        if key == "office_name" and not raw.strip():
            raise ValueError("must not be empty")
        if key == "logo_png" and raw:
            _check_logo(raw)
        return raw
    except (TypeError, ValueError, KeyError) as exc:
        raise InvalidInputError(
            f"Thiết lập '{key}' không hợp lệ: {exc}", f"invalid setting '{key}': {exc}"
        ) from exc


def _parse_priority(raw: Any) -> PriorityPolicy:
    if not isinstance(raw, dict):
        raise TypeError("an object is expected")
    unknown = set(raw) - {"mode", "interleave_n", "starvation_minutes", "categories"}
    if unknown:
        raise KeyError(f"unknown field(s) {sorted(unknown)}")
    mode = PriorityMode(raw.get("mode", PriorityMode.INTERLEAVE))
    interleave_n = _int(raw.get("interleave_n", 2), "interleave_n", 1)
    starvation = _int(raw.get("starvation_minutes", 30), "starvation_minutes", 0)
    categories = DEFAULT_PRIORITY_CATEGORIES
    if "categories" in raw:
        items = raw["categories"]
        if not isinstance(items, list):
            raise TypeError("categories must be a list")
        categories = tuple(
            PriorityCategory(str(c["code"]), str(c["name_vi"]), str(c["name_en"])) for c in items
        )
        codes = [c.code for c in categories]
        if len(set(codes)) != len(codes) or not all(codes):
            raise ValueError("category codes must be unique and not empty")
    return PriorityPolicy(mode, interleave_n, starvation, categories)


def _parse_voice(raw: Any) -> VoiceOptions:
    if not isinstance(raw, dict):
        raise TypeError("an object is expected")
    known = {f.name for f in dataclasses.fields(VoiceOptions)}
    unknown = set(raw) - known
    if unknown:
        raise KeyError(f"unknown field(s) {sorted(unknown)}")
    defaults = VoiceOptions()
    voice = str(raw.get("voice", defaults.voice))
    if voice not in VOICES:
        raise ValueError(f"voice must be one of {', '.join(VOICES)}")
    digit_by_digit = raw.get("digit_by_digit", defaults.digit_by_digit)
    if not isinstance(digit_by_digit, bool):
        raise TypeError("digit_by_digit must be true or false")
    return VoiceOptions(
        voice=voice,
        wording=Wording(raw.get("wording", defaults.wording)),
        digit_by_digit=digit_by_digit,
        rate=_int(raw.get("rate", defaults.rate), "rate", 60, 400),
        repeat=_int(raw.get("repeat", defaults.repeat), "repeat", 1, 5),
    )


def _int(value: Any, name: str, low: int, high: int = 10_000) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}")
    return value


def _check_logo(encoded: str) -> None:
    try:
        data = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise ValueError("must be a base64 PNG (set it with @FILE)") from exc
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("must be a PNG image (set it with @FILE)")
    if len(data) > LOGO_MAX_BYTES:
        raise ValueError(f"at most {LOGO_MAX_BYTES // 1000} kB")


def logo_from_file(path: Path) -> str:
    """The logo setting made from an image file: scaled to LOGO_SIDE, PNG, base64.

    Raises:
        InvalidInputError: the file is missing or is not an image.
    """
    try:
        with Image.open(path) as image:
            image.load()
            logo = image.convert("RGBA")
    except (OSError, Image.DecompressionBombError) as exc:
        raise InvalidInputError(
            f"Không đọc được ảnh logo {path}: {exc}", f"cannot read the logo image {path}: {exc}"
        ) from exc
    logo.thumbnail((LOGO_SIDE, LOGO_SIDE))
    buffer = io.BytesIO()
    logo.save(buffer, format="PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
