"""`motcua doctor [ROLE]`: checks this PC for its role and prints a bilingual checklist, each
failure with its fix. Exits 1 when something the role needs is missing; --json gives one object.

What each role needs (every role: the database reachable and writable with a current schema, the
bundled fonts, the office's time zone, this PC's clock against the database's, free disk):
- kiosk: its printer reachable, with a paper width the ticket is drawn for;
- display: a Vietnamese voice, an audio output, and (on SQLite, the display makes the daily
  backup) a recent backup in the configured folder;
- counter and supervisor: nothing more.
A check that does not apply to the role is still run and reported, but only as a warning.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from PIL import ImageFont

from shared.cli.base import Commands, emit
from shared.clock import SystemClock
from shared.errors import MotcuaError
from shared.office.config import PAPER_WIDTHS, LocalConfig, load_local_config
from shared.paths import asset_path, user_data_dir
from shared.printing.escpos_out import describe
from shared.rules.numbering import load_zone
from shared.rules.settings import OfficeSettings
from shared.storage.database import Database, open_database, resolve_url, safe_url, sqlite_path
from shared.storage.schema import require_current
from shared.storage.tables import E, load_settings
from shared.voice.render import render_wav

ROLES = ("kiosk", "display", "counter", "supervisor")
FONTS = ("fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf")
MAX_CLOCK_SKEW_S = 120
MIN_FREE_BYTES = 500 * 1024 * 1024
MAX_BACKUP_AGE = dt.timedelta(hours=36)
PRINTER_TIMEOUT_S = 3.0


class Status(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"
    WARNING = "warning"


_MARK = {Status.OK: "[ OK ]", Status.FAILED: "[LỖI / FAIL]", Status.WARNING: "[CHÚ Ý / WARN]"}


@dataclasses.dataclass(frozen=True, slots=True)
class Check:
    """One line of the checklist. fix_vi/fix_en: what to do (empty when all is well)."""

    name: str
    status: Status
    vi: str
    en: str
    fix_vi: str = ""
    fix_en: str = ""


def _ok(name: str, vi: str, en: str) -> Check:
    return Check(name, Status.OK, vi, en)


def _bad(name: str, vi: str, en: str, fix_vi: str, fix_en: str) -> Check:
    return Check(name, Status.FAILED, vi, en, fix_vi, fix_en)


@dataclasses.dataclass
class _Context:
    role: str
    local: LocalConfig
    url: str
    db: Database | None = None
    settings: OfficeSettings | None = None


# ---------------------------------------------------------------------- the checks


def _database(ctx: _Context) -> Check:
    shown = safe_url(ctx.url)
    db: Database | None = None
    try:
        db = open_database(ctx.url)
        require_current(db)
        with db.write_tx() as conn:  # takes the write lock as every use case does
            conn.execute(sa.text("SELECT 1"))
        with db.read_tx() as conn:
            ctx.settings = load_settings(conn)
    except MotcuaError as exc:
        if db is not None:
            db.dispose()
        return _bad(
            "database",
            f"Không dùng được cơ sở dữ liệu {shown}: {exc.vi}",
            f"cannot use the database {shown}: {exc.en}",
            "Kiểm tra --db / MOTCUA_DB / database_url; chạy 'motcua init' nếu chưa có",
            "check --db, MOTCUA_DB or database_url; run 'motcua init' for a new one",
        )
    ctx.db = db
    return _ok("database", f"Cơ sở dữ liệu ghi được: {shown}", f"database writable: {shown}")


def _fonts(_ctx: _Context) -> Check:
    for name in FONTS:
        path = asset_path(name)
        try:
            ImageFont.truetype(str(path), 24)
        except OSError:
            return _bad(
                "fonts",
                f"Thiếu phông chữ {path}",
                f"the bundled font {path} is missing or broken",
                "Cài lại motcua (pip install --force-reinstall motcua)",
                "reinstall motcua (pip install --force-reinstall motcua)",
            )
    return _ok("fonts", "Phông chữ DejaVu có sẵn", "bundled DejaVu fonts present")


def _time_zone(ctx: _Context) -> Check:
    zone_name = ctx.settings.time_zone if ctx.settings else OfficeSettings().time_zone
    try:
        zone = load_zone(zone_name)
    except MotcuaError as exc:
        return _bad(
            "time_zone",
            exc.vi,
            exc.en,
            "Cài gói tzdata (pip install tzdata) hoặc sửa time_zone",
            "install tzdata (pip install tzdata) or correct the time_zone setting",
        )
    local = dt.datetime.now(dt.UTC).astimezone(zone).strftime("%H:%M %d/%m/%Y")
    return _ok("time_zone", f"Múi giờ {zone_name}: {local}", f"time zone {zone_name}: {local}")


def _clock(ctx: _Context) -> Check:
    if ctx.db is None:
        return Check(
            "clock", Status.WARNING, "Chưa so được đồng hồ", "clock not compared (no database)"
        )
    now = SystemClock().now()
    with ctx.db.read_tx() as conn:
        if ctx.db.is_sqlite:
            # SQLite has no server clock: the latest write of any PC stands in for it.
            reference = conn.execute(sa.select(E.c.at).order_by(E.c.id.desc()).limit(1)).scalar()
            if reference is None:
                return _ok("clock", "Chưa có thao tác nào để so", "no write yet to compare with")
            if reference.tzinfo is None:
                reference = reference.replace(tzinfo=dt.UTC)
            behind = (reference - now).total_seconds()
            skew_ok = behind <= MAX_CLOCK_SKEW_S
            skew = -behind
        else:
            server = conn.execute(sa.text("SELECT now()")).scalar_one()
            skew = (now - server).total_seconds()
            skew_ok = abs(skew) <= MAX_CLOCK_SKEW_S
    if not skew_ok:
        return _bad(
            "clock",
            f"Đồng hồ máy này lệch {skew:+.0f} giây so với cơ sở dữ liệu",
            f"this PC's clock is {skew:+.0f} s off the database's",
            "Bật đồng bộ giờ tự động (Windows: Cài đặt > Giờ; Linux: timedatectl set-ntp true)",
            "turn on automatic time (Windows: Settings > Time; Linux: timedatectl set-ntp true)",
        )
    return _ok("clock", f"Đồng hồ khớp ({skew:+.0f} giây)", f"clock agrees ({skew:+.0f} s)")


def _disk(ctx: _Context) -> Check:
    path = sqlite_path(ctx.url) or user_data_dir() / "x"
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE_BYTES:
        return _bad(
            "disk",
            f"Ổ đĩa {folder} chỉ còn {free // 2**20} MB",
            f"only {free // 2**20} MB free on {folder}",
            "Giải phóng ổ đĩa (xóa bản sao lưu cũ, tệp tạm)",
            "free some space (old backups, temporary files)",
        )
    return _ok("disk", f"Còn trống {free // 2**30} GB", f"{free // 2**30} GB free on {folder}")


def _printer(ctx: _Context) -> Check:
    config = ctx.local.printer
    name = describe(config)
    fix = (
        "Kiểm tra dây, nguồn và [printer] trong tệp cấu hình; thử 'motcua print-test'",
        "check the cable, power and [printer] in the config file; try 'motcua print-test'",
    )
    if config.paper_width not in PAPER_WIDTHS:
        widths = ", ".join(map(str, PAPER_WIDTHS))
        return _bad(
            "printer",
            f"Khổ giấy {config.paper_width} không hỗ trợ",
            f"paper width {config.paper_width} is not one of {widths}",
            *fix,
        )
    if config.kind == "none":
        return _bad("printer", "Chưa cấu hình máy in", "no printer is configured", *fix)
    if config.kind == "network":
        try:
            with socket.create_connection((config.host, config.port), PRINTER_TIMEOUT_S):
                pass
        except OSError as exc:
            return _bad(
                "printer",
                f"Không kết nối được máy in {name}: {exc.strerror or exc}",
                f"cannot reach the printer {name}: {exc.strerror or exc}",
                *fix,
            )
    elif config.kind in ("serial", "file") and not Path(config.device).exists():
        return _bad("printer", f"Không thấy {config.device}", f"no device {config.device}", *fix)
    elif config.kind == "image" and not Path(config.folder or ".").parent.exists():
        return _bad("printer", f"Không có thư mục {config.folder}", "no such folder", *fix)
    width = f"{config.paper_width} chấm / dots"
    return _ok("printer", f"Máy in {name} sẵn sàng, {width}", f"printer {name} reachable, {width}")


def _voice(ctx: _Context) -> Check:
    voice = (ctx.settings or OfficeSettings()).voice
    with tempfile.TemporaryDirectory(prefix="motcua-doctor-") as tmp:
        try:
            render_wav("Mời số một nghìn", voice.voice, voice.rate, Path(tmp) / "voice.wav")
        except MotcuaError as exc:
            return _bad(
                "voice",
                f"Không đọc được tiếng Việt: {exc.vi}",
                f"no Vietnamese voice: {exc.en}",
                "Linux: cài espeak-ng; Windows: cài giọng SAPI5 tiếng Việt (README, "
                "'Installing on office PCs')",
                "Linux: install espeak-ng; Windows: install a Vietnamese SAPI5 voice (README, "
                "'Installing on office PCs')",
            )
    return _ok("voice", f"Giọng đọc {voice.voice} hoạt động", f"voice {voice.voice} speaks")


def _audio(_ctx: _Context) -> Check:
    found = _audio_output()
    if found is None:
        return Check("audio", Status.WARNING, "Không kiểm tra được loa", "audio not checked here")
    if not found:
        return _bad(
            "audio",
            "Không thấy thiết bị phát âm thanh",
            "no audio output found",
            "Cắm loa, bật âm thanh (Linux: PulseAudio/PipeWire đang chạy)",
            "plug in the speakers and turn the sound on (Linux: PulseAudio or PipeWire running)",
        )
    return _ok("audio", "Có thiết bị phát âm thanh", "an audio output is present")


def _audio_output() -> bool | None:
    if sys.platform == "win32":  # pragma: no cover - the offices' Windows PCs
        import ctypes  # noqa: PLC0415

        return bool(ctypes.windll.winmm.waveOutGetNumDevs())  # type: ignore[attr-defined]
    if os.environ.get("PULSE_SERVER"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and any((Path(runtime) / p).exists() for p in ("pulse/native", "pipewire-0")):
        return True
    cards = Path("/proc/asound/cards")
    if cards.exists():
        return "no soundcards" not in cards.read_text(errors="replace")
    return None


def _backup(ctx: _Context) -> Check:
    folder = ctx.local.backup.folder
    if sqlite_path(ctx.url) is None:
        return _ok("backup", "PostgreSQL: sao lưu bằng pg_dump", "PostgreSQL: pg_dump's backups")
    fix = (
        "Đặt [backup] folder trong tệp cấu hình của màn hình sảnh, hoặc chạy 'motcua backup'",
        "set [backup] folder in the hall display's config file, or run 'motcua backup'",
    )
    if not folder:
        return _bad("backup", "Chưa cấu hình thư mục sao lưu", "no backup folder set", *fix)
    files = sorted(Path(folder).glob("motcua-*.db"), key=lambda p: p.stat().st_mtime)
    if not files:
        return _bad("backup", f"Chưa có bản sao lưu trong {folder}", f"no backup in {folder}", *fix)
    age = dt.datetime.now(dt.UTC) - dt.datetime.fromtimestamp(files[-1].stat().st_mtime, dt.UTC)
    hours = age.total_seconds() / 3600
    if age > MAX_BACKUP_AGE:
        return _bad(
            "backup",
            f"Bản sao lưu mới nhất đã {hours:.0f} giờ",
            f"the latest backup is {hours:.0f} h old",
            *fix,
        )
    return _ok("backup", f"Sao lưu {hours:.0f} giờ trước", f"last backup {hours:.0f} h ago")


_CHECKS: tuple[tuple[Callable[[_Context], Check], frozenset[str]], ...] = (
    (_database, frozenset(ROLES)),
    (_fonts, frozenset(ROLES)),
    (_time_zone, frozenset(ROLES)),
    (_clock, frozenset(ROLES)),
    (_disk, frozenset(ROLES)),
    (_printer, frozenset({"kiosk"})),
    (_voice, frozenset({"display"})),
    (_audio, frozenset({"display"})),
    (_backup, frozenset({"display"})),
)


def run_checks(role: str, local: LocalConfig, url: str) -> list[Check]:
    """Every check, in order; a failure of a check the ROLE does not need becomes a warning."""
    ctx = _Context(role, local, url)
    results = []
    try:
        for check, roles in _CHECKS:
            result = check(ctx)
            if result.status is Status.FAILED and role not in roles:
                result = dataclasses.replace(result, status=Status.WARNING)
            results.append(result)
    finally:
        if ctx.db is not None:
            ctx.db.dispose()
    return results


# ---------------------------------------------------------------------- the command


def register(commands: Commands) -> None:
    text = "check this PC for its role: database, printer, voice, clock, disk, backups"
    p = commands.sub.add_parser("doctor", help=text, description=text, parents=[commands.common])
    p.add_argument("role", choices=ROLES, help="what this PC is for")
    p.set_defaults(without_database=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    local = load_local_config(args.config)
    url = resolve_url(args.db, local.database_url)
    checks = run_checks(args.role, local, url)
    failed = [c for c in checks if c.status is Status.FAILED]
    lines = [f"motcua doctor: {args.role}"]
    for c in checks:
        lines.append(f"{_MARK[c.status]:<15} {c.vi} / {c.en}")
        if c.fix_vi and c.status is not Status.OK:
            lines.append(f"{'':<15}   -> {c.fix_vi} / {c.fix_en}")
    lines.append(
        "Máy này sẵn sàng / this PC is ready"
        if not failed
        else f"{len(failed)} mục cần sửa / {len(failed)} to fix"
    )
    emit(args, "\n".join(lines), {"role": args.role, "ok": not failed, "checks": checks})
    return 1 if failed else 0
