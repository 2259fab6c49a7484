"""The queue engine: ticket and counter use cases, each one write transaction with its event rows.

The transactions come from shared.queue.transactions.WriteSide: the write lock is held from the
first statement, so reading "the next ticket" and claiming it can never interleave with another
counter or kiosk.

Rules kept here:
- numbering per service and business day, restarting by itself with the day;
- the queue order is the ticket id (the office's arrival order), never a clock reading, so a
  transferred ticket keeps its place and a clock jumping back cannot reorder anybody;
- call next takes, across the services the counter serves, the longest-waiting ticket after the
  priority policy (shared.rules.priority);
- a counter holds at most one active ticket. "Call next" on a counter that still holds one first
  finishes it in the same transaction (outcome "not recorded" unless given, its own event row with
  closed_by = call_next); an officer who wants a no-show presses No-show first;
- at the first write of a new business day, tickets left open from earlier days are closed as
  expired, each with an event.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from shared.errors import ConflictError, InvalidInputError, NotFoundError
from shared.queue.transactions import CounterRow, Tx, WriteSide
from shared.rules.domain import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    TICKET_STATUS_VI,
    CallResult,
    CounterState,
    CounterView,
    EventKind,
    IssueResult,
    Outcome,
    TicketStatus,
    TicketView,
)
from shared.rules.estimate import RECENT_SAMPLE, predicted_wait_minutes
from shared.rules.numbering import NumberingFormat, business_day
from shared.rules.priority import Candidate, choose
from shared.storage.prepared import Prepared
from shared.storage.tables import (
    CS,
    Q_LAST_SEQUENCE,
    AnyRow,
    C,
    E,
    T,
    counter_views,
    office_zone,
    ticket_select,
    ticket_view,
)

log = logging.getLogger(__name__)

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
# A prepared statement holds no IN (...) list: "status is called or serving" is written out.
_ISSUE_FIELDS = (
    "business_day",
    "issued_service_id",
    "sequence",
    "display_number",
    "service_id",
    "priority_category",
    "status",
    "issued_at",
    "call_count",
    "token",
)
_Q_ISSUE = Prepared(
    T.insert()
    .values({name: sa.bindparam(name, type_=T.c[name].type) for name in _ISSUE_FIELDS})
    .returning(*T.c)
)
_Q_LAST_CALLS = Prepared(
    sa.select(E.c.details)
    .where(E.c.kind == str(EventKind.TICKET_CALLED), E.c.business_day == sa.bindparam("day"))
    .order_by(E.c.id.desc())
    .limit(sa.bindparam("limit"))
)
_Q_CLAIM = Prepared(
    T.update()
    .where(
        T.c.id == sa.bindparam("ticket_id"),
        sa.or_(T.c.status == str(TicketStatus.WAITING), T.c.status == str(TicketStatus.NO_SHOW)),
    )
    .values(
        status=str(TicketStatus.CALLED),
        counter_id=sa.bindparam("counter_id"),
        target_counter_id=None,
        officer_id=sa.bindparam("officer_id"),
        called_at=sa.bindparam("now", type_=T.c.called_at.type),
        started_at=None,
        finished_at=None,
        call_count=T.c.call_count + 1,
    )
    .returning(*T.c)
)
_Q_FINISH = Prepared(
    T.update()
    .where(T.c.id == sa.bindparam("ticket_id"))
    .values(
        status=str(TicketStatus.FINISHED),
        outcome=sa.bindparam("outcome"),
        finished_at=sa.bindparam("now", type_=T.c.finished_at.type),
    )
    .returning(*T.c)
)


class QueueEngine(WriteSide):
    """Ticket and counter use cases. One instance per process; safe to share between threads.

    Args:
        db: the database (write and read engines).
        clock: where the time comes from.
    """

    def _require_active(
        self, counter: CounterRow, row: AnyRow | None, allowed: Sequence[TicketStatus]
    ) -> AnyRow:
        if row is None:
            raise ConflictError(
                f"Quầy {counter.number} không có số nào đang gọi hoặc phục vụ",
                f"counter {counter.number} has no called or served ticket",
            )
        if TicketStatus(row.status) not in allowed:
            status_vi = TICKET_STATUS_VI[TicketStatus(row.status)]
            raise ConflictError(
                f"Số {row.display_number} {status_vi}: không thể làm thao tác này",
                f"ticket {row.display_number} is {row.status}: this action does not apply",
            )
        return row

    def _require_open(self, counter: CounterRow) -> None:
        if counter.state is CounterState.CLOSED:
            raise ConflictError(
                f"Quầy {counter.number} đang đóng: hãy mở quầy trước",
                f"counter {counter.number} is closed: open it first",
            )
        if counter.state is CounterState.PAUSED:
            raise ConflictError(
                f"Quầy {counter.number} đang tạm dừng: hãy tiếp tục trước",
                f"counter {counter.number} is paused: resume it first",
            )

    # ------------------------------------------------------------------ issuing

    def issue_ticket(self, service_ref: str, priority: str | None = None) -> IssueResult:
        """Issue the next number of a service (kiosk, CLI). Refused when closed or capped."""
        token = secrets.token_urlsafe(12)
        with self._tx() as tx:
            service = self._service(tx.conn, service_ref)
            if priority is not None and tx.policy.category(priority) is None:
                known = ", ".join(c.code for c in tx.policy.categories)
                raise InvalidInputError(
                    f"Đối tượng ưu tiên '{priority}' không hợp lệ (có: {known})",
                    f"invalid priority category '{priority}' (known: {known})",
                )
            if not service.is_open:
                raise ConflictError(
                    f"Thủ tục {service.name_vi} đang tạm ngừng nhận số",
                    f"service {service.code} ({service.name_en}) is closed",
                )
            issued = Q_LAST_SEQUENCE.scalar(tx.conn, {"service_id": service.id, "day": tx.today})
            sequence = (issued or 0) + 1
            numbering = NumberingFormat(service.prefix, service.block_start, service.block_end)
            cap = min(service.daily_cap or numbering.capacity, numbering.capacity)
            if sequence > cap:
                raise ConflictError(
                    f"Thủ tục {service.name_vi} đã hết số trong ngày ({cap} số)",
                    f"service {service.code} reached its daily cap ({cap} tickets)",
                )
            row = _Q_ISSUE.one(
                tx.conn,
                {
                    "business_day": tx.today,
                    "issued_service_id": service.id,
                    "sequence": sequence,
                    "display_number": numbering.display_number(sequence),
                    "service_id": service.id,
                    "priority_category": priority,
                    "status": str(TicketStatus.WAITING),
                    "issued_at": tx.now,
                    "call_count": 0,
                    "token": token,
                },
            )
            ticket_id = row.id
            self._event(
                tx,
                EventKind.TICKET_ISSUED,
                ticket_id=ticket_id,
                service_id=service.id,
                details={"priority_category": priority} if priority else None,
            )
        # The estimate is read after the commit: no need to hold the write lock for it.
        with self._db.read_tx() as conn:
            is_priority = priority is not None
            ahead, wait = estimate_in_tx(conn, tx.today, service.id, is_priority, ticket_id)
        return IssueResult(self._row_view(tx, row), ahead, wait)

    def estimate(self, service_ref: str, priority: bool = False) -> tuple[int, int]:
        """People waiting ahead of a ticket issued now, and its predicted wait (kiosk tiles)."""
        with self._db.read_tx() as conn:
            service = self._service(conn, service_ref)
            zone = office_zone(conn)
            today = business_day(self._clock.now(), zone)
            return estimate_in_tx(conn, today, service.id, priority, None)

    # ------------------------------------------------------------------ the kiosk's printer

    def record_printer_fault(self, kiosk: str, detail: str, ticket_id: int | None = None) -> None:
        """A kiosk could not print (the ticket, if any, stays issued and valid)."""
        with self._tx(durable=False) as tx:
            service_id = None
            if ticket_id is not None:
                service_id = self._ticket_row(tx.conn, ticket_id).service_id
            self._event(
                tx,
                EventKind.PRINTER_FAULT,
                ticket_id=ticket_id,
                service_id=service_id,
                details={"kiosk": kiosk, "detail": detail[:300]},
            )

    def record_printer_restored(self, kiosk: str) -> None:
        """A kiosk's printer printed again after a fault."""
        with self._tx(durable=False) as tx:
            self._event(tx, EventKind.PRINTER_RESTORED, details={"kiosk": kiosk})

    def reprint(self, ticket_id: int, kiosk: str) -> TicketView:
        """Record that a ticket is printed again and return it: the same ticket, never a new one."""
        with self._tx(durable=False) as tx:
            row = self._ticket_row(tx.conn, ticket_id)
            self._event(
                tx,
                EventKind.TICKET_REPRINTED,
                ticket_id=row.id,
                service_id=row.service_id,
                details={"kiosk": kiosk},
            )
            return self._row_view(tx, row)

    def _ticket_row(self, conn: Connection, ticket_id: int) -> AnyRow:
        row = conn.execute(sa.select(T).where(T.c.id == ticket_id)).first()
        if row is None:
            raise NotFoundError(f"Không có phiếu số {ticket_id}", f"unknown ticket id {ticket_id}")
        return row

    # ------------------------------------------------------------------ calling

    def call_next(
        self,
        counter_number: int,
        *,
        officer_code: str | None = None,
        previous_outcome: Outcome = Outcome.NOT_RECORDED,
    ) -> CallResult:
        """Call the next citizen to a counter (see the module docstring for the rules)."""
        with self._tx(durable=False) as tx:
            conn = tx.conn
            counter, active = self._counter_with_active(conn, counter_number)
            self._require_open(counter)
            officer_id = self._officer_id(conn, officer_code, counter.officer_id)
            closed = None
            if active is not None:
                closed = self._finish_row(
                    tx,
                    counter,
                    active,
                    outcome=previous_outcome,
                    officer_id=officer_id,
                    closed_by="call_next",
                )
            chosen, over_normal = self._next_candidate(tx, counter)
            called = None
            if chosen is not None:
                called = self._claim(tx, counter, chosen, officer_id, {"over_normal": over_normal})
        # The views are built once the write lock is free for the next counter.
        return CallResult(counter.number, self._view(tx, called), self._view(tx, closed))

    def _next_candidate(self, tx: Tx, counter: CounterRow) -> tuple[int | None, bool]:
        normal = priority = None
        for row in _Q_CANDIDATES.rows(tx.conn, {"day": tx.today, "counter_id": counter.id}):
            if row.is_priority:
                priority = Candidate(row.id, row.issued_at)
            else:
                normal = Candidate(row.id, row.issued_at)
        streak = 0
        if normal is not None and priority is not None:
            streak = self._priority_streak(tx)
        chosen = choose(normal, priority, tx.policy, tx.now, streak)
        if chosen is None:
            return None, False
        return chosen.ticket_id, chosen is priority and normal is not None

    def _priority_streak(self, tx: Tx) -> int:
        """How many of today's latest calls took a priority ticket while a normal one waited."""
        rows = _Q_LAST_CALLS.rows(tx.conn, {"day": tx.today, "limit": tx.policy.interleave_n})
        streak = 0
        for (details,) in rows:
            if not details.get("over_normal"):
                break
            streak += 1
        return streak

    def _claim(
        self,
        tx: Tx,
        counter: CounterRow,
        ticket_id: int,
        officer_id: int | None,
        details: dict[str, Any],
    ) -> AnyRow:
        """Give the ticket to the counter; returns its new row (RETURNING)."""
        row = _Q_CLAIM.one(  # the write lock is held: the row cannot have moved since it was read
            tx.conn,
            {
                "ticket_id": ticket_id,
                "counter_id": counter.id,
                "officer_id": officer_id,
                "now": tx.now,
            },
        )
        self._event(
            tx,
            EventKind.TICKET_CALLED,
            ticket_id=ticket_id,
            counter_id=counter.id,
            officer_id=officer_id,
            service_id=row.service_id,
            details={**details, "priority_category": row.priority_category},
        )
        return row

    def call_ticket(
        self,
        counter_number: int,
        display_number: str,
        reason: str,
        *,
        officer_code: str | None = None,
    ) -> CallResult:
        """Call one ticket out of order (a citizen who was away or came back). Needs a reason."""
        if not reason.strip():
            raise InvalidInputError(
                "Gọi số không theo thứ tự cần ghi lý do", "calling out of order needs a reason"
            )
        with self._tx(durable=False) as tx:
            conn = tx.conn
            counter, active = self._counter_with_active(conn, counter_number)
            self._require_open(counter)
            officer_id = self._officer_id(conn, officer_code, counter.officer_id)
            ticket = self._ticket_by_number(tx, display_number)
            if ticket.status in ACTIVE_STATUSES:
                raise ConflictError(
                    f"Số {ticket.display_number} đã được quầy {ticket.counter_number} gọi",
                    f"ticket {ticket.display_number} was already called to counter "
                    f"{ticket.counter_number}",
                )
            if ticket.status not in (TicketStatus.WAITING, TicketStatus.NO_SHOW):
                raise ConflictError(
                    f"Số {ticket.display_number} đã kết thúc ({TICKET_STATUS_VI[ticket.status]})",
                    f"ticket {ticket.display_number} is already closed ({ticket.status})",
                )
            closed = None
            if active is not None:
                closed = self._finish_row(
                    tx,
                    counter,
                    active,
                    outcome=Outcome.NOT_RECORDED,
                    officer_id=officer_id,
                    closed_by="call_next",
                )
            details = {"over_normal": False, "out_of_order": True, "reason": reason.strip()}
            called = self._claim(tx, counter, ticket.id, officer_id, details)
        return CallResult(counter.number, self._row_view(tx, called), self._view(tx, closed))

    def _ticket_by_number(self, tx: Tx, display_number: str) -> TicketView:
        row = tx.conn.execute(
            ticket_select().where(
                T.c.business_day == tx.today, T.c.display_number == display_number.strip().upper()
            )
        ).first()
        if row is None:
            raise NotFoundError(
                f"Không có số {display_number} trong ngày hôm nay",
                f"no ticket {display_number} today",
            )
        return ticket_view(row)

    def recall(self, counter_number: int) -> TicketView:
        """Announce the called ticket again. Its place and times do not change."""
        return self._act_on_active(
            counter_number,
            EventKind.TICKET_RECALLED,
            lambda tx, row: {"call_count": row.call_count + 1},
            lambda row: {"call_count": row.call_count + 1},
        )

    def no_show(self, counter_number: int) -> TicketView:
        """The called citizen did not come. They can still be called out of order later."""
        return self._act_on_active(
            counter_number,
            EventKind.TICKET_NO_SHOW,
            lambda tx, row: {"status": str(TicketStatus.NO_SHOW), "finished_at": tx.now},
            lambda row: {"call_count": row.call_count},
        )

    def start(self, counter_number: int) -> TicketView:
        """The citizen arrived at the counter: service starts."""
        return self._act_on_active(
            counter_number,
            EventKind.SERVICE_STARTED,
            lambda tx, row: {"status": str(TicketStatus.SERVING), "started_at": tx.now},
            lambda row: None,
        )

    def _act_on_active(
        self,
        counter_number: int,
        kind: EventKind,
        values: Callable[[Tx, AnyRow], dict[str, Any]],
        details: Callable[[AnyRow], dict[str, Any] | None],
    ) -> TicketView:
        """Change the ticket a counter has just called (recall, no-show, start) and log it."""
        with self._tx(durable=False) as tx:
            counter, active = self._counter_with_active(tx.conn, counter_number)
            row = self._require_active(counter, active, (TicketStatus.CALLED,))
            changed = tx.conn.execute(
                T.update().where(T.c.id == row.id).values(**values(tx, row)).returning(*T.c)
            ).one()
            self._event(
                tx,
                kind,
                ticket_id=row.id,
                counter_id=counter.id,
                officer_id=row.officer_id,
                service_id=row.service_id,
                details=details(row),
            )
            return self._row_view(tx, changed)

    def finish(self, counter_number: int, outcome: Outcome) -> TicketView:
        """Finish the counter's ticket with an outcome.

        A ticket that was called but never started can be finished too: its start time stays
        empty, so reports leave it out of service times instead of inventing one.
        """
        with self._tx(durable=False) as tx:
            counter, active = self._counter_with_active(tx.conn, counter_number)
            row = self._require_active(counter, active, ACTIVE_STATUSES)
            finished = self._finish_row(
                tx, counter, row, outcome=outcome, officer_id=row.officer_id, closed_by="finish"
            )
        return self._row_view(tx, finished)

    def _finish_row(
        self,
        tx: Tx,
        counter: CounterRow,
        row: AnyRow,
        *,
        outcome: Outcome,
        officer_id: int | None,
        closed_by: str,
    ) -> AnyRow:
        """Finish the ticket of ROW; returns its new row (RETURNING)."""
        finished = _Q_FINISH.one(
            tx.conn, {"ticket_id": row.id, "outcome": str(outcome), "now": tx.now}
        )
        self._event(
            tx,
            EventKind.TICKET_FINISHED,
            ticket_id=row.id,
            counter_id=counter.id,
            officer_id=officer_id,
            service_id=row.service_id,
            details={
                "outcome": str(outcome),
                "closed_by": closed_by,
                "previous_status": row.status,
            },
        )
        return finished

    def transfer(
        self,
        counter_number: int,
        *,
        to_service: str | None = None,
        to_counter: int | None = None,
        reason: str | None = None,
    ) -> TicketView:
        """Send the counter's ticket back to the queue of another service or to one counter.

        The ticket keeps its number and its place in the arrival order.
        """
        if (to_service is None) == (to_counter is None):
            raise InvalidInputError(
                "Chuyển tới một thủ tục hoặc một quầy (chọn một)",
                "transfer to a service or to a counter (exactly one)",
            )
        with self._tx(durable=False) as tx:
            conn = tx.conn
            counter, active = self._counter_with_active(conn, counter_number)
            row = self._require_active(counter, active, ACTIVE_STATUSES)
            values: dict[str, Any] = {
                "status": str(TicketStatus.WAITING),
                "counter_id": None,
                "officer_id": None,
                "called_at": None,
                "started_at": None,
            }
            details: dict[str, Any] = {"from_counter": counter.number, "reason": reason}
            if to_service is not None:
                service = self._service(conn, to_service)
                values["service_id"] = service.id
                values["target_counter_id"] = None
                details |= {"from_service_id": row.service_id, "to_service": service.code}
            else:
                assert to_counter is not None
                target = self._counter(conn, to_counter)
                if target.id == counter.id:
                    raise InvalidInputError(
                        f"Số đang ở quầy {to_counter}: chọn quầy khác",
                        f"the ticket is already at counter {to_counter}",
                    )
                if target.state is CounterState.CLOSED:
                    raise ConflictError(
                        f"Quầy {to_counter} đang đóng", f"counter {to_counter} is closed"
                    )
                values["target_counter_id"] = target.id
                details |= {"to_counter": target.number}
            moved = conn.execute(
                T.update().where(T.c.id == row.id).values(**values).returning(*T.c)
            ).one()
            self._event(
                tx,
                EventKind.TICKET_TRANSFERRED,
                ticket_id=row.id,
                counter_id=counter.id,
                officer_id=row.officer_id,
                service_id=values.get("service_id", row.service_id),
                details=details,
            )
            return self._row_view(tx, moved)

    def cancel(
        self, display_number: str, reason: str, *, officer_code: str | None = None
    ) -> TicketView:
        """Cancel an open ticket of today (the citizen left, a ticket printed by mistake)."""
        if not reason.strip():
            raise InvalidInputError("Hủy số cần ghi lý do", "cancelling needs a reason")
        with self._tx() as tx:
            ticket = self._ticket_by_number(tx, display_number)
            if ticket.status not in OPEN_STATUSES:
                raise ConflictError(
                    f"Số {ticket.display_number} đã kết thúc ({TICKET_STATUS_VI[ticket.status]})",
                    f"ticket {ticket.display_number} is already closed ({ticket.status})",
                )
            officer_id = self._officer_id(tx.conn, officer_code, None)
            row = tx.conn.execute(
                T.update()
                .where(T.c.id == ticket.id)
                .values(status=str(TicketStatus.CANCELLED), finished_at=tx.now)
                .returning(*T.c)
            ).one()
            self._event(
                tx,
                EventKind.TICKET_CANCELLED,
                ticket_id=ticket.id,
                counter_id=row.counter_id,
                officer_id=officer_id,
                service_id=row.service_id,
                details={"reason": reason.strip(), "previous_status": str(ticket.status)},
            )
            return self._row_view(tx, row)

    # ------------------------------------------------------------------ counters

    def open_counter(self, counter_number: int, *, officer_code: str | None = None) -> CounterView:
        with self._tx() as tx:
            counter = self._counter(tx.conn, counter_number)
            officer_id = self._officer_id(tx.conn, officer_code, counter.officer_id)
            if counter.state is not CounterState.CLOSED:
                raise ConflictError(
                    f"Quầy {counter_number} đã mở", f"counter {counter_number} is already open"
                )
            self._set_counter(
                tx,
                counter,
                CounterState.OPEN,
                reason=None,
                officer_id=officer_id,
                kind=EventKind.COUNTER_OPENED,
            )
            return self._counter_view(tx.conn, counter.id)

    def pause_counter(self, counter_number: int, reason: str) -> CounterView:
        if not reason.strip():
            raise InvalidInputError("Tạm dừng cần ghi lý do", "pausing needs a reason")
        with self._tx() as tx:
            counter, active = self._counter_with_active(tx.conn, counter_number)
            self._require_open(counter)
            self._require_idle(counter, active, "tạm dừng", "pause")
            self._set_counter(
                tx,
                counter,
                CounterState.PAUSED,
                reason=reason.strip(),
                officer_id=counter.officer_id,
                kind=EventKind.COUNTER_PAUSED,
            )
            return self._counter_view(tx.conn, counter.id)

    def resume_counter(self, counter_number: int) -> CounterView:
        with self._tx() as tx:
            counter = self._counter(tx.conn, counter_number)
            if counter.state is not CounterState.PAUSED:
                raise ConflictError(
                    f"Quầy {counter_number} không tạm dừng",
                    f"counter {counter_number} is not paused",
                )
            self._set_counter(
                tx,
                counter,
                CounterState.OPEN,
                reason=None,
                officer_id=counter.officer_id,
                kind=EventKind.COUNTER_RESUMED,
            )
            return self._counter_view(tx.conn, counter.id)

    def close_counter(self, counter_number: int) -> CounterView:
        """Close a counter. Tickets that were transferred to it and still wait go back to the
        queue of their service (keeping their place), each with a ticket_transferred event."""
        with self._tx() as tx:
            counter, active = self._counter_with_active(tx.conn, counter_number)
            if counter.state is CounterState.CLOSED:
                raise ConflictError(
                    f"Quầy {counter_number} đã đóng", f"counter {counter_number} is already closed"
                )
            self._require_idle(counter, active, "đóng quầy", "close")
            self._return_transferred(tx, counter, "counter_closed")
            self._set_counter(
                tx,
                counter,
                CounterState.CLOSED,
                reason=None,
                officer_id=None,
                kind=EventKind.COUNTER_CLOSED,
            )
            return self._counter_view(tx.conn, counter.id)

    def _set_counter(
        self,
        tx: Tx,
        counter: CounterRow,
        state: CounterState,
        *,
        reason: str | None,
        officer_id: int | None,
        kind: EventKind,
    ) -> None:
        tx.conn.execute(
            C.update()
            .where(C.c.id == counter.id)
            .values(state=str(state), pause_reason=reason, officer_id=officer_id)
        )
        self._event(
            tx,
            kind,
            counter_id=counter.id,
            officer_id=officer_id if officer_id is not None else counter.officer_id,
            details={"reason": reason} if reason else None,
        )

    def _counter_view(self, conn: Connection, counter_id: int) -> CounterView:
        return counter_views(conn, counter_id)[0]

    # ------------------------------------------------------------------ end of day

    def end_day(self, *, include_today: bool = False) -> int:
        """Close open tickets as expired: those of earlier days, and today's too if asked
        (the office closes with people still waiting). Returns how many were closed."""
        with self._tx() as tx:
            if not include_today:
                return 0  # _tx already expired every earlier day
            rows = tx.conn.execute(
                sa.select(T.c.id, T.c.counter_id, T.c.service_id, T.c.status, T.c.display_number)
                .where(
                    T.c.status.in_([str(s) for s in OPEN_STATUSES]), T.c.business_day == tx.today
                )
                .order_by(T.c.id)
            ).all()
            return self._expire_rows(tx, rows, "office_closed")


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
