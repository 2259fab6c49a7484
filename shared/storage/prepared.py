"""Statements of the hot paths, compiled once per dialect and run straight on the DB-API cursor.

While a counter holds the office's write lock, every microsecond counts for the counters queued
behind it. SQLAlchemy spends 30 to 120 µs per execute in its own bookkeeping (cache keys, events,
result objects); this runs the same SQL with the same type conversions and little else. The SQL
is still written with SQLAlchemy Core and compiled for the connection's dialect (qmark for SQLite,
pyformat for psycopg), so it stays portable.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

Convert = Callable[[Any], Any]  # one value from Python to the driver, or back


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    # qmark/format drivers: (name, value written into the statement or None, conversion or None)
    # for each placeholder in order; None for drivers with named parameters.
    positional: tuple[tuple[str, Any, Convert | None], ...] | None
    binds: tuple[tuple[str, Convert], ...]  # only the parameters that need one
    defaults: dict[str, Any]  # the values written into the statement (status = 'waiting' ...)
    row_type: Any  # a namedtuple class, or None for statements without rows
    results: tuple[tuple[int, Convert], ...]  # only the columns that need one


def _row_type(names: list[str]) -> Any:
    """A tuple class whose fields are the statement's column names (row.id, row.status...)."""
    return namedtuple("Row", names, rename=True)


class Prepared:
    """One Core statement (SELECT, or INSERT/UPDATE with or without RETURNING).

    Args:
        statement: the statement, with sa.bindparam() placeholders for every value.
    """

    # Every prepared statement of the imported modules (module constants), for compile_all().
    _all: ClassVar[list[Prepared]] = []

    def __init__(self, statement: sa.Executable) -> None:
        self._statement = statement
        self._by_dialect: dict[str, _Compiled] = {}
        Prepared._all.append(self)

    @classmethod
    def compile_all(cls, dialect: Dialect) -> None:
        """Compile every statement for DIALECT now (a few ms each) rather than at its first run,
        which would be in a transaction holding the office's write lock."""
        for prepared in cls._all:
            prepared._get(dialect)

    def _compile(self, dialect: Dialect) -> _Compiled:
        # No IN (...) lists in these statements: they compile to placeholders that SQLAlchemy
        # expands at each execution (write status = a OR status = b instead).
        compiled = self._statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("a prepared statement cannot hold an IN (...) list")
        binds: list[tuple[str, Convert]] = []
        defaults: dict[str, Any] = {}
        for bind, name in compiled.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                binds.append((name, process))
            defaults[name] = None if bind.required else bind.effective_value
        columns = list(getattr(self._statement, "exported_columns", ()))
        row_type: Any = None
        results: list[tuple[int, Convert]] = []
        if columns:
            row_type = _row_type([c.key for c in columns])
            for index, column in enumerate(columns):
                process = column.type.dialect_impl(dialect).result_processor(dialect, None)
                if process is not None:
                    results.append((index, process))
        positional = None
        if compiled.positional:
            convert = dict(binds)
            positional = tuple(
                (name, defaults[name], convert.get(name)) for name in compiled.positiontup
            )
        return _Compiled(
            compiled.string, positional, tuple(binds), defaults, row_type, tuple(results)
        )

    def _get(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            found = self._by_dialect[dialect.name] = self._compile(dialect)
        return found

    def _args(self, c: _Compiled, params: Mapping[str, Any]) -> Any:
        if c.positional is not None:
            args = []
            for name, default, process in c.positional:
                value = params.get(name, default)
                if process is not None and value is not None:
                    value = process(value)
                args.append(value)
            return args
        values = dict(c.defaults)
        values.update(params)
        for name, process in c.binds:
            if values[name] is not None:
                values[name] = process(values[name])
        return values

    def rows(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list[Any]:
        """Run it and return every row (attributes named as the statement's columns)."""
        c = self._get(conn.dialect)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(c.sql, self._args(c, params or {}))
            if c.row_type is None:
                return []
            out = []
            for raw in cursor.fetchall():
                values = list(raw)
                for index, process in c.results:
                    if values[index] is not None:
                        values[index] = process(values[index])
                out.append(c.row_type._make(values))
            return out
        finally:
            cursor.close()

    def first(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Any:
        found = self.rows(conn, params)
        return found[0] if found else None

    def one(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Any:
        found = self.rows(conn, params)
        if len(found) != 1:
            raise sa.exc.NoResultFound(f"expected one row, got {len(found)}")
        return found[0]

    def scalar(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Any:
        row = self.first(conn, params)
        return None if row is None else row[0]

    def many(self, conn: Connection, param_list: Sequence[Mapping[str, Any]]) -> None:
        """Run a statement without rows once per parameter set, in one driver call."""
        c = self._get(conn.dialect)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(c.sql, [self._args(c, p) for p in param_list])
        finally:
            cursor.close()
