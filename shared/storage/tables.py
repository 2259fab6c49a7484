"""The tables as SQLAlchemy Core objects, and the queries that turn rows into frozen views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import shared.storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from shared.rules import settings as settings_mod
from shared.rules.domain import (
    ACTIVE_STATUSES,
    CounterState,
    CounterView,
    Outcome,
    ServiceView,
    TicketStatus,
    TicketView,
)
from shared.rules.numbering import load_zone
from shared.rules.settings import OfficeSettings
from shared.storage.prepared import Prepared

T = SQLModel.metadata.tables["ticket"]
E = SQLModel.metadata.tables["event"]
S = SQLModel.metadata.tables["service"]
C = SQLModel.metadata.tables["counter"]
CS = SQLModel.metadata.tables["counter_service"]
OF = SQLModel.metadata.tables["officer"]
ST = SQLModel.metadata.tables["setting"]

# A result row, read by column name: a SQLAlchemy Row or a prepared statement's named tuple.
AnyRow = Any

_TARGET = C.alias("target_counter")


def load_settings(conn: Connection) -> OfficeSettings:
    rows = {r.key: r.value for r in conn.execute(sa.select(ST.c.key, ST.c.value))}
    return settings_mod.from_rows(rows)


def office_zone(conn: Connection) -> ZoneInfo:
    """The office's time zone (it decides the business day)."""
    return load_zone(load_settings(conn).time_zone)


# The last sequence number a service issued on a day (the next ticket's is one more).
Q_LAST_SEQUENCE = Prepared(
    sa.select(sa.func.max(T.c.sequence)).where(
        T.c.issued_service_id == sa.bindparam("service_id"),
        T.c.business_day == sa.bindparam("day"),
    )
)


def ticket_select() -> sa.Select[Any]:
    """Tickets joined with everything a TicketView names."""
    return sa.select(
        T,
        S.c.code.label("service_code"),
        S.c.name_vi.label("service_name_vi"),
        S.c.name_en.label("service_name_en"),
        C.c.number.label("counter_number"),
        _TARGET.c.number.label("target_counter_number"),
        OF.c.code.label("officer_code"),
    ).select_from(
        T.join(S, S.c.id == T.c.service_id)
        .outerjoin(C, C.c.id == T.c.counter_id)
        .outerjoin(_TARGET, _TARGET.c.id == T.c.target_counter_id)
        .outerjoin(OF, OF.c.id == T.c.officer_id)
    )


@dataclass(frozen=True, slots=True)
class OfficeNames:
    """What a TicketView shows of the office's configuration, keyed by id.

    Kept by the write side between transactions and reloaded whenever a service_changed,
    counter_changed or officer_changed event shows that it changed.
    """

    services: dict[int, tuple[str, str, str]]  # id -> (code, Vietnamese name, English name)
    counters: dict[int, int]  # id -> counter number
    officers: dict[int, str]  # id -> officer code


def load_names(conn: Connection) -> OfficeNames:
    return OfficeNames(
        services={r.id: (r.code, r.name_vi, r.name_en) for r in conn.execute(sa.select(S))},
        counters={r.id: r.number for r in conn.execute(sa.select(C.c.id, C.c.number))},
        officers={r.id: r.code for r in conn.execute(sa.select(OF.c.id, OF.c.code))},
    )


def named_ticket_view(row: AnyRow, names: OfficeNames) -> TicketView:
    """A TicketView from a bare ticket row (e.g. from RETURNING) and the office's names."""
    return _ticket_view(
        row,
        names.services[row.service_id],
        names.counters.get(row.counter_id),
        names.counters.get(row.target_counter_id),
        names.officers.get(row.officer_id),
    )


def ticket_view(row: AnyRow) -> TicketView:
    """A TicketView from a row of ticket_select()."""
    return _ticket_view(
        row,
        (row.service_code, row.service_name_vi, row.service_name_en),
        row.counter_number,
        row.target_counter_number,
        row.officer_code,
    )


def _ticket_view(
    row: AnyRow,
    service: tuple[str, str, str],
    counter_number: int | None,
    target_counter_number: int | None,
    officer_code: str | None,
) -> TicketView:
    code, name_vi, name_en = service
    return TicketView(
        id=row.id,
        display_number=row.display_number,
        business_day=row.business_day,
        sequence=row.sequence,
        service_code=code,
        service_name_vi=name_vi,
        service_name_en=name_en,
        priority_category=row.priority_category,
        status=TicketStatus(row.status),
        counter_number=counter_number,
        target_counter_number=target_counter_number,
        officer_code=officer_code,
        issued_at=row.issued_at,
        called_at=row.called_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        call_count=row.call_count,
        outcome=Outcome(row.outcome) if row.outcome else None,
        token=row.token,
    )


def service_view(row: AnyRow) -> ServiceView:
    return ServiceView(
        id=row.id,
        code=row.code,
        name_vi=row.name_vi,
        name_en=row.name_en,
        prefix=row.prefix,
        block_start=row.block_start,
        block_end=row.block_end,
        daily_cap=row.daily_cap,
        is_open=row.is_open,
        wait_threshold_minutes=row.wait_threshold_minutes,
    )


def counter_views(conn: Connection, counter_id: int | None = None) -> list[CounterView]:
    """Counters with their officer, filter and active ticket (one counter or all of them)."""
    query = sa.select(C, OF.c.code.label("officer_code")).outerjoin(OF, OF.c.id == C.c.officer_id)
    if counter_id is not None:
        query = query.where(C.c.id == counter_id)
    counters = conn.execute(query.order_by(C.c.number)).all()
    filters = (
        sa.select(CS.c.counter_id, S.c.code)
        .join(S, S.c.id == CS.c.service_id)
        .order_by(S.c.sort_order)
    )
    actives = ticket_select().where(T.c.status.in_([str(s) for s in ACTIVE_STATUSES]))
    if counter_id is not None:  # one counter (often under the write lock): read only its rows
        filters = filters.where(CS.c.counter_id == counter_id)
        actives = actives.where(T.c.counter_id == counter_id)
    codes: dict[int, list[str]] = {}
    for cid, code in conn.execute(filters):
        codes.setdefault(cid, []).append(code)
    active = {row.counter_id: ticket_view(row) for row in conn.execute(actives)}
    return [
        CounterView(
            id=c.id,
            number=c.number,
            name=c.name,
            state=CounterState(c.state),
            pause_reason=c.pause_reason,
            officer_code=c.officer_code,
            service_codes=tuple(codes.get(c.id, ())),
            active_ticket=active.get(c.id),
        )
        for c in counters
    ]
