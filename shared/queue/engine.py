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

QueueEngine is the one class the apps use. The calling and serving use cases are here; the kiosk's
come from shared.queue.issuing, the counters' own from shared.queue.counters, and who is next and
how long a new ticket waits from shared.queue.waiting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from shared.errors import ConflictError, InvalidInputError, NotFoundError
from shared.queue.counters import CounterActions
from shared.queue.issuing import IssuingActions
from shared.queue.transactions import CounterRow, Tx
from shared.queue.waiting import next_candidate
from shared.rules.domain import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    TICKET_STATUS_VI,
    CallResult,
    CounterState,
    EventKind,
    Outcome,
    TicketStatus,
    TicketView,
)
from shared.storage.prepared import Prepared
from shared.storage.tables import (
    AnyRow,
    T,
    ticket_select,
    ticket_view,
)

log = logging.getLogger(__name__)

# A prepared statement holds no IN (...) list: "status is called or serving" is written out.
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


class QueueEngine(IssuingActions, CounterActions):
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
            chosen, over_normal = next_candidate(tx, counter)
            called = None
            if chosen is not None:
                called = self._claim(tx, counter, chosen, officer_id, {"over_normal": over_normal})
        # The views are built once the write lock is free for the next counter.
        return CallResult(counter.number, self._view(tx, called), self._view(tx, closed))

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
