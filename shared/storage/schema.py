"""Creating, upgrading and checking the schema with Alembic, without an alembic.ini file."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from shared.errors import DatabaseError
from shared.storage.database import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder has no revision"
    return head


def current_revision(db: Database) -> str | None:
    with db.read.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database) -> tuple[str | None, str]:
    """Bring the schema to the newest revision. Returns (revision before, revision after)."""
    before = current_revision(db)
    _refuse_newer(before)
    config = alembic_config()
    with db.write.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return before, head_revision()


def require_current(db: Database) -> None:
    """Refuse to work on a database whose schema is missing or older or newer than this code."""
    try:
        revision = current_revision(db)
    except sa.exc.DatabaseError as exc:
        raise DatabaseError(
            f"Tệp không phải cơ sở dữ liệu motcua hợp lệ: {exc.orig}",
            f"not a valid motcua database: {exc.orig}",
        ) from exc
    if revision is None:
        raise DatabaseError(
            "Cơ sở dữ liệu chưa được khởi tạo: hãy chạy 'motcua init'",
            "the database has no schema yet: run 'motcua init'",
        )
    _refuse_newer(revision)
    if revision != head_revision():
        raise DatabaseError(
            f"Cơ sở dữ liệu ở phiên bản cũ ({revision}): hãy chạy 'motcua init' để nâng cấp",
            f"the database schema is older ({revision}): run 'motcua init' to upgrade it",
        )


def _refuse_newer(revision: str | None) -> None:
    if revision is None:
        return
    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = script.get_revision(revision) is not None
    except CommandError:  # alembic raises for an id it has never seen
        known = False
    if not known:
        raise DatabaseError(
            f"Cơ sở dữ liệu thuộc phiên bản motcua mới hơn ({revision})",
            f"the database was made by a newer motcua (schema {revision})",
        )
