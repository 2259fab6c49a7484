"""The schema: made by the Alembic migration, checked before use, WAL mode, private file."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import shared.storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from shared.errors import DatabaseError
from shared.storage.database import Database, open_database, sqlite_url
from shared.storage.schema import current_revision, head_revision, require_current, upgrade


def test_the_migration_creates_exactly_the_models_schema(db: Database) -> None:
    with db.read.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
    assert set(SQLModel.metadata.tables) == {
        "service",
        "counter",
        "counter_service",
        "officer",
        "ticket",
        "report_day",
        "event",
        "setting",
    }


def test_require_current_refuses_an_uninitialised_database(tmp_path: Path) -> None:
    db = open_database(sqlite_url(tmp_path / "new.db"), create=True)
    try:
        with pytest.raises(DatabaseError) as refused:
            require_current(db)
        assert "motcua init" in refused.value.en
        assert upgrade(db) == (None, head_revision())
        require_current(db)  # accepted once initialised
        assert upgrade(db) == (head_revision(), head_revision())  # upgrading again is harmless
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()


def test_require_current_refuses_a_database_from_a_newer_version(db: Database) -> None:
    with db.write.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseError) as refused:
        require_current(db)
    assert "newer" in refused.value.en
    with pytest.raises(DatabaseError):
        upgrade(db)


def test_the_database_file_is_in_wal_mode(db: Database, db_path: Path) -> None:
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_a_new_database_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "private.db"
    db = open_database(sqlite_url(path), create=True)
    try:
        upgrade(db)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        db.dispose()


def test_opening_a_missing_file_without_create_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(DatabaseError) as refused:
        open_database(sqlite_url(path))
    assert "motcua init" in refused.value.en
    assert not path.exists()
