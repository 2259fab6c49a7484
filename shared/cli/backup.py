"""`motcua backup` and `motcua restore`: the SQLite file, online, while the apps run."""

from __future__ import annotations

from pathlib import Path

from shared.cli.base import AppContext, Commands, emit
from shared.errors import InvalidInputError
from shared.storage.backup import backup, daily_backup, restore
from shared.storage.database import sqlite_path


def register(commands: Commands) -> None:
    p = commands.add("backup", cmd_backup, "back up the SQLite database while the apps run")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, metavar="FILE")
    target.add_argument("--daily", type=Path, metavar="DIR", help="today's backup in DIR")
    p.add_argument("--keep", type=int, default=30, metavar="DAYS", help="with --daily")
    p = commands.add(
        "restore", cmd_restore, "put a backup back (the current data is kept beside it)"
    )
    p.add_argument("file", type=Path)


def _sqlite_file(ctx: AppContext) -> Path:
    path = sqlite_path(ctx.db.url)
    if path is None:
        raise InvalidInputError(
            "Sao lưu PostgreSQL bằng pg_dump của máy chủ",
            "back up a PostgreSQL database with the server's pg_dump",
        )
    return path


def cmd_backup(ctx: AppContext) -> int:
    a = ctx.args
    database = _sqlite_file(ctx)
    if a.daily is not None:
        today = ctx.queries.status().business_day
        written = daily_backup(database, a.daily, today, a.keep)
        text = f"Đã sao lưu / backed up: {written}" if written else "Hôm nay đã có bản sao lưu"
        if not written:
            text += f" / today's backup exists in {a.daily}"
        emit(a, text, {"written": str(written) if written else None, "folder": str(a.daily)})
        return 0
    info = backup(database, a.out)
    emit(
        a,
        f"Đã sao lưu / backed up: {info.path} ({info.tickets} số / tickets, {info.bytes} bytes)",
        info,
    )
    return 0


def cmd_restore(ctx: AppContext) -> int:
    a = ctx.args
    database = _sqlite_file(ctx)
    info = restore(database, a.file)
    ctx.engine.record_restored(str(a.file), info.tickets)
    emit(
        a,
        f"Đã khôi phục / restored {info.path} ({info.tickets} số / tickets) vào / into {database}",
        info,
    )
    return 0
