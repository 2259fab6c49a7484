"""Who waits for what: the next ticket a counter calls, and how many people are ahead of a new
ticket and how long it should wait. Read inside the caller's transaction (the engine's, under
the write lock, or a read transaction for the kiosk's tiles)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from shared.queue.transactions import CounterRow, Tx
from shared.rules.domain import ACTIVE_STATUSES, CounterState, EventKind, TicketStatus
from shared.rules.estimate import EXACT_TURNS, SERVICE_SAMPLE, QueueState, predicted_wait_minutes
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
    """What every estimate of a moment shares (read once when estimating several services).

    Attributes:
        now: the moment.
        counters: (id, state) of every counter.
        filters: the services of each counter that serves only some (none: every service).
        holding: for each counter holding a citizen: the ticket's service and seconds since its
            call.
        recent_seconds: call-to-close seconds of today's latest tickets closed at a counter
            (finished or no-show), latest first.
        service_seconds: the same times, per service.
    """

    now: dt.datetime
    counters: tuple[tuple[int, str], ...]
    filters: dict[int, set[int]]
    holding: dict[int, tuple[int, float]]
    recent_seconds: tuple[float, ...]
    service_seconds: dict[int, list[float]]


_CLOSED_AT_COUNTER = (str(TicketStatus.FINISHED), str(TicketStatus.NO_SHOW))


def queue_shape(conn: Connection, today: dt.date, now: dt.datetime) -> QueueShape:
    filters: dict[int, set[int]] = {}
    for counter_id, sid in conn.execute(sa.select(CS.c.counter_id, CS.c.service_id)):
        filters.setdefault(counter_id, set()).add(sid)
    recent = conn.execute(
        sa.select(T.c.service_id, T.c.called_at, T.c.finished_at)
        .where(
            T.c.business_day == today,
            T.c.status.in_(_CLOSED_AT_COUNTER),
            T.c.called_at.is_not(None),
            T.c.finished_at.is_not(None),
        )
        .order_by(T.c.finished_at.desc())
        .limit(SERVICE_SAMPLE)
    ).all()
    holding = {
        r.counter_id: (r.service_id, max(0.0, (now - r.called_at).total_seconds()))
        for r in conn.execute(
            sa.select(T.c.counter_id, T.c.service_id, T.c.called_at).where(
                T.c.business_day == today,
                T.c.status.in_([str(s) for s in ACTIVE_STATUSES]),
                T.c.counter_id.is_not(None),
                T.c.called_at.is_not(None),
            )
        )
    }
    recent_seconds = tuple((r.finished_at - r.called_at).total_seconds() for r in recent)
    per_service: dict[int, list[float]] = {}
    for row, seconds in zip(recent, recent_seconds, strict=True):
        per_service.setdefault(row.service_id, []).append(seconds)
    return QueueShape(
        now=now,
        counters=tuple((c.id, c.state) for c in conn.execute(sa.select(C.c.id, C.c.state))),
        filters=filters,
        holding=holding,
        recent_seconds=recent_seconds,
        service_seconds=per_service,
    )


def estimate_in_tx(
    conn: Connection,
    today: dt.date,
    now: dt.datetime,
    service_id: int,
    is_priority: bool,
    *,
    before_id: int | None = None,
    shape: QueueShape | None = None,
) -> tuple[int, int]:
    """People ahead of a ticket of SERVICE_ID and its predicted wait in minutes
    (shared.rules.estimate has the method)."""
    shape = shape or queue_shape(conn, today, now)
    filters = shape.filters
    serving = [
        (cid, state)
        for cid, state in shape.counters
        if not filters.get(cid) or service_id in filters[cid]
    ]
    open_ids = [cid for cid, state in serving if state == CounterState.OPEN]
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
    # The first EXACT_TURNS per counter one by one, in the order they will be called; the
    # others by procedure (a long queue is not read ticket by ticket for every estimate).
    exact = EXACT_TURNS * max(len(open_ids), 1)
    first = sa.select(T.c.service_id).where(*cond)
    ahead = [
        sid
        for (sid,) in conn.execute(
            first.order_by(T.c.priority_category.is_(None), T.c.id).limit(exact)
        )
    ]
    more: dict[int, int] = {}
    if len(ahead) == exact:
        counts = sa.select(T.c.service_id, sa.func.count()).where(*cond).group_by(T.c.service_id)
        more = {sid: count for sid, count in conn.execute(counts)}
        for sid in ahead:
            more[sid] -= 1
    busy = [shape.holding[cid] for cid in open_ids if cid in shape.holding]
    state = QueueState(
        ahead=ahead,
        more=more,
        busy=busy,
        idle=len(open_ids) - len(busy),
        recent_seconds=shape.recent_seconds,
        service_seconds=shape.service_seconds,
    )
    return len(ahead) + sum(more.values()), predicted_wait_minutes(state)
