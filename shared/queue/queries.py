"""Read-only views of the queue: status, services, tickets and the event log.

Every query runs on the read engine, so it never takes the write lock and never slows a counter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from shared.clock import Clock
from shared.errors import NotFoundError
from shared.rules.domain import (
    CounterView,
    EventKind,
    EventView,
    ServiceQueueView,
    ServiceView,
    StatusView,
    TicketStatus,
    TicketView,
)
from shared.rules.numbering import NumberingFormat, business_day
from shared.rules.settings import OfficeSettings
from shared.storage.database import Database
from shared.storage.tables import (
    OF,
    Q_LAST_SEQUENCE,
    AnyRow,
    C,
    E,
    S,
    T,
    counter_views,
    load_settings,
    office_zone,
    service_view,
    ticket_select,
    ticket_view,
)

CALL_KINDS = (str(EventKind.TICKET_CALLED), str(EventKind.TICKET_RECALLED))


def event_select() -> sa.Select[Any]:
    return (
        sa.select(
            E,
            T.c.display_number,
            C.c.number.label("counter_number"),
            OF.c.code.label("officer_code"),
            S.c.code.label("service_code"),
        )
        .select_from(E)
        .outerjoin(T, T.c.id == E.c.ticket_id)
        .outerjoin(C, C.c.id == E.c.counter_id)
        .outerjoin(OF, OF.c.id == E.c.officer_id)
        .outerjoin(S, S.c.id == E.c.service_id)
    )


def event_view(row: AnyRow) -> EventView:
    return EventView(
        id=row.id,
        kind=EventKind(row.kind),
        at=row.at,
        business_day=row.business_day,
        ticket_id=row.ticket_id,
        display_number=row.display_number,
        counter_number=row.counter_number,
        officer_code=row.officer_code,
        service_code=row.service_code,
        details=dict(row.details or {}),
    )


def events_after(conn: Connection, last_id: int, limit: int = 500) -> list[EventView]:
    rows = conn.execute(event_select().where(E.c.id > last_id).order_by(E.c.id).limit(limit))
    return [event_view(r) for r in rows]


def last_event_id(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(E.c.id), 0))).scalar_one())


class QueueQueries:
    """Read-side use cases shared by the CLI and the apps.

    Args:
        db: the database; only its read engine is used.
        clock: where the time comes from (waiting times, the business day).
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def settings(self) -> OfficeSettings:
        with self._db.read_tx() as conn:
            return load_settings(conn)

    def today(self, conn: Connection) -> dt.date:
        return business_day(self._clock.now(), office_zone(conn))

    def services(self) -> list[ServiceView]:
        with self._db.read_tx() as conn:
            rows = conn.execute(sa.select(S).order_by(S.c.sort_order, S.c.id))
            return [service_view(r) for r in rows]

    def status(self, last_calls: int = 10) -> StatusView:
        with self._db.read_tx() as conn:
            today = self.today(conn)
            services = _service_queues(conn, self._clock.now(), today)
            calls = conn.execute(
                event_select()
                .where(E.c.kind.in_(CALL_KINDS), E.c.business_day == today)
                .order_by(E.c.id.desc())
                .limit(last_calls)
            )
            return StatusView(
                business_day=today,
                services=services,
                counters=tuple(counter_views(conn)),
                last_calls=tuple(event_view(r) for r in calls),
            )

    def preview(self, service_code: str, priority: str | None = None) -> TicketView:
        """The ticket the next citizen of a service would get, without issuing it.

        Used by `motcua ticket-preview` and `motcua print-test`; its token is "preview".
        """
        with self._db.read_tx() as conn:
            now = self._clock.now()
            today = self.today(conn)
            row = conn.execute(sa.select(S).where(S.c.code == service_code.strip().upper())).first()
            if row is None:
                raise NotFoundError(
                    f"Không có thủ tục '{service_code}'", f"unknown service '{service_code}'"
                )
            last = Q_LAST_SEQUENCE.scalar(conn, {"service_id": row.id, "day": today})
            sequence = (last or 0) + 1
            numbering = NumberingFormat(row.prefix, row.block_start, row.block_end)
        return TicketView(
            id=0,
            display_number=numbering.display_number(sequence),
            business_day=today,
            sequence=sequence,
            service_code=row.code,
            service_name_vi=row.name_vi,
            service_name_en=row.name_en,
            priority_category=priority,
            status=TicketStatus.WAITING,
            counter_number=None,
            target_counter_number=None,
            officer_code=None,
            issued_at=now,
            called_at=None,
            started_at=None,
            finished_at=None,
            call_count=0,
            outcome=None,
            token="preview",
        )

    def ticket_by_token(self, token: str) -> TicketView | None:
        with self._db.read_tx() as conn:
            row = conn.execute(ticket_select().where(T.c.token == token)).first()
            return None if row is None else ticket_view(row)

    def tickets_of_day(self, day: dt.date) -> list[TicketView]:
        with self._db.read_tx() as conn:
            rows = conn.execute(ticket_select().where(T.c.business_day == day).order_by(T.c.id))
            return [ticket_view(r) for r in rows]

    def events_after(self, last_id: int, limit: int = 500) -> list[EventView]:
        with self._db.read_tx() as conn:
            return events_after(conn, last_id, limit)

    def counters(self) -> list[CounterView]:
        """Every counter with its state, officer, service filter and active ticket."""
        with self._db.read_tx() as conn:
            return counter_views(conn)

    def counter(self, number: int) -> CounterView:
        with self._db.read_tx() as conn:
            counter_id = conn.execute(sa.select(C.c.id).where(C.c.number == number)).scalar()
            if counter_id is None:
                raise NotFoundError(f"Không có quầy số {number}", f"unknown counter {number}")
            return counter_views(conn, counter_id)[0]

    def counter_queue(self, counter_number: int) -> CounterQueueView:
        """What a counter's queue panel shows, read in one snapshot (see CounterQueueView)."""
        with self._db.read_tx() as conn:
            now = self._clock.now()
            today = self.today(conn)
            counter_id = conn.execute(
                sa.select(C.c.id).where(C.c.number == counter_number)
            ).scalar()
            if counter_id is None:
                raise NotFoundError(
                    f"Không có quầy số {counter_number}", f"unknown counter {counter_number}"
                )
            transferred_here = conn.execute(
                sa.select(sa.func.count())
                .select_from(T)
                .where(
                    T.c.status == str(TicketStatus.WAITING),
                    T.c.business_day == today,
                    T.c.target_counter_id == counter_id,
                )
            ).scalar_one()
            return CounterQueueView(
                at=now,
                services=_service_queues(conn, now, today),
                counter=counter_views(conn, counter_id)[0],
                transferred_here=int(transferred_here),
            )


@dataclass(frozen=True, slots=True)
class CounterQueueView:
    """The office queue as one counter sees it.

    Attributes:
        at: when it was read (the longest waits are measured at this time).
        services: every service's waiting count and longest wait, in display order.
        counter: the counter itself (state, officer, service filter, active ticket).
        transferred_here: tickets transferred to this counter only and still waiting.
    """

    at: dt.datetime
    services: tuple[ServiceQueueView, ...]
    counter: CounterView
    transferred_here: int


def _service_queues(
    conn: Connection, now: dt.datetime, today: dt.date
) -> tuple[ServiceQueueView, ...]:
    waiting = {
        r.service_id: (r.waiting, r.oldest)
        for r in conn.execute(
            sa.select(
                T.c.service_id,
                sa.func.count().label("waiting"),
                sa.func.min(T.c.issued_at).label("oldest"),
            )
            .where(T.c.status == str(TicketStatus.WAITING), T.c.business_day == today)
            .group_by(T.c.service_id)
        )
    }
    services = []
    for row in conn.execute(sa.select(S).order_by(S.c.sort_order, S.c.id)):
        count, oldest = waiting.get(row.id, (0, None))
        longest = 0 if oldest is None else max(0, int((now - oldest).total_seconds()))
        services.append(ServiceQueueView(service_view(row), count, longest))
    return tuple(services)
