"""A demo ward police office (Công an phường): its seed data for `motcua init --demo` and `motcua
demo`, and the new office databases that the simulation, the benchmarks and the screenshots use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shared.clock import Clock
from shared.office.admin import OfficeAdmin
from shared.office.config import PrinterConfig
from shared.queue.engine import QueueEngine
from shared.rules.domain import Role
from shared.rules.numbering import NumberingFormat
from shared.storage.database import Database, open_database, sqlite_url
from shared.storage.schema import upgrade


@dataclass(frozen=True, slots=True)
class DemoService:
    code: str
    name_vi: str
    name_en: str
    block: str


DEMO_SERVICES = (
    DemoService("CT", "Cư trú", "Residence registration", "1001-1999"),
    DemoService("CC", "Căn cước", "ID card", "2001-2999"),
    DemoService("DD", "Định danh điện tử VNeID", "VNeID electronic identification", "3001-3999"),
    DemoService("DX", "Đăng ký xe", "Vehicle registration", "4001-4999"),
    DemoService("XP", "Xử phạt vi phạm hành chính", "Administrative fines", "5001-5999"),
    DemoService("TKQ", "Trả kết quả", "Collect results", "6001-6999"),
    DemoService("HD", "Hướng dẫn / Khác", "Guidance / other", "7001-7999"),
)
# One service with room for 8,999 tickets a day: the benchmarks' office.
RESIDENCE_ONLY = (DemoService("CT", "Cư trú", "Residence registration", "1001-9999"),)

# Demo accounts, documented in README. Never use these PINs in a real office.
DEMO_OFFICERS = (
    ("cb01", "Nguyễn Văn An", Role.OFFICER, "1111"),
    ("cb02", "Trần Thị Bình", Role.OFFICER, "2222"),
    ("cb03", "Lê Hoàng Cường", Role.OFFICER, "3333"),
    ("cb04", "Phạm Thị Dung", Role.OFFICER, "4444"),
    ("ld01", "Võ Minh Đức", Role.SUPERVISOR, "9999"),
    ("qt01", "Đặng Thu Hà", Role.ADMIN, "8888"),
)
DEMO_COUNTERS = 4
DEMO_OFFICE_NAME = "Công an phường Bến Thành"
DEMO_DATABASE = "motcua-demo.db"  # the demo's file in its folder


def seed_demo(admin: OfficeAdmin, engine: QueueEngine) -> None:
    """Add the demo services, counters and officers, and open the counters for the day."""
    admin.update_settings(
        {
            "office_name": DEMO_OFFICE_NAME,
            "notice_text": (
                "Công dân vui lòng lấy số thứ tự và chờ được gọi. Ưu tiên người cao tuổi, người "
                "khuyết tật, phụ nữ mang thai. / Please take a ticket and wait for your number."
            ),
        }
    )
    for service in DEMO_SERVICES:
        admin.add_service(
            service.code, service.name_vi, service.name_en, NumberingFormat.parse(service.block)
        )
    for code, name, role, pin in DEMO_OFFICERS:
        admin.add_officer(code, name, role, pin)
    for number in range(1, DEMO_COUNTERS + 1):
        admin.add_counter(number)
        engine.open_counter(number, officer_code=f"cb{number:02d}")


def open_demo_office(path: Path, clock: Clock, *, fresh: bool = False) -> Database:
    """The demo office's SQLite database at PATH, upgraded, and seeded when the file is new.

    FRESH deletes an earlier file first, with its WAL, shared-memory and lock files.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if fresh:
        for suffix in ("", "-wal", "-shm", ".lock"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    exists = path.exists()
    db = open_database(sqlite_url(path), create=True)
    upgrade(db)
    if not exists:
        seed_demo(OfficeAdmin(db, clock), QueueEngine(db, clock))
    return db


def demo_printer(folder: Path) -> PrinterConfig:
    """The demo's printer: each ticket written as a PNG image in FOLDER/tickets."""
    return PrinterConfig(kind="image", folder=str(folder / "tickets"), paper_width=576)


def new_office(
    url: str,
    clock: Clock,
    *,
    services: Sequence[DemoService] = DEMO_SERVICES,
    counters: int = 0,
) -> tuple[Database, OfficeAdmin, QueueEngine]:
    """A new database at URL with SERVICES and COUNTERS open generalist counters (no officers),
    for a simulation or a benchmark. The caller disposes of the database."""
    db = open_database(url, create=True)
    upgrade(db)
    admin, engine = OfficeAdmin(db, clock), QueueEngine(db, clock)
    for service in services:
        admin.add_service(
            service.code, service.name_vi, service.name_en, NumberingFormat.parse(service.block)
        )
    for number in range(1, counters + 1):
        admin.add_counter(number)
        engine.open_counter(number)
    return db, admin, engine
