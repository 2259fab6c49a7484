"""The supervisor's live numbers for today: queues, counters, hours, officers and alerts.

Everything is read in one read transaction (one consistent snapshot) from today's tickets and
today's events only, so the cost depends on the day's traffic, not on the size of the history.

Definitions (the same as shared.insight.reports, where they are explained in full):
- waiting time = first call - issue, whole seconds, for today's tickets called at least once;
  "longest current wait" = now - issue of the oldest ticket still waiting;
- service time = finish - start of finished tickets that were started;
- averages exact; the 90th percentile by nearest rank on the exact values (no histogram here);
- served = finished; no-shows = tickets whose last call nobody answered;
- a service's tickets are those it has now (after transfers); a counter's and an officer's are the
  tickets they last called;
- by hour (office time zone): arrivals = tickets issued in the hour, served = tickets finished in
  the hour, average wait = of the tickets issued in the hour that have been called;
- a counter is closed, paused (with its reason), serving (it holds a called or served ticket, for
  so many seconds since it was called) or idle (open, holding nothing, since its last event today:
  opened, resumed, or its last ticket ended);
- an officer's idle time = time today a counter was open (not paused) under that officer and held no
  ticket; "open time" starts at the counter's first event of the day (a counter left open overnight
  counts from its first call), so hours before the office opened are never counted.

Alerts (Vietnamese first, English beside):
- a citizen still waiting longer than the service's wait_threshold_minutes;
- a kiosk whose last printer event is a printer_fault (no printer_restored after it);
- an open counter holding no ticket while citizens it could call wait, for more than
  idle_alert_minutes: measured from the later of its idle start and the oldest such citizen's issue.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from shared.clock import Clock
from shared.insight.reports import (
    TicketFacts,
    day_facts,
    first_event_id,
    nearest_rank,
    timestamp_parser,
)
from shared.insight.timeline import KINDS, Q_TIMELINE, Timeline
from shared.rules.domain import ACTIVE_STATUSES, CounterState, EventKind, TicketStatus
from shared.rules.numbering import business_day
from shared.storage.database import Database
from shared.storage.tables import OF, E, S, T, counter_views, office_zone

DEFAULT_IDLE_ALERT_MINUTES = 10
_PRINTER_EVENTS_READ = 50  # the latest fault and restore events looked at, per kind


class CounterActivity(StrEnum):
    CLOSED = "closed"
    IDLE = "idle"
    SERVING = "serving"
    PAUSED = "paused"


class AlertKind(StrEnum):
    LONG_WAIT = "long_wait"
    PRINTER_FAULT = "printer_fault"
    COUNTER_IDLE = "counter_idle"


@dataclass(frozen=True, slots=True)
class ServiceMetrics:
    """One service today. Times in seconds; None when there is nothing to measure."""

    code: str
    name_vi: str
    name_en: str
    waiting: int
    longest_wait_seconds: int
    wait_threshold_minutes: int
    called: int
    average_wait_seconds: float | None
    p90_wait_seconds: int | None
    served: int
    no_show: int


@dataclass(frozen=True, slots=True)
class CounterMetrics:
    """One counter now.

    Attributes:
        ticket_seconds: how long the current ticket has been at the counter (since its call).
        idle_seconds: how long an idle counter has held nothing (None if not idle or unknown).
        waiting_for_it: citizens waiting now whom this counter could call.
    """

    number: int
    name: str
    activity: CounterActivity
    pause_reason: str | None
    officer_code: str | None
    ticket_number: str | None
    ticket_status: TicketStatus | None
    ticket_seconds: int | None
    idle_seconds: int | None
    waiting_for_it: int


@dataclass(frozen=True, slots=True)
class HourMetrics:
    """One local hour of today (see the module docstring)."""

    hour: int
    arrivals: int
    served: int
    average_wait_seconds: float | None


@dataclass(frozen=True, slots=True)
class OfficerMetrics:
    """One officer today: tickets finished, their service times, and time open and idle."""

    code: str
    full_name: str
    served: int
    average_service_seconds: float | None
    open_seconds: int
    idle_seconds: int


@dataclass(frozen=True, slots=True)
class Alert:
    """Something the supervisor should act on. subject: service code, counter number or kiosk."""

    kind: AlertKind
    subject: str
    text_vi: str
    text_en: str
    since: dt.datetime | None = None

    @property
    def text(self) -> str:
        return f"{self.text_vi} / {self.text_en}"


@dataclass(frozen=True, slots=True)
class LiveMetrics:
    at: dt.datetime
    business_day: dt.date
    services: tuple[ServiceMetrics, ...]
    counters: tuple[CounterMetrics, ...]
    hours: tuple[HourMetrics, ...]
    officers: tuple[OfficerMetrics, ...]
    alerts: tuple[Alert, ...]


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def live_metrics(
    db: Database, clock: Clock, *, idle_alert_minutes: int = DEFAULT_IDLE_ALERT_MINUTES
) -> LiveMetrics:
    """Today's numbers, read in one snapshot (see the module docstring for the definitions)."""
    with db.read_tx() as conn:
        now = clock.now()
        zone = office_zone(conn)
        today = business_day(now, zone)
        timeline = Timeline(now.astimezone(dt.UTC).replace(tzinfo=None))
        calls: dict[int, dt.datetime] = {}
        parse = timestamp_parser(conn)
        start = first_event_id(conn, today)
        for kind_text, at_text, ticket_id, counter_id, officer_id in Q_TIMELINE.rows(
            conn, {"start": start}
        ):
            kind, at = KINDS[kind_text], parse(at_text)
            timeline.add(kind, at, ticket_id, counter_id, officer_id)
            if kind is EventKind.TICKET_CALLED and ticket_id is not None:
                calls.setdefault(ticket_id, at)
        facts = day_facts(conn, today, zone, calls)
        waiting = _waiting_today(conn, today)
        services = _services(conn, facts, waiting, now)
        counters, idle_alerts = _counters(conn, waiting, timeline, now, idle_alert_minutes)
        officers = _officers(conn, facts, timeline)
        alerts = _wait_alerts(services) + idle_alerts + _printer_alerts(conn, zone)
        return LiveMetrics(
            at=now,
            business_day=today,
            services=services,
            counters=counters,
            hours=_hours(facts),
            officers=officers,
            alerts=tuple(alerts),
        )


@dataclass(frozen=True, slots=True)
class _Waiting:
    service_id: int
    target_counter_id: int | None
    issued_at: dt.datetime


def _waiting_today(conn: Connection, today: dt.date) -> list[_Waiting]:
    rows = conn.execute(
        sa.select(T.c.service_id, T.c.target_counter_id, T.c.issued_at).where(
            T.c.status == str(TicketStatus.WAITING), T.c.business_day == today
        )
    )
    return [_Waiting(r.service_id, r.target_counter_id, r.issued_at) for r in rows]


def _services(
    conn: Connection, facts: list[TicketFacts], waiting: list[_Waiting], now: dt.datetime
) -> tuple[ServiceMetrics, ...]:
    waits: dict[int, list[int]] = defaultdict(list)
    served: dict[int, int] = defaultdict(int)
    no_show: dict[int, int] = defaultdict(int)
    for fact in facts:
        if fact.wait_seconds is not None:
            waits[fact.service_id].append(fact.wait_seconds)
        if fact.status is TicketStatus.FINISHED:
            served[fact.service_id] += 1
        elif fact.status is TicketStatus.NO_SHOW:
            no_show[fact.service_id] += 1
    queue: dict[int, list[dt.datetime]] = defaultdict(list)
    for w in waiting:
        queue[w.service_id].append(w.issued_at)
    result = []
    for s in conn.execute(sa.select(S).order_by(S.c.sort_order, S.c.id)):
        issued = queue.get(s.id, [])
        values = sorted(waits.get(s.id, []))
        longest = max(0, int((now - min(issued)).total_seconds())) if issued else 0
        result.append(
            ServiceMetrics(
                code=s.code,
                name_vi=s.name_vi,
                name_en=s.name_en,
                waiting=len(issued),
                longest_wait_seconds=longest,
                wait_threshold_minutes=s.wait_threshold_minutes,
                called=len(values),
                average_wait_seconds=_mean(values),
                p90_wait_seconds=nearest_rank(values, 90),
                served=served[s.id],
                no_show=no_show[s.id],
            )
        )
    return tuple(result)


def _hours(facts: list[TicketFacts]) -> tuple[HourMetrics, ...]:
    arrivals: dict[int, int] = defaultdict(int)
    served: dict[int, int] = defaultdict(int)
    waits: dict[int, list[int]] = defaultdict(list)
    for fact in facts:
        arrivals[fact.issued_hour] += 1
        if fact.wait_seconds is not None:
            waits[fact.issued_hour].append(fact.wait_seconds)
        if fact.finished_hour is not None:
            served[fact.finished_hour] += 1
    hours = set(arrivals) | set(served)
    if not hours:
        return ()
    return tuple(
        HourMetrics(hour, arrivals[hour], served[hour], _mean(waits[hour]))
        for hour in range(min(hours), max(hours) + 1)
    )


# ---------------------------------------------------------------------- counters and officers


def _counters(
    conn: Connection,
    waiting: list[_Waiting],
    timeline: Timeline,
    now: dt.datetime,
    idle_alert_minutes: int,
) -> tuple[tuple[CounterMetrics, ...], list[Alert]]:
    services = {r.id: r.code for r in conn.execute(sa.select(S.c.id, S.c.code))}
    result, alerts = [], []
    for view in counter_views(conn):
        serves = {sid for sid, code in services.items() if code in view.service_codes}
        eligible = [
            w.issued_at
            for w in waiting
            if w.target_counter_id == view.id
            or (w.target_counter_id is None and (not serves or w.service_id in serves))
        ]
        ticket = view.active_ticket
        track = timeline.counters.get(view.id)
        idle_seconds = None
        if view.state is CounterState.CLOSED:
            activity = CounterActivity.CLOSED
        elif view.state is CounterState.PAUSED:
            activity = CounterActivity.PAUSED
        elif ticket is not None and ticket.status in ACTIVE_STATUSES:
            activity = CounterActivity.SERVING
        else:
            activity = CounterActivity.IDLE
            idle_since = None
            if track is not None and track.last_change is not None:
                idle_since = track.last_change.replace(tzinfo=dt.UTC)
            if idle_since is not None:
                idle_seconds = max(0, int((now - idle_since).total_seconds()))
            if eligible:
                since = max(min(eligible), idle_since) if idle_since else min(eligible)
                seconds = int((now - since).total_seconds())
                if seconds > idle_alert_minutes * 60:
                    minutes = seconds // 60
                    alerts.append(
                        Alert(
                            AlertKind.COUNTER_IDLE,
                            str(view.number),
                            f"Quầy {view.number} rảnh {minutes} phút trong khi "
                            f"{len(eligible)} người đang chờ",
                            f"counter {view.number} idle for {minutes} min while "
                            f"{len(eligible)} citizens wait",
                            since,
                        )
                    )
        called_at = ticket.called_at if ticket is not None else None
        result.append(
            CounterMetrics(
                number=view.number,
                name=view.name,
                activity=activity,
                pause_reason=view.pause_reason,
                officer_code=view.officer_code,
                ticket_number=ticket.display_number if ticket else None,
                ticket_status=ticket.status if ticket else None,
                ticket_seconds=(
                    max(0, int((now - called_at).total_seconds())) if called_at else None
                ),
                idle_seconds=idle_seconds,
                waiting_for_it=len(eligible),
            )
        )
    return tuple(result), alerts


def _officers(
    conn: Connection, facts: list[TicketFacts], timeline: Timeline
) -> tuple[OfficerMetrics, ...]:
    timeline.finish()
    served: dict[int, int] = defaultdict(int)
    service_times: dict[int, list[int]] = defaultdict(list)
    for fact in facts:
        if fact.officer_id is None or fact.status is not TicketStatus.FINISHED:
            continue
        served[fact.officer_id] += 1
        if fact.service_seconds is not None:
            service_times[fact.officer_id].append(fact.service_seconds)
    seen = set(served) | set(timeline.open_seconds)
    result = []
    for o in conn.execute(sa.select(OF.c.id, OF.c.code, OF.c.full_name).order_by(OF.c.code)):
        if o.id not in seen:
            continue
        open_seconds = timeline.open_seconds.get(o.id, 0.0)
        busy = min(timeline.busy_seconds.get(o.id, 0.0), open_seconds)
        result.append(
            OfficerMetrics(
                code=o.code,
                full_name=o.full_name,
                served=served[o.id],
                average_service_seconds=_mean(service_times[o.id]),
                open_seconds=int(open_seconds),
                idle_seconds=int(open_seconds - busy),
            )
        )
    return tuple(result)


# ---------------------------------------------------------------------- alerts


def _wait_alerts(services: Sequence[ServiceMetrics]) -> list[Alert]:
    alerts = []
    for s in services:
        if s.waiting and s.longest_wait_seconds > s.wait_threshold_minutes * 60:
            minutes = s.longest_wait_seconds // 60
            alerts.append(
                Alert(
                    AlertKind.LONG_WAIT,
                    s.code,
                    f"{s.name_vi}: có người đã chờ {minutes} phút "
                    f"(ngưỡng {s.wait_threshold_minutes} phút)",
                    f"{s.code} ({s.name_en}): a citizen has waited {minutes} min "
                    f"(threshold {s.wait_threshold_minutes} min)",
                )
            )
    return alerts


def _printer_alerts(conn: Connection, zone: ZoneInfo) -> list[Alert]:
    latest: dict[str, tuple[int, str, dt.datetime, dict[str, Any]]] = {}
    for kind in (EventKind.PRINTER_FAULT, EventKind.PRINTER_RESTORED):
        rows = conn.execute(
            sa.select(E.c.id, E.c.at, E.c.details)
            .where(E.c.kind == str(kind))
            .order_by(E.c.id.desc())
            .limit(_PRINTER_EVENTS_READ)
        )
        for row in rows:
            details = dict(row.details or {})
            kiosk = str(details.get("kiosk", "kiosk"))
            if kiosk not in latest or latest[kiosk][0] < row.id:
                latest[kiosk] = (row.id, str(kind), row.at, details)
    alerts = []
    for kiosk, (_, last_kind, at, details) in sorted(latest.items()):
        if last_kind != EventKind.PRINTER_FAULT:
            continue
        local = at.astimezone(zone).strftime("%H:%M %d/%m")
        detail = str(details.get("detail", ""))
        suffix = f": {detail}" if detail else ""
        alerts.append(
            Alert(
                AlertKind.PRINTER_FAULT,
                kiosk,
                f"Máy in của kiosk {kiosk} bị lỗi từ {local}{suffix}",
                f"kiosk {kiosk} printer fault since {local}{suffix}",
                at,
            )
        )
    return alerts
