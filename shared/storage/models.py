"""Database tables (sqlmodel). The schema itself is created and upgraded by Alembic migrations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """Stores aware datetimes as naive UTC and gives them back aware, on every engine."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Service(SQLModel, table=True):
    """A procedure citizens take a ticket for (thủ tục / lĩnh vực)."""

    __tablename__ = "service"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name_vi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    prefix: str | None = Field(default=None, max_length=2, unique=True)
    block_start: int | None = None
    block_end: int | None = None
    daily_cap: int | None = None
    is_open: bool = True
    wait_threshold_minutes: int = 30
    sort_order: int = 0


class Counter(SQLModel, table=True):
    """A counter (quầy). No rows in counter_service means it serves every procedure."""

    __tablename__ = "counter"

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    name: str = Field(max_length=100)
    state: str = Field(default="closed", max_length=16)
    pause_reason: str | None = Field(default=None, max_length=200)
    officer_id: int | None = Field(default=None, foreign_key="officer.id")


class CounterService(SQLModel, table=True):
    """The optional per-counter service filter."""

    __tablename__ = "counter_service"

    counter_id: int = Field(foreign_key="counter.id", primary_key=True)
    service_id: int = Field(foreign_key="service.id", primary_key=True)


class Officer(SQLModel, table=True):
    """An officer (cán bộ), supervisor or admin."""

    __tablename__ = "officer"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    full_name: str = Field(max_length=200)
    role: str = Field(default="officer", max_length=16)
    pin_hash: str = Field(max_length=200)
    active: bool = True
    failed_pin_count: int = 0
    locked_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class Ticket(SQLModel, table=True):
    """A ticket (số thứ tự). Its id is its place in the arrival order of the whole office."""

    __tablename__ = "ticket"
    __table_args__ = (
        sa.UniqueConstraint(
            "issued_service_id", "business_day", "sequence", name="uq_ticket_service_day_seq"
        ),
        sa.UniqueConstraint("business_day", "display_number", name="uq_ticket_day_number"),
        sa.Index("ix_ticket_queue", "status", "business_day", "priority_category", "id"),
        sa.Index("ix_ticket_counter_status", "counter_id", "status"),
        sa.Index("ix_ticket_day_service", "business_day", "service_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_day: dt.date
    issued_service_id: int = Field(foreign_key="service.id")
    sequence: int
    display_number: str = Field(max_length=16)
    service_id: int = Field(foreign_key="service.id")
    priority_category: str | None = Field(default=None, max_length=32)
    status: str = Field(default="waiting", max_length=16)
    counter_id: int | None = Field(default=None, foreign_key="counter.id")
    target_counter_id: int | None = Field(default=None, foreign_key="counter.id")
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    issued_at: dt.datetime = Field(sa_type=UTCDateTime)
    called_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    started_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    call_count: int = 0
    outcome: str | None = Field(default=None, max_length=32)
    token: str = Field(max_length=64, unique=True)


class Event(SQLModel, table=True):
    """Append-only log of every state change. Ids only grow (AUTOINCREMENT on SQLite)."""

    __tablename__ = "event"
    __table_args__ = (
        sa.Index("ix_event_kind_id", "kind", "id"),
        sa.Index("ix_event_ticket", "ticket_id"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    at: dt.datetime = Field(sa_type=UTCDateTime)
    business_day: dt.date
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    counter_id: int | None = Field(default=None, foreign_key="counter.id")
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    service_id: int | None = Field(default=None, foreign_key="service.id")
    details: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class Setting(SQLModel, table=True):
    """Office-wide settings every PC shares, one JSON value per key."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=64)
    value: Any = Field(sa_type=sa.JSON)


class ReportDay(SQLModel, table=True):
    """Per-day summary of one closed business day, one row per group (shared.insight.reports).

    Derived data: filled once a day is closed (it is before today and none of its tickets is still
    open) and never changed afterwards, so reports over a year read a few thousand rows instead of
    millions of tickets. Deleting rows is harmless: they are computed again on the next report.
    dimension is "day" (group_key 0: the whole day), "service", "counter", "officer" (group_key is
    the id, 0 for tickets never called) or "hour" (the local hour of issue, 0-23). The histograms
    are shared.insight.reports.Histogram bytes.
    """

    __tablename__ = "report_day"

    # dimension first: a report reads one dimension over a range of days.
    dimension: str = Field(primary_key=True, max_length=16)
    business_day: dt.date = Field(primary_key=True)
    group_key: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    issued: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    expired: int = 0
    wait_count: int = 0
    wait_total_seconds: int = 0
    wait_max_seconds: int = 0
    wait_histogram: bytes = Field(default=b"", sa_type=sa.LargeBinary)
    service_count: int = 0
    service_total_seconds: int = 0
    service_max_seconds: int = 0
    service_histogram: bytes = Field(default=b"", sa_type=sa.LargeBinary)
