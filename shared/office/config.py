"""This PC's own configuration: a TOML file in the user's config folder.

What every PC of the office shares lives in the database (shared.rules.settings); what belongs to
one PC lives here: the database URL, the printer, this PC's counter number, screen and sound
options.
An invalid file is refused with an error naming the file, the line and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.errors import ConfigError
from shared.paths import default_config_path

PRINTER_KINDS = ("none", "network", "usb", "serial", "file", "image")
PAPER_WIDTHS = (384, 512, 576)


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    kind: str = "none"
    host: str = "127.0.0.1"
    port: int = 9100
    timeout_s: float = 3.0
    vendor_id: int = 0
    product_id: int = 0
    device: str = ""
    baudrate: int = 9600
    folder: str = ""
    paper_width: int = 384
    native_qr: bool = True  # false: the QR code goes inside the raster image


@dataclass(frozen=True, slots=True)
class ScreenConfig:
    fullscreen: bool = True
    screen_index: int = 0
    language: str = "vi"


@dataclass(frozen=True, slots=True)
class SoundConfig:
    enabled: bool = True
    volume: float = 0.9


@dataclass(frozen=True, slots=True)
class BackupConfig:
    """Daily backups made by this PC's hall display (none when folder is empty)."""

    folder: str = ""
    keep_days: int = 30


@dataclass(frozen=True, slots=True)
class LocalConfig:
    """One PC's settings. Every field has a default: an empty or missing file is valid."""

    path: Path | None = None
    database_url: str | None = None
    counter_number: int | None = None
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    screen: ScreenConfig = field(default_factory=ScreenConfig)
    sound: SoundConfig = field(default_factory=SoundConfig)
    backup: BackupConfig = field(default_factory=BackupConfig)


# section -> key -> (type, check) ; the check returns an error text or None
_Check = Any
_SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], _Check]]] = {
    "database": {"url": (str, lambda v: None if v.strip() else "must not be empty")},
    "counter": {"number": (int, lambda v: None if v >= 1 else "must be 1 or more")},
    "printer": {
        "kind": (
            str,
            lambda v: None if v in PRINTER_KINDS else f"must be one of {', '.join(PRINTER_KINDS)}",
        ),
        "host": (str, None),
        "port": (int, lambda v: None if 1 <= v <= 65535 else "must be 1-65535"),
        "timeout_s": ((int, float), lambda v: None if 0 < v <= 60 else "must be in (0, 60]"),
        "vendor_id": (int, None),
        "product_id": (int, None),
        "device": (str, None),
        "baudrate": (int, None),
        "folder": (str, None),
        "paper_width": (int, lambda v: None if v in PAPER_WIDTHS else "must be 384, 512 or 576"),
        "native_qr": (bool, None),
    },
    "screen": {
        "fullscreen": (bool, None),
        "screen_index": (int, lambda v: None if v >= 0 else "must be 0 or more"),
        "language": (str, lambda v: None if v in ("vi", "en") else "must be 'vi' or 'en'"),
    },
    "sound": {
        "enabled": (bool, None),
        "volume": ((int, float), lambda v: None if 0 <= v <= 1 else "must be between 0 and 1"),
    },
    "backup": {
        "folder": (str, None),
        "keep_days": (int, lambda v: None if v >= 1 else "must be 1 or more"),
    },
}


def load_local_config(path: Path | None = None) -> LocalConfig:
    """Read the PC's config file (default location if PATH is None; a missing file is fine)."""
    explicit = path is not None
    path = path or default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(
                f"{path}: không tìm thấy tệp cấu hình", f"{path}: config file not found"
            )
        return LocalConfig()
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise ConfigError(
            f"{path}:{line}: lỗi cú pháp TOML: {exc}", f"{path}:{line}: TOML syntax error: {exc}"
        ) from exc
    for section, values in data.items():
        if not isinstance(values, dict):
            line = _find_line(text, None, section)
            raise ConfigError(
                f"{path}:{line}: khóa '{section}' nằm ngoài mục nào (thiếu [tên mục] phía trên?)",
                f"{path}:{line}: key '{section}' is outside any [section] (a missing header?)",
            )
        if section not in _SCHEMA:
            line = _find_line(text, section, None)
            raise ConfigError(
                f"{path}:{line}: mục không hợp lệ [{section}] (có: {', '.join(_SCHEMA)})",
                f"{path}:{line}: unknown section [{section}] (known: {', '.join(_SCHEMA)})",
            )
        for key, value in values.items():
            _check(path, text, section, key, value)
    return _build(path, data)


def _check(path: Path, text: str, section: str, key: str, value: Any) -> None:
    schema = _SCHEMA[section]
    line = _find_line(text, section, key)
    where = f"{path}:{line}: {section}.{key}"
    if key not in schema:
        raise ConfigError(
            f"{where}: khóa không hợp lệ (có: {', '.join(schema)})",
            f"{where}: unknown key (known: {', '.join(schema)})",
        )
    kind, check = schema[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise ConfigError(
            f"{where}: kiểu giá trị sai, cần {names}", f"{where}: wrong type, expected {names}"
        )
    problem = check(value) if check else None
    if problem:
        raise ConfigError(
            f"{where}: giá trị không hợp lệ: {problem}", f"{where}: invalid value: {problem}"
        )


def _build(path: Path, data: dict[str, Any]) -> LocalConfig:
    # Values were checked against _SCHEMA above; ints given for float fields become floats.
    floats = {"timeout_s", "volume"}

    def section(name: str) -> dict[str, Any]:
        return {k: float(v) if k in floats else v for k, v in data.get(name, {}).items()}

    return LocalConfig(
        path=path,
        database_url=data.get("database", {}).get("url"),
        counter_number=data.get("counter", {}).get("number"),
        printer=PrinterConfig(**section("printer")),
        screen=ScreenConfig(**section("screen")),
        sound=SoundConfig(**section("sound")),
        backup=BackupConfig(**section("backup")),
    )


def _line_from_message(message: str) -> int | str:
    match = re.search(r"line (\d+)", message)
    return int(match[1]) if match else "?"


def _find_line(text: str, section: str | None, key: str | None) -> int | str:
    """The line that sets KEY of [SECTION] (or opens SECTION when KEY is None).

    Understands headers, dotted keys (printer.port = 1) and one-line inline tables
    (printer = { port = 1 }); "?" when the line cannot be found.
    """
    target = ".".join(part for part in (section, key) if part)
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]\s*(#.*)?", line)
        if header:
            current = header[1].replace('"', "").replace("'", "").replace(" ", "")
            if key is None and current == section:
                return number
            continue
        match = re.match(r"""([A-Za-z0-9_\-."' ]+?)\s*=""", line)
        if not match:
            continue
        name = match[1].replace('"', "").replace("'", "").replace(" ", "")
        full = f"{current}.{name}" if current else name
        if full == target:
            return number
        if key is None and section is not None and full.startswith(section + "."):
            return number  # a section written only with dotted keys
        if key is not None and full == section and re.search(rf"\b{re.escape(key)}\s*=", line):
            return number  # an inline table
    return "?"
