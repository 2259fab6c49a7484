"""Reports over a range of business days, grouped by service, counter, officer or hour.

Definitions (the same in shared.insight.metrics, the live view):

- A ticket belongs to its business day, and counts under the service it has at the end (after any
  transfer: the queue it waited in last and the procedure it was served for), under the counter and
  officer that last called it (key 0, "never called", for tickets nobody called), and under the
  local hour (office time zone) it was issued in.
- Counts: issued (every ticket of the group), served (status finished), no-show (status no_show:
  the citizen did not come to the last call), cancelled, expired (closed at the end of the day while
  still open). No-show rate = no-shows / (served + no-shows), the share of concluded calls where
  nobody came.
- Waiting time = first call - issue, in whole seconds (truncated), for every ticket called at least
  once. The first call is the ticket's earliest ticket_called event: a recall, a second call after
  a no-show or a transfer does not lengthen it, so it is what the citizen waited before being
  called the first time.
- Service time = finish - start of a finished ticket that was started (ticket.started_at). A ticket
  finished without a start (called, then finished or closed by the next call) is left out of
  service times rather than given an invented one (see QueueEngine.finish).
- Average = exact mean of the whole seconds; maximum exact; median and 90th percentile by nearest
  rank: the smallest value with at least 50% (90%) of the values at or below it (for an even count
  the median is the lower middle value). Reports give seconds; the exports show minutes with one
  decimal.

How reports stay fast on millions of tickets: every closed business day (before today, none of its
tickets still open) is summarized once into the report_day table, one row per day and group, with
the counts, sums, maxima and a histogram of the waiting and service times. A report reads those rows
(a year is a few thousand rows) and computes the days that are not closed yet (today) from their
tickets. Days are summarized lazily by the first report that needs them, or ahead of time with
summarize_closed_days() (e.g. after the end of the day).

Precision of the histograms (so of reported medians and 90th percentiles; counts, averages and
maxima are exact): 1-second bins below 10 minutes (exact), 10-second bins from 10 minutes to 1 hour
(within 5 seconds), 1-minute bins from 1 hour to 8 hours (within 30 seconds), and one bin above
8 hours (reported as the exact maximum). A bin is reported by its middle, never above the maximum.

The module is kept whole (about 800 lines) on purpose: the definitions above are implemented by
its four parts together (the histograms, the per-ticket facts, the accumulation and the stored
day summaries), and each part's rules only make sense beside the others'; split, a change to one
definition would touch several files. The exports are in shared.insight.export.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from shared.clock import Clock, SystemClock
from shared.errors import InvalidInputError
from shared.rules.domain import OPEN_STATUSES, EventKind, TicketStatus
from shared.rules.numbering import business_day
from shared.storage.database import Database
from shared.storage.prepared import Prepared
from shared.storage.tables import OF, C, E, S, T, office_zone

log = logging.getLogger(__name__)

RD = SQLModel.metadata.tables["report_day"]


class Grouping(StrEnum):
    """What the rows of a report are."""

    SERVICE = "service"
    COUNTER = "counter"
    OFFICER = "officer"
    HOUR = "hour"


GROUPING_LABELS: dict[Grouping, tuple[str, str]] = {
    Grouping.SERVICE: ("Thủ tục", "Service"),
    Grouping.COUNTER: ("Quầy", "Counter"),
    Grouping.OFFICER: ("Cán bộ", "Officer"),
    Grouping.HOUR: ("Giờ", "Hour"),
}

_DAY = "day"  # the dimension of the whole-day rows of report_day (their totals)
NEVER_CALLED = 0  # group key of the tickets no counter or officer ever called

# ---------------------------------------------------------------------- histograms

EXACT_BELOW = 600  # 1-second bins below 10 minutes
TEN_SECONDS_BELOW = 3600  # 10-second bins below 1 hour
MINUTES_BELOW = 8 * 3600  # 1-minute bins below 8 hours
_TEN_FIRST = EXACT_BELOW
_MINUTE_FIRST = _TEN_FIRST + (TEN_SECONDS_BELOW - EXACT_BELOW) // 10
OVERFLOW_BIN = _MINUTE_FIRST + (MINUTES_BELOW - TEN_SECONDS_BELOW) // 60
BINS = OVERFLOW_BIN + 1
_FIELD = 4  # bytes per bin in a packed histogram (the sum of any report stays far below 2**32)
_NARROW_LIMIT = 0xFFFF
assert array("I").itemsize == _FIELD and array("H").itemsize == 2


def bin_of(seconds: int) -> int:
    """The histogram bin of a duration in whole seconds (see the module docstring)."""
    if seconds < EXACT_BELOW:
        return max(seconds, 0)
    if seconds < TEN_SECONDS_BELOW:
        return _TEN_FIRST + (seconds - EXACT_BELOW) // 10
    if seconds < MINUTES_BELOW:
        return _MINUTE_FIRST + (seconds - TEN_SECONDS_BELOW) // 60
    return OVERFLOW_BIN


def bin_value(index: int, maximum: int) -> int:
    """The seconds a bin is reported as: its middle, at most the exact maximum."""
    if index < _TEN_FIRST:
        value = index
    elif index < _MINUTE_FIRST:
        value = EXACT_BELOW + (index - _TEN_FIRST) * 10 + 5
    elif index < OVERFLOW_BIN:
        value = TEN_SECONDS_BELOW + (index - _MINUTE_FIRST) * 60 + 30
    else:
        value = maximum
    return min(value, maximum)


def encode_histogram(counts: Sequence[int]) -> bytes:
    """Bin counts as stored in report_day: a width byte (2 or 4), then little-endian counts up to
    the last non-empty bin."""
    end = len(counts)
    while end and not counts[end - 1]:
        end -= 1
    if not end:
        return b""
    wide = max(counts[:end]) > 0xFFFF
    data = array("I" if wide else "H", counts[:end])
    if sys.byteorder == "big":
        data.byteswap()
    return bytes([4 if wide else 2]) + data.tobytes()


def _widen(narrow: int) -> int:
    """Spread the 16-bit fields of an integer to 32-bit fields (see _Durations)."""
    if not narrow:
        return 0
    data = narrow.to_bytes((narrow.bit_length() + 15) // 16 * 2, "little")
    wide = bytearray(len(data) * 2)
    wide[0::4] = data[0::2]
    wide[1::4] = data[1::2]
    return int.from_bytes(wide, "little")


def _unpack(packed: int) -> array[int]:
    data = array("I")
    data.frombytes(packed.to_bytes(BINS * _FIELD, "little"))
    if sys.byteorder == "big":
        data.byteswap()
    return data


_N = TypeVar("_N", int, float)


def _rank(percent: int, count: int) -> int:
    """The nearest rank (1-based) of PERCENT among COUNT sorted values."""
    return max(1, -(-percent * count // 100))


def nearest_rank(sorted_values: Sequence[_N], percent: int) -> _N | None:
    """The nearest-rank percentile of sorted values (None for no values)."""
    if not sorted_values:
        return None
    rank = _rank(percent, len(sorted_values))
    return sorted_values[rank - 1]


# ---------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class DurationStats:
    """Waiting or service times of a group, in seconds (None when there is no value).

    Attributes:
        count: how many tickets have such a time.
        average_seconds: exact mean.
        median_seconds: nearest-rank 50th percentile (see the module docstring for precision).
        p90_seconds: nearest-rank 90th percentile.
        max_seconds: exact maximum.
    """

    count: int
    average_seconds: float | None
    median_seconds: int | None
    p90_seconds: int | None
    max_seconds: int | None


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One group of a report (or the totals).

    Attributes:
        key: service code, counter number, officer code or "HH:00"; "-" for never called.
        name_vi: its Vietnamese name (service, counter, officer's full name; the hour's range).
        name_en: its English name.
        no_show_rate: no_show / (served + no_show), None when both are 0.
    """

    key: str
    name_vi: str
    name_en: str
    issued: int
    served: int
    no_show: int
    cancelled: int
    expired: int
    no_show_rate: float | None
    wait: DurationStats
    service: DurationStats


@dataclass(frozen=True, slots=True)
class Report:
    """A report: its rows in display order and the totals of the whole range.

    Attributes:
        computed_days: the days computed from their tickets because they are not closed yet
            (today, or an earlier day whose tickets are still open); every other day came from
            report_day.
    """

    date_from: dt.date
    date_to: dt.date
    by: Grouping
    rows: tuple[ReportRow, ...]
    totals: ReportRow
    computed_days: tuple[dt.date, ...] = ()


# ---------------------------------------------------------------------- per-ticket facts


class TicketFacts(NamedTuple):
    """What reports need of one ticket (see the module docstring for the definitions).

    A named tuple: a busy day makes thousands of them for every live view.

    Attributes:
        issued_hour: the local hour of issue (0-23).
        finished_hour: the local hour a finished ticket was finished in (None otherwise).
    """

    ticket_id: int
    service_id: int
    counter_id: int | None
    officer_id: int | None
    status: TicketStatus
    issued_hour: int
    finished_hour: int | None
    wait_seconds: int | None
    service_seconds: int | None


_STATUSES = {str(s): s for s in TicketStatus}
Parse = Callable[[Any], dt.datetime]


def timestamp_parser(conn: Connection) -> Parse:
    """How a timestamp column read raw (see raw_timestamp) becomes a naive UTC datetime.

    SQLite gives the stored text (datetime.fromisoformat reads it in a fraction of a microsecond),
    PostgreSQL a naive datetime already. Skipping SQLAlchemy's per-value processing and the
    time-zone-aware datetimes halves the time spent on a day's tickets.
    """
    if conn.dialect.name == "sqlite":
        return dt.datetime.fromisoformat
    return _naive_utc


def _naive_utc(value: Any) -> dt.datetime:
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo is None else value.astimezone(dt.UTC).replace(tzinfo=None)


def raw_timestamp(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    return sa.type_coerce(column, sa.String).label(column.key)


def utc_offset(day: dt.date, zone: ZoneInfo) -> dt.timedelta:
    """The office's offset from UTC on DAY (taken at noon: hours of a day when daylight saving
    time changes may be off by one; Vietnam has none)."""
    offset = dt.datetime.combine(day, dt.time(12), tzinfo=zone).utcoffset()
    assert offset is not None
    return offset


# The statements that read many rows run on the DB-API cursor (shared.storage.prepared):
# SQLAlchemy's result rows cost more than the work done on them.
_Q_LAST_EVENT = Prepared(sa.select(sa.func.max(E.c.id)))
_Q_DAY_OF_EVENT = Prepared(
    sa.select(E.c.business_day).where(E.c.id >= sa.bindparam("from_id")).order_by(E.c.id).limit(1)
)
_Q_CALLS = Prepared(
    sa.select(E.c.ticket_id, raw_timestamp(E.c.at)).where(
        E.c.kind == str(EventKind.TICKET_CALLED),
        E.c.id >= sa.bindparam("start"),
        E.c.id < sa.bindparam("end"),
    )
)
_Q_DAY_TICKETS = Prepared(
    sa.select(
        T.c.id,
        T.c.service_id,
        T.c.counter_id,
        T.c.officer_id,
        T.c.status,
        raw_timestamp(T.c.issued_at),
        raw_timestamp(T.c.called_at),
        raw_timestamp(T.c.started_at),
        raw_timestamp(T.c.finished_at),
    ).where(T.c.business_day == sa.bindparam("day"))
)


def first_event_id(conn: Connection, day: dt.date) -> int:
    """The id of the first event of business day DAY or later (one past the last if none).

    Event ids grow with time, and so does their business day, so this is a binary search on the
    primary key (about 25 indexed lookups), where filtering on the unindexed business_day would
    read the whole log.
    """
    last = _Q_LAST_EVENT.scalar(conn)
    if last is None:
        return 1
    low, high = 1, int(last) + 1
    while low < high:
        middle = (low + high) // 2
        found = _Q_DAY_OF_EVENT.scalar(conn, {"from_id": middle})
        if found is None or found >= day:
            high = middle
        else:
            low = middle + 1
    return low


def first_calls(conn: Connection, day: dt.date) -> dict[int, dt.datetime]:
    """Ticket id -> its first call (naive UTC), for the tickets called on business day DAY."""
    start = first_event_id(conn, day)
    end = first_event_id(conn, day + dt.timedelta(days=1))
    parse = timestamp_parser(conn)
    calls: dict[int, dt.datetime] = {}
    for ticket_id, at in _Q_CALLS.rows(conn, {"start": start, "end": end}):
        when = parse(at)
        if ticket_id not in calls or when < calls[ticket_id]:
            calls[ticket_id] = when
    return calls


def day_facts(
    conn: Connection,
    day: dt.date,
    zone: ZoneInfo,
    calls: dict[int, dt.datetime] | None = None,
) -> list[TicketFacts]:
    """The facts of every ticket of business day DAY.

    Args:
        calls: the first calls of the day's tickets, when the caller has read them already
            (see first_calls).
    """
    if calls is None:
        calls = first_calls(conn, day)
    parse = timestamp_parser(conn)
    offset = utc_offset(day, zone)
    finished_status = TicketStatus.FINISHED
    facts = []
    rows = _Q_DAY_TICKETS.rows(conn, {"day": day})
    for ticket_id, service_id, counter_id, officer_id, status_text, *times in rows:
        issued_text, called_text, started_text, finished_text = times
        issued = parse(issued_text)
        status = _STATUSES[status_text]
        first = calls.get(ticket_id)
        if first is None and called_text is not None:
            first = parse(called_text)
        wait = None
        if first is not None:
            wait = max(0, int((first - issued).total_seconds()))
        service = finished_hour = None
        if status is finished_status and finished_text is not None:
            finished = parse(finished_text)
            finished_hour = (finished + offset).hour
            if started_text is not None:
                service = max(0, int((finished - parse(started_text)).total_seconds()))
        facts.append(
            TicketFacts(
                ticket_id,
                service_id,
                counter_id,
                officer_id,
                status,
                (issued + offset).hour,
                finished_hour,
                wait,
                service,
            )
        )
    return facts


# ---------------------------------------------------------------------- accumulation


@dataclass(slots=True)
class _Durations:
    """Merges stored histograms into one integer with a 32-bit field per bin.

    Adding two such integers adds the histograms bin by bin in C: a year of day rows merges in
    milliseconds, where a Python loop over their bins would take most of a second. Histograms
    stored with 16-bit counts are first added as they are, while the values added so far cannot
    fill a 16-bit field (65,535), then spread to 32 bits once per such batch.
    """

    count: int = 0
    total: int = 0
    maximum: int = 0
    packed: int = 0  # 32-bit fields
    narrow: int = 0  # 16-bit fields, holding at most _NARROW_LIMIT values
    narrow_count: int = 0

    def add_stored(self, count: int, total: int, maximum: int, histogram: bytes) -> None:
        if not count:
            return
        self.count += count
        self.total += total
        self.maximum = max(self.maximum, maximum)
        if histogram[0] == 4:
            self.packed += int.from_bytes(histogram[1:], "little")
            return
        if self.narrow_count + count > _NARROW_LIMIT:
            self._spread()
        self.narrow += int.from_bytes(histogram[1:], "little")
        self.narrow_count += count

    def _spread(self) -> None:
        self.packed += _widen(self.narrow)
        self.narrow = self.narrow_count = 0

    def stats(self) -> DurationStats:
        if not self.count:
            return DurationStats(0, None, None, None, None)
        self._spread()
        counts = _unpack(self.packed)
        ranks = {p: _rank(p, self.count) for p in (50, 90)}
        found: dict[int, int] = {}
        seen = 0
        for index, in_bin in enumerate(counts):
            if not in_bin:
                continue
            seen += in_bin
            for percent, rank in ranks.items():
                if percent not in found and seen >= rank:
                    found[percent] = bin_value(index, self.maximum)
            if len(found) == len(ranks):
                break
        return DurationStats(
            self.count, self.total / self.count, found[50], found[90], self.maximum
        )


@dataclass(slots=True)
class _Values:
    """Durations of tickets being grouped, before they become a histogram."""

    values: list[int] = field(default_factory=list)

    def columns(self, prefix: str) -> dict[str, Any]:
        counts = [0] * BINS
        for value in self.values:
            counts[value if value < EXACT_BELOW else bin_of(value)] += 1
        return {
            f"{prefix}_count": len(self.values),
            f"{prefix}_total_seconds": sum(self.values),
            f"{prefix}_max_seconds": max(self.values, default=0),
            f"{prefix}_histogram": encode_histogram(counts),
        }


_COUNT_FIELDS = ("issued", "served", "no_show", "cancelled", "expired")
_STATUS_FIELD = {
    TicketStatus.FINISHED: "served",
    TicketStatus.NO_SHOW: "no_show",
    TicketStatus.CANCELLED: "cancelled",
    TicketStatus.EXPIRED: "expired",
}


@dataclass(slots=True)
class _Group:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_COUNT_FIELDS, 0))
    wait: _Values = field(default_factory=_Values)
    service: _Values = field(default_factory=_Values)

    def add(self, fact: TicketFacts) -> None:
        self.counts["issued"] += 1
        counted = _STATUS_FIELD.get(fact.status)
        if counted:
            self.counts[counted] += 1
        if fact.wait_seconds is not None:
            self.wait.values.append(fact.wait_seconds)
        if fact.service_seconds is not None:
            self.service.values.append(fact.service_seconds)

    def columns(self) -> dict[str, Any]:
        return {**self.counts, **self.wait.columns("wait"), **self.service.columns("service")}


_DIMENSIONS = (_DAY, *(str(g) for g in Grouping))
_KEY_OF: dict[str, Callable[[TicketFacts], int]] = {
    _DAY: lambda fact: 0,
    Grouping.SERVICE: lambda fact: fact.service_id,
    Grouping.COUNTER: lambda fact: fact.counter_id or NEVER_CALLED,
    Grouping.OFFICER: lambda fact: fact.officer_id or NEVER_CALLED,
    Grouping.HOUR: lambda fact: fact.issued_hour,
}


def summary_rows(
    day: dt.date, facts: Iterable[TicketFacts], dimensions: Sequence[str] = _DIMENSIONS
) -> list[dict[str, Any]]:
    """The report_day rows of one day for DIMENSIONS (always with the whole-day row)."""
    facts = list(facts)
    rows: list[dict[str, Any]] = []
    for dimension in (_DAY, *(d for d in dimensions if d != _DAY)):
        key_of = _KEY_OF[dimension]
        groups: dict[int, _Group] = {0: _Group()} if dimension == _DAY else {}
        for fact in facts:
            key = key_of(fact)
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group()
            group.add(fact)
        rows += [
            {"dimension": dimension, "business_day": day, "group_key": key, **group.columns()}
            for key, group in sorted(groups.items())
        ]
    return rows


@dataclass(slots=True)
class _Totals:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_COUNT_FIELDS, 0))
    wait: _Durations = field(default_factory=_Durations)
    service: _Durations = field(default_factory=_Durations)

    def add_row(self, row: Any) -> None:
        for name in _COUNT_FIELDS:
            self.counts[name] += row[name]
        self.wait.add_stored(
            row["wait_count"],
            row["wait_total_seconds"],
            row["wait_max_seconds"],
            row["wait_histogram"],
        )
        self.service.add_stored(
            row["service_count"],
            row["service_total_seconds"],
            row["service_max_seconds"],
            row["service_histogram"],
        )

    def row(self, key: str, name_vi: str, name_en: str) -> ReportRow:
        c = self.counts
        concluded = c["served"] + c["no_show"]
        return ReportRow(
            key=key,
            name_vi=name_vi,
            name_en=name_en,
            issued=c["issued"],
            served=c["served"],
            no_show=c["no_show"],
            cancelled=c["cancelled"],
            expired=c["expired"],
            no_show_rate=c["no_show"] / concluded if concluded else None,
            wait=self.wait.stats(),
            service=self.service.stats(),
        )


# ---------------------------------------------------------------------- summaries


def _is_closed(conn: Connection, day: dt.date, today: dt.date) -> bool:
    if day >= today:
        return False
    still_open = conn.execute(
        sa.select(T.c.id)
        .where(
            T.c.business_day == day,
            T.c.status.in_([str(s) for s in OPEN_STATUSES]),
        )
        .limit(1)
    ).first()
    return still_open is None


def _has_tickets(conn: Connection, day: dt.date) -> bool:
    return (
        conn.execute(sa.select(T.c.id).where(T.c.business_day == day).limit(1)).first() is not None
    )


def _summarized(conn: Connection, date_from: dt.date, date_to: dt.date) -> set[dt.date]:
    return set(
        conn.execute(
            sa.select(RD.c.business_day).where(
                RD.c.dimension == _DAY, RD.c.business_day.between(date_from, date_to)
            )
        ).scalars()
    )


def _store_day(db: Database, day: dt.date, zone: ZoneInfo) -> None:
    """Summarize one closed day: computed on the read side, written in one short transaction."""
    with db.read_tx() as conn:
        rows = summary_rows(day, day_facts(conn, day, zone))
    with db.write_tx() as conn:
        # Another process may have written the same day meanwhile: its rows are the same.
        conn.execute(RD.delete().where(RD.c.business_day == day))
        conn.execute(RD.insert(), rows)
    log.info("report_day summarized", extra={"event": "report_day", "day": day.isoformat()})


def _plan(
    conn: Connection, date_from: dt.date, date_to: dt.date, today: dt.date
) -> tuple[list[dt.date], list[dt.date]]:
    """Days of the range with tickets and no summary: (closed ones to store, others to compute)."""
    done = _summarized(conn, date_from, date_to)
    to_store: list[dt.date] = []
    to_compute: list[dt.date] = []
    day = date_from
    while day <= date_to:
        if day not in done and day <= today and _has_tickets(conn, day):
            (to_store if _is_closed(conn, day, today) else to_compute).append(day)
        day += dt.timedelta(days=1)
    return to_store, to_compute


def summarize_closed_days(db: Database, clock: Clock, *, since: dt.date | None = None) -> int:
    """Write the report_day rows of every closed day not summarized yet; returns how many.

    Reports do it for the days they need; calling this after the end of the day (or once after an
    upgrade, for the past year) keeps the first report of the morning fast.
    """
    with db.read_tx() as conn:
        zone = office_zone(conn)
        today = business_day(clock.now(), zone)
        first = conn.execute(sa.select(sa.func.min(T.c.business_day))).scalar()
        if first is None:
            return 0
        start = max(first, since) if since else first
        to_store, _ = _plan(conn, start, today - dt.timedelta(days=1), today)
    for day in to_store:
        _store_day(db, day, zone)
    return len(to_store)


# ---------------------------------------------------------------------- the report


def parse_grouping(by: str | Grouping) -> Grouping:
    try:
        return Grouping(str(by).strip().lower())
    except ValueError:
        known = ", ".join(g.value for g in Grouping)
        raise InvalidInputError(
            f"Không có cách nhóm '{by}' (có: {known})", f"unknown grouping '{by}' (known: {known})"
        ) from None


def report(
    db: Database,
    date_from: dt.date,
    date_to: dt.date,
    by: str | Grouping,
    *,
    clock: Clock | None = None,
) -> Report:
    """The report of the business days DATE_FROM to DATE_TO (both included), grouped BY.

    Closed days missing from report_day are summarized first (a short write each); days not closed
    yet are computed from their tickets. Raises InvalidInputError for a reversed range or an
    unknown grouping.
    """
    grouping = parse_grouping(by)
    if date_from > date_to:
        raise InvalidInputError(
            f"Ngày bắt đầu {date_from.isoformat()} sau ngày kết thúc {date_to.isoformat()}",
            f"start date {date_from.isoformat()} is after end date {date_to.isoformat()}",
        )
    now = (clock or SystemClock()).now()
    with db.read_tx() as conn:
        zone = office_zone(conn)
        today = business_day(now, zone)
        to_store, _ = _plan(conn, date_from, date_to, today)
    for day in to_store:
        _store_day(db, day, zone)
    with db.read_tx() as conn:
        _, to_compute = _plan(conn, date_from, date_to, today)
        groups: dict[int, _Totals] = {}
        totals = _Totals()
        columns = [c for c in RD.c if c.name not in ("dimension", "business_day")]
        # One read for both dimensions: the whole-day rows give the totals (their histograms make
        # the totals' percentiles those of every ticket, not a mix of the groups').
        for row in (
            conn.execute(
                sa.select(RD.c.dimension, *columns).where(
                    RD.c.dimension.in_([_DAY, str(grouping)]),
                    RD.c.business_day.between(date_from, date_to),
                )
            )
            .mappings()
            .all()
        ):
            if row["dimension"] == _DAY:
                totals.add_row(row)
            else:
                groups.setdefault(row["group_key"], _Totals()).add_row(row)
        for day in to_compute:
            live = summary_rows(day, day_facts(conn, day, zone), (_DAY, str(grouping)))
            for stored in live:
                if stored["dimension"] == _DAY:
                    totals.add_row(stored)
                elif stored["dimension"] == grouping:
                    groups.setdefault(stored["group_key"], _Totals()).add_row(stored)
        rows = _labelled(conn, grouping, groups)
    return Report(
        date_from=date_from,
        date_to=date_to,
        by=grouping,
        rows=tuple(rows),
        totals=totals.row("", "Tổng cộng", "Total"),
        computed_days=tuple(to_compute),
    )


def _labelled(conn: Connection, grouping: Grouping, groups: dict[int, _Totals]) -> list[ReportRow]:
    never = ("-", "Chưa được gọi", "Never called")
    labels: dict[int, tuple[str, str, str]] = {}
    order: dict[int, tuple[Any, ...]] = {}
    if grouping is Grouping.SERVICE:
        for r in conn.execute(
            sa.select(S.c.id, S.c.code, S.c.name_vi, S.c.name_en, S.c.sort_order)
        ):
            labels[r.id] = (r.code, r.name_vi, r.name_en)
            order[r.id] = (r.sort_order, r.id)
    elif grouping is Grouping.COUNTER:
        for c in conn.execute(sa.select(C.c.id, C.c.number, C.c.name)):
            labels[c.id] = (str(c.number), c.name, f"Counter {c.number}")
            order[c.id] = (c.number,)
    elif grouping is Grouping.OFFICER:
        for o in conn.execute(sa.select(OF.c.id, OF.c.code, OF.c.full_name)):
            labels[o.id] = (o.code, o.full_name, o.full_name)
            order[o.id] = (o.code,)
    else:
        for hour in range(24):
            span = f"{hour:02d}:00-{(hour + 1) % 24:02d}:00"
            labels[hour] = (f"{hour:02d}:00", span, span)
            order[hour] = (hour,)

    def sort_key(key: int) -> tuple[int, tuple[Any, ...]]:
        if grouping is not Grouping.HOUR and key == NEVER_CALLED:
            return (2, ())
        return (0, order[key]) if key in order else (1, (key,))

    rows = []
    for key in sorted(groups, key=sort_key):
        if grouping is not Grouping.HOUR and key == NEVER_CALLED:
            label = never
        else:
            label = labels.get(key, (str(key), f"#{key}", f"#{key}"))
        rows.append(groups[key].row(*label))
    return rows
