"""Who waits for what: the next ticket a counter calls, and how many people are ahead of a new
ticket and how long it should wait. Read inside the caller's transaction (the engine's, under
the write lock, or a read transaction for the kiosk's tiles)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from shared.queue.transactions import CounterRow, Tx
from shared.rules.domain import CounterState, EventKind, TicketStatus
from shared.rules.estimate import RECENT_SAMPLE, predicted_wait_minutes
from shared.rules.priority import Candidate, choose
from shared.storage.prepared import Prepared
from shared.storage.tables import CS, C, E, T

# The statements of the hot paths are built once: building a SQLAlchemy statement costs more than
# running it, and every microsecond here is spent holding the office's write lock.
_WAITING_TODAY = sa.and_(
    T.c.status == str(TicketStatus.WAITING), T.c.business_day == sa.bindparam("day")
)
# A counter with no rows in counter_service serves every procedure.
_COUNTER_FILTER = sa.select(CS.c.service_id).where(CS.c.counter_id == sa.bindparam("counter_id"))
_SERVES = sa.or_(~sa.exists(_COUNTER_FILTER.scalar_subquery()), T.c.service_id.in_(_COUNTER_FILTER))
# Tickets transferred to one counter wait for that counter only.
_ELIGIBLE = sa.or_(
    sa.and_(T.c.target_counter_id.is_(None), _SERVES),
    T.c.target_counter_id == sa.bindparam("counter_id"),
)


def _oldest(priority: bool) -> sa.Subquery:
    kind = T.c.priority_category.is_not(None) if priority else T.c.priority_category.is_(None)
    return (
        sa.select(T.c.id, T.c.issued_at, sa.literal(priority).label("is_priority"))
        .where(_WAITING_TODAY, _ELIGIBLE, kind)
        .order_by(T.c.id)
        .limit(1)
        .subquery()
    )


# The longest-waiting normal ticket and the longest-waiting priority ticket, in one round trip.
_Q_CANDIDATES = Prepared(sa.union_all(sa.select(_oldest(False)), sa.select(_oldest(True))))
_Q_LAST_CALLS = Prepared(
    sa.select(E.c.details)
    .where(E.c.kind == str(EventKind.TICKET_CALLED), E.c.business_day == sa.bindparam("day"))
    .order_by(E.c.id.desc())
    .limit(sa.bindparam("limit"))
)


def next_candidate(tx: Tx, counter: CounterRow) -> tuple[int | None, bool]:
    """The ticket COUNTER calls next after the priority policy, and whether it is a priority
    ticket taken while a normal one waited (None when nobody waits for this counter)."""
    normal = priority = None
    for row in _Q_CANDIDATES.rows(tx.conn, {"day": tx.today, "counter_id": counter.id}):
        if row.is_priority:
            priority = Candidate(row.id, row.issued_at)
        else:
            normal = Candidate(row.id, row.issued_at)
    streak = 0
    if normal is not None and priority is not None:
        streak = _priority_streak(tx)
    chosen = choose(normal, priority, tx.policy, tx.now, streak)
    if chosen is None:
        return None, False
    return chosen.ticket_id, chosen is priority and normal is not None


def _priority_streak(tx: Tx) -> int:
    """How many of today's latest calls took a priority ticket while a normal one waited."""
    rows = _Q_LAST_CALLS.rows(tx.conn, {"day": tx.today, "limit": tx.policy.interleave_n})
    streak = 0
    for (details,) in rows:
        if not details.get("over_normal"):
            break
        streak += 1
    return streak


@dataclass(frozen=True, slots=True)
class QueueShape:
    """What every estimate of a day shares: the counters, their service filters and how long
    the last RECENT_SAMPLE services took (read once when estimating several services)."""

    counters: tuple[tuple[int, str], ...]
    filters: dict[int, set[int]]
    recent_seconds: tuple[float, ...]


def queue_shape(conn: Connection, today: dt.date) -> QueueShape:
    filters: dict[int, set[int]] = {}
    for counter_id, sid in conn.execute(sa.select(CS.c.counter_id, CS.c.service_id)):
        filters.setdefault(counter_id, set()).add(sid)
    recent = conn.execute(
        sa.select(T.c.called_at, T.c.finished_at)
        .where(
            T.c.business_day == today,
            T.c.status == str(TicketStatus.FINISHED),
            T.c.called_at.is_not(None),
        )
        .order_by(T.c.finished_at.desc())
        .limit(RECENT_SAMPLE)
    ).all()
    return QueueShape(
        counters=tuple((c.id, c.state) for c in conn.execute(sa.select(C.c.id, C.c.state))),
        filters=filters,
        recent_seconds=tuple((r.finished_at - r.called_at).total_seconds() for r in recent),
    )


def estimate_in_tx(
    conn: Connection,
    today: dt.date,
    service_id: int,
    is_priority: bool,
    before_id: int | None,
    *,
    shape: QueueShape | None = None,
) -> tuple[int, int]:
    """People ahead of a ticket of SERVICE_ID and its predicted wait in minutes."""
    shape = shape or queue_shape(conn, today)
    filters = shape.filters
    serving = [
        (cid, state)
        for cid, state in shape.counters
        if not filters.get(cid) or service_id in filters[cid]
    ]
    open_count = sum(1 for _, state in serving if state == CounterState.OPEN)
    reachable: set[int] | None = set()
    for cid, _ in serving:
        if not filters.get(cid):
            reachable = None  # a generalist counter: the whole office queue is shared
            break
        assert reachable is not None
        reachable |= filters[cid]
    cond = [T.c.status == str(TicketStatus.WAITING), T.c.business_day == today]
    if before_id is not None:
        cond.append(T.c.id < before_id)
    if reachable is not None:
        cond.append(T.c.service_id.in_(reachable or {service_id}))
    if is_priority:
        cond.append(T.c.priority_category.is_not(None))
    ahead = conn.execute(sa.select(sa.func.count()).select_from(T).where(*cond)).scalar_one()
    return ahead, predicted_wait_minutes(ahead, open_count, shape.recent_seconds)
