"""A counter's own use cases: open, pause, resume, close, and the end of the office day.
Each is one transaction with its event row (shared.queue.transactions); part of QueueEngine."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from shared.errors import ConflictError, InvalidInputError
from shared.queue.transactions import CounterRow, Tx, WriteSide
from shared.rules.domain import OPEN_STATUSES, CounterState, CounterView, EventKind
from shared.storage.tables import C, T, counter_views


class CounterActions(WriteSide):
    """Opening and closing counters; part of QueueEngine."""

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
