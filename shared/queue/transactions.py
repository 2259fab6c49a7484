"""The write side's foundation: one transaction per use case, the write lock, the event row.

Every transaction takes the database's write lock at its first statement (see
shared.storage.database), so reading state and changing it can never interleave with another
process. Before anything else it closes, as expired with an event each, the tickets left open
from an earlier business day: the day rolls over by itself, with no cron job.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from shared.clock import Clock
from shared.errors import ConflictError, NotFoundError, PermissionDeniedError
from shared.rules.domain import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    CounterState,
    EventKind,
    PriorityPolicy,
    TicketStatus,
    TicketView,
)
from shared.rules.numbering import business_day, load_zone
from shared.rules.settings import OfficeSettings
from shared.storage.database import Database
from shared.storage.prepared import Prepared
from shared.storage.tables import (
    OF,
    AnyRow,
    C,
    E,
    OfficeNames,
    S,
    T,
    load_names,
    load_settings,
    named_ticket_view,
)

log = logging.getLogger(__name__)

_CONFIG_KINDS = (
    EventKind.SETTINGS_CHANGED,
    EventKind.SERVICE_CHANGED,
    EventKind.COUNTER_CHANGED,
    EventKind.OFFICER_CHANGED,
)
_Q_CONFIG_VERSION = Prepared(
    sa.select(
        *(
            sa.select(sa.func.max(E.c.id))
            .where(E.c.kind == str(kind))
            .scalar_subquery()
            .label(str(kind))
            for kind in _CONFIG_KINDS
        )
    )
)
_EVENT_FIELDS = (
    "kind",
    "at",
    "business_day",
    "ticket_id",
    "counter_id",
    "officer_id",
    "service_id",
    "details",
)
_Q_EVENT = Prepared(
    E.insert().values({name: sa.bindparam(name, type_=E.c[name].type) for name in _EVENT_FIELDS})
)
# A service is named by its code (CT) or, from scripts, by its id; a code wins over an id.
_Q_SERVICE = Prepared(
    sa.select(S)
    .where(sa.or_(S.c.code == sa.bindparam("code"), S.c.id == sa.bindparam("id")))
    .order_by(sa.case((S.c.code == sa.bindparam("code"), 0), else_=1))
    .limit(1)
)
# A prepared statement holds no IN (...) list: "status is open" is written out.
_Q_OPEN_BEFORE = Prepared(
    sa.select(T.c.id, T.c.counter_id, T.c.service_id, T.c.status, T.c.display_number)
    .where(
        sa.or_(*(T.c.status == str(s) for s in OPEN_STATUSES)),
        T.c.business_day < sa.bindparam("day", type_=T.c.business_day.type),
    )
    .order_by(T.c.id)
)
_Q_OFFICER = Prepared(sa.select(OF.c.id, OF.c.active).where(OF.c.code == sa.bindparam("code")))
_Q_COUNTER = Prepared(
    sa.select(C.c.id, C.c.number, C.c.state, C.c.officer_id).where(
        C.c.number == sa.bindparam("number")
    )
)

_IS_ACTIVE = sa.or_(*(T.c.status == str(s) for s in ACTIVE_STATUSES))
_Q_COUNTER_ACTIVE = Prepared(
    sa.select(
        C.c.id.label("counter_pk"),
        C.c.number.label("counter_number"),
        C.c.state.label("counter_state"),
        C.c.officer_id.label("counter_officer"),
        T,
    )
    .select_from(
        C.outerjoin(
            T,
            sa.and_(T.c.counter_id == C.c.id, _IS_ACTIVE),
        )
    )
    .where(C.c.number == sa.bindparam("number"))
)


@dataclass(frozen=True, slots=True)
class Tx:
    """What every write transaction knows: its connection, the time and the office's rules."""

    conn: Connection
    now: dt.datetime
    today: dt.date
    policy: PriorityPolicy
    names: OfficeNames
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _OfficeState:
    version: tuple[int | None, ...]
    settings: OfficeSettings
    zone: ZoneInfo
    names: OfficeNames


@dataclass(frozen=True, slots=True)
class CounterRow:
    id: int
    number: int
    state: CounterState
    officer_id: int | None


class WriteSide:
    """Base of the write-side services: transactions, event rows and lookups under the lock.

    Args:
        db: the database (write and read engines).
        clock: where the time comes from.
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._office: _OfficeState | None = None
        self._expired_before: dt.date | None = None
        Prepared.compile_all(db.write.dialect)

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def _tx(self, *, durable: bool = True) -> Iterator[Tx]:
        """One use case's transaction (see Database.write_tx for DURABLE)."""
        if self._office is None:
            # The first transaction of the process reads the settings and names before it takes
            # the write lock; under it, only their version is checked again.
            with self._db.read_tx() as conn:
                self._office_state(conn)
        with self._db.write_tx(durable=durable) as conn:
            state = self._office_state(conn)
            now = self._clock.now()
            today = business_day(now, state.zone)
            tx = Tx(conn, now, today, state.settings.priority, state.names)
            if today != self._expired_before:
                self._expire_before(tx, today)
            yield tx
            if tx.events:
                # One INSERT for all the event rows of the use case, in the order they happened.
                _Q_EVENT.many(conn, tx.events)
        # Once per day and process is enough (no ticket of an earlier day is issued later), but
        # only once it is committed: a refused action rolls the expiry back with it.
        self._expired_before = today

    def _office_state(self, conn: Connection) -> _OfficeState:
        """Settings and names of the office, read again only after they changed.

        Every change of them writes a settings_changed, service_changed, counter_changed or
        officer_changed event in its own transaction, so the ids of the last ones (four indexed
        lookups in one statement) tell whether the copy kept here is still current.
        """
        version = tuple(_Q_CONFIG_VERSION.one(conn))
        if self._office is None or self._office.version != version:
            office = load_settings(conn)
            zone = load_zone(office.time_zone)
            self._office = _OfficeState(version, office, zone, load_names(conn))
        return self._office

    def _row_view(self, tx: Tx, row: AnyRow) -> TicketView:
        """A ticket row from RETURNING as the apps see it."""
        return named_ticket_view(row, tx.names)

    def _view(self, tx: Tx, row: AnyRow | None) -> TicketView | None:
        return None if row is None else named_ticket_view(row, tx.names)

    def _event(
        self,
        tx: Tx,
        kind: EventKind,
        *,
        ticket_id: int | None = None,
        counter_id: int | None = None,
        officer_id: int | None = None,
        service_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        tx.events.append(
            {
                "kind": str(kind),
                "at": tx.now,
                "business_day": tx.today,
                "ticket_id": ticket_id,
                "counter_id": counter_id,
                "officer_id": officer_id,
                "service_id": service_id,
                "details": details or {},
            }
        )

    def _expire_before(self, tx: Tx, day: dt.date) -> int:
        """Close every ticket still open from a business day before DAY, each with an event."""
        rows = _Q_OPEN_BEFORE.rows(tx.conn, {"day": day})
        return self._expire_rows(tx, rows, "day_rolled_over")

    def _expire_rows(self, tx: Tx, rows: Sequence[AnyRow], reason: str) -> int:
        for row in rows:
            tx.conn.execute(
                T.update()
                .where(T.c.id == row.id)
                .values(status=str(TicketStatus.EXPIRED), finished_at=tx.now)
            )
            self._event(
                tx,
                EventKind.TICKET_EXPIRED,
                ticket_id=row.id,
                counter_id=row.counter_id,
                service_id=row.service_id,
                details={"previous_status": row.status, "reason": reason},
            )
        if rows:
            log.info("expired %d open tickets (%s)", len(rows), reason)
        return len(rows)

    # ------------------------------------------------------------------ lookups inside a tx

    def _service(self, conn: Connection, ref: str) -> AnyRow:
        ref = ref.strip()
        params = {"code": ref.upper(), "id": int(ref) if ref.isdigit() else -1}
        row = _Q_SERVICE.first(conn, params)
        if row is None:
            raise NotFoundError(f"Không có thủ tục '{ref}'", f"unknown service '{ref}'")
        return row

    def _counter(self, conn: Connection, number: int) -> CounterRow:
        row = _Q_COUNTER.first(conn, {"number": number})
        if row is None:
            raise NotFoundError(f"Không có quầy số {number}", f"unknown counter {number}")
        return CounterRow(row.id, row.number, CounterState(row.state), row.officer_id)

    def _officer_id(self, conn: Connection, code: str | None, fallback: int | None) -> int | None:
        if code is None:
            return fallback
        row = _Q_OFFICER.first(conn, {"code": code})  # on every call of an officer's counter
        if row is None:
            raise NotFoundError(f"Không có cán bộ '{code}'", f"unknown officer '{code}'")
        if not row.active:
            raise PermissionDeniedError(
                f"Tài khoản cán bộ '{code}' đã bị vô hiệu hóa", f"officer '{code}' is deactivated"
            )
        return int(row.id)

    def _counter_with_active(
        self, conn: Connection, number: int
    ) -> tuple[CounterRow, AnyRow | None]:
        """A counter and the ticket it holds (called or being served), in one query."""
        row = _Q_COUNTER_ACTIVE.first(conn, {"number": number})
        if row is None:
            raise NotFoundError(f"Không có quầy số {number}", f"unknown counter {number}")
        counter = CounterRow(
            row.counter_pk, row.counter_number, CounterState(row.counter_state), row.counter_officer
        )
        return counter, (row if row.id is not None else None)

    def _require_idle(
        self, counter: CounterRow, active: AnyRow | None, verb_vi: str, verb_en: str
    ) -> None:
        if active is not None:
            raise ConflictError(
                f"Quầy {counter.number} còn số {active.display_number}: kết thúc hoặc chuyển "
                f"trước khi {verb_vi}",
                f"counter {counter.number} still holds ticket {active.display_number}: finish "
                f"or transfer it before you {verb_en}",
            )

    def _return_transferred(self, tx: Tx, counter: CounterRow, reason: str) -> None:
        """Tickets waiting for this counter only go back to their service's queue (keeping
        their place), each with a ticket_transferred event: the counter closes."""
        stranded = tx.conn.execute(
            T.update()
            .where(T.c.target_counter_id == counter.id, T.c.status == str(TicketStatus.WAITING))
            .values(target_counter_id=None)
            .returning(T.c.id, T.c.service_id)
        ).all()
        for row in sorted(stranded):
            self._event(
                tx,
                EventKind.TICKET_TRANSFERRED,
                ticket_id=row.id,
                counter_id=counter.id,
                service_id=row.service_id,
                details={"from_counter": counter.number, "reason": reason},
            )
