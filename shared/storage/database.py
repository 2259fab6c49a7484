"""Opening the database: SQLite in WAL mode with an immediate write lock, or PostgreSQL.

Two engines per database. The write engine starts every transaction by taking the write lock
(SQLite: BEGIN IMMEDIATE), so two counters can never read the same "next" ticket. The read engine
never takes the write lock, so displays and reports never slow down the counters.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from shared.errors import DatabaseError, InvalidInputError
from shared.paths import default_database_path
from shared.storage.oslock import FileLock, LockTimeout

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
# Each process copies the WAL back into the database after this many of its write transactions
# (300-400 WAL pages), once it has released the write lock (see Database._checkpoint_if_due).
# Measured with 8 counters: every 30 gave a 99th percentile of 13-14 ms, every 100 15-21 ms,
# every 250 16-18 ms (a checkpoint costs 3-8 ms whatever its size: the two fsyncs dominate).
CHECKPOINT_EVERY = 30
# SQLite's own automatic checkpoint, which runs inside COMMIT with the write lock held, stays as
# a safety net only (a WAL of 4,000 pages, 16 MB).
AUTOCHECKPOINT_PAGES = 4000
ENV_DB = "MOTCUA_DB"


def resolve_url(cli_value: str | None, config_value: str | None = None) -> str:
    """The database URL: --db, then $MOTCUA_DB, then the PC's config, then the user data folder.

    A plain file path is accepted and turned into a SQLite URL.
    """
    raw = cli_value or os.environ.get(ENV_DB) or config_value
    if not raw:
        path = default_database_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite_url(path)
    if "://" not in raw:
        return sqlite_url(Path(raw))
    return raw


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.expanduser().resolve()}"


def _sqlite_path(url: sa.engine.URL) -> Path | None:
    if not url.drivername.startswith("sqlite"):
        return None
    if url.database in (None, "", ":memory:"):
        raise InvalidInputError(
            "Cần một tệp cơ sở dữ liệu, không dùng bộ nhớ tạm",
            "an in-memory SQLite database cannot be shared between processes",
        )
    return Path(url.database)


NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "fuse.sshfs", "ceph",
     "glusterfs", "fuse.glusterfs", "davfs", "fuse.davfs2", "lustre", "gpfs"}
)  # fmt: skip


def network_filesystem(path: Path, *, mounts: str | None = None) -> str | None:
    """The kind of network share PATH is on ("smb", "nfs"...), or None for a local disk.

    Windows: a UNC path (\\\\server\\share) or a mapped network drive. Linux: the file system
    type of the longest mount point above PATH in /proc/mounts (MOUNTS replaces that file's text).
    """
    text = str(path)
    if sys.platform == "win32":
        if text.startswith(("\\\\", "//")):
            return "unc"
        drive = os.path.splitdrive(os.path.abspath(text))[0]
        if drive:
            import ctypes  # noqa: PLC0415 - Windows only

            if ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4:  # DRIVE_REMOTE
                return "network drive"
        return None
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None  # not Linux: no cheap way to tell; the deployment guide says it
    target = os.path.abspath(text)
    best, kind = "", None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind if kind in NETWORK_FILESYSTEMS else None


def _configure_sqlite(dbapi_connection: sqlite3.Connection, busy_timeout_ms: int) -> None:
    # Autocommit at the driver level: SQLAlchemy's "begin" event below emits our own BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    cursor.execute("PRAGMA foreign_keys = ON")
    # FULL: a ticket that was printed survives a power cut (NORMAL would keep the file
    # consistent but could lose the last minutes of tickets).
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _on_read_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    _configure_sqlite(dbapi_connection, BUSY_TIMEOUT_MS)


def _on_write_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # No busy handler on write connections: SQLite's own sleeps 1, 2, 5, 10 ... 100 ms between
    # tries, which made the 99th percentile of "call next" 60 ms with 8 counters. _begin_immediate
    # retries every few hundred microseconds instead.
    _configure_sqlite(dbapi_connection, 0)
    dbapi_connection.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")


def _begin_immediate(conn: Connection) -> None:
    """Take the write lock at SQLAlchemy's begin (unless Database.write_tx already took it)."""
    raw = _raw(conn)
    if not raw.in_transaction:
        _take_write_lock(raw)


def _take_write_lock(raw: sqlite3.Connection, deadline: float | None = None) -> None:
    """BEGIN IMMEDIATE, retrying quickly while another process holds the lock, until DEADLINE
    (time.monotonic(); default: BUSY_TIMEOUT_MS from now)."""
    if deadline is None:
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.0001
    while True:
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise _busy() from exc
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 1.5, 0.002)


def _begin_deferred(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


@dataclass
class Database:
    """The write and read engines of one database.

    Attributes:
        url: the SQLAlchemy URL.
        write: engine whose transactions take the write lock at BEGIN.
        read: engine for read-only work; never takes the write lock.
    """

    url: str
    write: Engine
    read: Engine
    write_lock: FileLock | None = None
    # Each thread keeps its write connections (one durable, one not) between transactions:
    # checking one out of the pool for every transaction costs more than the transaction.
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _writes: int = field(default=0, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.write.dialect.name == "sqlite"

    @contextmanager
    def write_tx(self, *, durable: bool = True) -> Iterator[Connection]:
        """One write transaction, holding the write lock from its first statement.

        Args:
            durable: wait for the disk at commit (SQLite synchronous=FULL), so the change
                survives a power cut. With False (synchronous=NORMAL) it survives a crash of any
                program but may roll back if the power fails before the next durable commit or
                checkpoint; the database stays consistent either way.
        """
        if not self.is_sqlite:
            with self._server_tx(durable) as conn:
                yield conn
            return
        # One deadline for the whole wait: for this process's turn at the fair lock, then for
        # SQLite's own lock. A writer stopped inside its transaction (SIGSTOP, a hung PC) holds
        # both: every writer behind it gets the busy error after BUSY_TIMEOUT_MS, not later.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        if self.write_lock is not None:
            try:
                self.write_lock.acquire(deadline)
            except LockTimeout:
                raise _busy() from None
        try:
            conn = self._write_connection(durable)
            with self._sqlite_tx(conn, durable, deadline):
                yield conn
        finally:
            if self.write_lock is not None:
                self.write_lock.release()
        self._checkpoint_if_due(conn)

    @contextmanager
    def _server_tx(self, durable: bool) -> Iterator[Connection]:
        conn = self._write_connection(durable)
        try:
            with conn.begin():
                yield conn
        except sa.exc.OperationalError as exc:
            self._drop_write_connection(durable)
            raise _busy_or_broken(str(exc.orig)) from exc

    @contextmanager
    def _sqlite_tx(self, conn: Connection, durable: bool, deadline: float) -> Iterator[None]:
        """BEGIN IMMEDIATE and COMMIT straight on the kept DB-API connection.

        SQLAlchemy's begin and commit (events, transaction objects) cost more than the rest of a
        "call next" while the lock is held. A statement run through SQLAlchemy inside still works:
        its autobegin finds the transaction open (see _begin_immediate) and its commit is ours.
        """
        raw = _raw(conn)
        try:
            _take_write_lock(raw, deadline)
            try:
                yield
            except BaseException:
                if conn.in_transaction():
                    conn.rollback()
                else:
                    raw.rollback()
                raise
            if conn.in_transaction():
                conn.commit()
            else:
                raw.commit()
        except sa.exc.OperationalError as exc:
            self._drop_write_connection(durable)
            raise _busy_or_broken(str(exc.orig)) from exc
        except sqlite3.OperationalError as exc:
            self._drop_write_connection(durable)
            raise _busy_or_broken(str(exc)) from exc

    def _checkpoint_if_due(self, conn: Connection) -> None:
        """Copy the WAL back into the database every CHECKPOINT_EVERY write transactions.

        SQLite's automatic checkpoint runs inside COMMIT, so with the write lock held: 4-5 ms
        every ~80 "call next" during which every counter waited. A passive checkpoint blocks
        neither the writers nor the readers, so it runs here, after the lock is released. Every
        process counts its own transactions: whatever the number of processes, the office makes
        one checkpoint per CHECKPOINT_EVERY write transactions.
        """
        self._writes += 1
        if self._writes % CHECKPOINT_EVERY == 0:
            try:
                _raw(conn).execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error as exc:
                # The use case is already committed: its caller must not see an error. The next
                # checkpoint (or SQLite's own, see AUTOCHECKPOINT_PAGES) copies these pages.
                log.warning("WAL checkpoint failed: %s", exc)

    def _write_connection(self, durable: bool) -> Connection:
        connections: dict[bool, Connection] = self._local.__dict__.setdefault("connections", {})
        conn = connections.get(durable)
        if conn is None or conn.closed or conn.invalidated:
            conn = self.write.connect()
            if self.is_sqlite and not durable:
                _raw(conn).execute("PRAGMA synchronous = NORMAL")
            connections[durable] = conn
        return conn

    def _drop_write_connection(self, durable: bool) -> None:
        conn = self._local.__dict__.get("connections", {}).pop(durable, None)
        if conn is not None:
            conn.close()

    @contextmanager
    def read_tx(self) -> Iterator[Connection]:
        """One consistent read-only snapshot (a deferred transaction: no write lock)."""
        try:
            with self.read.begin() as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            raise _busy_or_broken(str(exc.orig)) from exc

    def dispose(self) -> None:
        """Close this thread's connections and the pools (other threads' kept ones close with
        their thread)."""
        for conn in self._local.__dict__.pop("connections", {}).values():
            conn.close()
        self.write.dispose()
        self.read.dispose()


def _raw(conn: Connection) -> sqlite3.Connection:
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _busy() -> DatabaseError:
    return DatabaseError(
        f"Cơ sở dữ liệu đang bận quá {BUSY_TIMEOUT_MS // 1000} giây, vui lòng thử lại",
        f"the database stayed busy for over {BUSY_TIMEOUT_MS // 1000} s; try again",
    )


def _busy_or_broken(text: str) -> DatabaseError:
    if "locked" in text or "busy" in text:
        return _busy()
    return DatabaseError(f"Lỗi cơ sở dữ liệu: {text}", f"database error: {text}")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for a server database."""
    return _sqlite_path(sa.engine.make_url(url))


def safe_url(url: str) -> str:
    """URL as it may be shown or logged: a password in it becomes ***."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def open_database(url: str, *, create: bool = False) -> Database:
    """Build the engines for URL. A SQLite file must exist unless create is true."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise InvalidInputError(
            f"Địa chỉ cơ sở dữ liệu không hợp lệ: {url}", f"invalid database URL: {url}"
        ) from exc
    path = _sqlite_path(parsed)
    if path is None:
        return _open_server_database(url)
    remote = network_filesystem(path)
    if remote is not None:
        raise DatabaseError(
            f"Tệp SQLite {path} nằm trên ổ mạng ({remote}): không an toàn, dữ liệu có thể hỏng; "
            "khi các quầy ở nhiều máy, hãy dùng PostgreSQL",
            f"the SQLite file {path} is on a network share ({remote}): SQLite's locking is not "
            "safe there and the file can be corrupted; use PostgreSQL for counters on several PCs",
        )
    if not create and not path.exists():
        raise DatabaseError(
            f"Không tìm thấy cơ sở dữ liệu {path}: hãy chạy 'motcua init'",
            f"database {path} does not exist: run 'motcua init'",
        )
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                # Created readable by its owner only: it holds PIN hashes and the day's log.
                path.touch(mode=0o600)
        except OSError as exc:
            raise DatabaseError(
                f"Không tạo được cơ sở dữ liệu {path}: {exc.strerror}",
                f"cannot create database {path}: {exc.strerror}",
            ) from exc
    # Every thread that writes keeps one write connection (see Database.write_tx): no upper bound,
    # so an app with many worker threads never waits for a free connection.
    write = sa.create_engine(url, max_overflow=-1)
    read = sa.create_engine(url)
    sa.event.listen(write, "connect", _on_write_connect)
    sa.event.listen(write, "begin", _begin_immediate)
    sa.event.listen(read, "connect", _on_read_connect)
    sa.event.listen(read, "begin", _begin_deferred)
    try:
        _enable_wal(path)
        with read.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except (sqlite3.DatabaseError, sa.exc.DatabaseError) as exc:
        write.dispose()
        read.dispose()
        reason = getattr(exc, "orig", exc)
        raise DatabaseError(
            f"Không mở được cơ sở dữ liệu {path}: {reason}",
            f"cannot open database {path}: {reason}",
        ) from exc
    lock = FileLock.shared(path.with_name(path.name + ".lock"))
    return Database(url=url, write=write, read=read, write_lock=lock)


def _enable_wal(path: Path) -> None:
    """Switch the file to WAL (persistent, so once is enough; a no-op when it already is)."""
    raw = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        mode = raw.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    finally:
        raw.close()
    if mode != "wal":
        raise DatabaseError(
            f"Không bật được chế độ WAL cho {path} (đang là {mode})",
            f"could not switch {path} to WAL mode (it is {mode})",
        )


# Any constant works: every motcua write transaction on one PostgreSQL database takes this lock.
_PG_WRITE_LOCK_KEY = 0x6D6F7463  # "motc"


def _begin_serialized_pg(conn: Connection) -> None:
    """Serialize the write transactions, as BEGIN IMMEDIATE does on SQLite.

    With it no two counters can read the same "next" ticket, no two kiosks the same last number,
    and event ids become visible in the order they were given (the change feed relies on it).
    The lock is released by PostgreSQL at commit or rollback, or when the client disconnects.
    """
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_WRITE_LOCK_KEY})")


def _open_server_database(url: str) -> Database:
    write = sa.create_engine(url, pool_pre_ping=True)
    read = sa.create_engine(url, pool_pre_ping=True)
    if write.dialect.name == "postgresql":
        sa.event.listen(write, "begin", _begin_serialized_pg)
    try:
        with write.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as exc:
        raise DatabaseError(
            f"Không kết nối được cơ sở dữ liệu: {exc.orig}", f"cannot connect: {exc.orig}"
        ) from exc
    return Database(url=url, write=write, read=read)
