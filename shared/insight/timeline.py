"""Today's counter and ticket events replayed in order: how long each officer's counter was open
and how long it held a ticket, and when each counter last changed (for the idle time)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from shared.insight.reports import raw_timestamp
from shared.rules.domain import EventKind
from shared.storage.prepared import Prepared
from shared.storage.tables import E

TIMELINE_KINDS = (
    EventKind.COUNTER_OPENED,
    EventKind.COUNTER_PAUSED,
    EventKind.COUNTER_RESUMED,
    EventKind.COUNTER_CLOSED,
    EventKind.COUNTER_RELEASED,
    EventKind.TICKET_CALLED,
    EventKind.TICKET_FINISHED,
    EventKind.TICKET_NO_SHOW,
    EventKind.TICKET_TRANSFERRED,
    EventKind.TICKET_CANCELLED,
)
ENDS_HOLDING = frozenset(
    {
        EventKind.TICKET_FINISHED,
        EventKind.TICKET_NO_SHOW,
        EventKind.TICKET_TRANSFERRED,
        EventKind.TICKET_CANCELLED,
    }
)


KINDS = {str(k): k for k in TIMELINE_KINDS}
# Run on the DB-API cursor (shared.storage.prepared): a busy day has tens of thousands of these
# events.
Q_TIMELINE = Prepared(
    sa.select(E.c.kind, raw_timestamp(E.c.at), E.c.ticket_id, E.c.counter_id, E.c.officer_id)
    .where(E.c.id >= sa.bindparam("start"), sa.or_(*(E.c.kind == kind for kind in KINDS)))
    .order_by(E.c.id)
)


@dataclass(slots=True)
class CounterTrack:
    open_since: dt.datetime | None = None  # open and not paused since
    officer_id: int | None = None
    holding: int | None = None  # the ticket id it holds
    holding_since: dt.datetime | None = None
    last_change: dt.datetime | None = None  # its last event today (naive UTC, as all here)


@dataclass(slots=True)
class Timeline:
    """Replays today's counter and ticket events into open and busy time per officer."""

    now: dt.datetime
    counters: dict[int, CounterTrack] = field(default_factory=dict)
    open_seconds: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    busy_seconds: dict[int, float] = field(default_factory=lambda: defaultdict(float))

    def add(
        self,
        kind: EventKind,
        at: dt.datetime,
        ticket_id: int | None,
        counter_id: int | None,
        officer_id: int | None,
    ) -> None:
        if counter_id is None:
            return
        track = self.counters.get(counter_id)
        if track is None:
            track = self.counters[counter_id] = CounterTrack()
        if kind is EventKind.COUNTER_OPENED or kind is EventKind.COUNTER_RESUMED:
            self._close_open(track, at)
            track.open_since = at
            track.officer_id = officer_id or track.officer_id
        elif kind in (
            EventKind.COUNTER_PAUSED,
            EventKind.COUNTER_CLOSED,
            EventKind.COUNTER_RELEASED,
        ):
            self._end_holding(track, at)
            self._close_open(track, at)
            track.open_since = None
        elif kind is EventKind.TICKET_CALLED:
            self._end_holding(track, at)
            if track.open_since is None:  # open since before today: count from its first call
                track.open_since = at
            track.officer_id = officer_id or track.officer_id
            track.holding, track.holding_since = ticket_id, at
        elif kind in ENDS_HOLDING and ticket_id == track.holding:
            self._end_holding(track, at)
        else:
            return  # an event about another ticket (a stranded transfer, an old no-show)
        track.last_change = at

    def _end_holding(self, track: CounterTrack, at: dt.datetime) -> None:
        if track.holding_since is not None and track.officer_id is not None:
            self.busy_seconds[track.officer_id] += (at - track.holding_since).total_seconds()
        track.holding = track.holding_since = None

    def _close_open(self, track: CounterTrack, at: dt.datetime) -> None:
        if track.open_since is not None and track.officer_id is not None:
            self.open_seconds[track.officer_id] += (at - track.open_since).total_seconds()
        track.open_since = at if track.open_since is not None else None

    def finish(self) -> None:
        """Count the open counters and held tickets up to now (call once, at the end)."""
        for track in self.counters.values():
            self._end_holding(track, self.now)
            self._close_open(track, self.now)
