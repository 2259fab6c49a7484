"""The kiosk's use cases: issue a ticket, estimate a new ticket's wait, reprint, and the
printer's faults. Each write is one transaction with its event row (shared.queue.transactions)."""

from __future__ import annotations

import logging
import secrets

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from shared.errors import ConflictError, DatabaseError, InvalidInputError, NotFoundError
from shared.queue.transactions import WriteSide
from shared.queue.waiting import estimate_in_tx
from shared.rules.domain import EventKind, IssueResult, TicketStatus, TicketView
from shared.rules.numbering import NumberingFormat, business_day
from shared.storage.prepared import Prepared
from shared.storage.tables import Q_LAST_SEQUENCE, AnyRow, T, office_zone

log = logging.getLogger(__name__)

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


class IssuingActions(WriteSide):
    """What a kiosk does; part of QueueEngine."""

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
        ticket = self._row_view(tx, row)
        # The estimate is read after the commit: no need to hold the write lock for it. The
        # ticket is committed: a failed read must not make it look refused (a ghost ticket).
        try:
            with self._db.read_tx() as conn:
                is_priority = priority is not None
                ahead, wait = estimate_in_tx(
                    conn, tx.today, self._clock.now(), service.id, is_priority, before_id=ticket_id
                )
        except DatabaseError as exc:
            log.warning(
                "ticket %s issued; its estimate could not be read: %s", ticket.display_number, exc
            )
            return IssueResult(ticket, None, None)
        return IssueResult(ticket, ahead, wait)

    def estimate(self, service_ref: str, priority: bool = False) -> tuple[int, int]:
        """People waiting ahead of a ticket issued now, and its predicted wait (kiosk tiles)."""
        with self._db.read_tx() as conn:
            service = self._service(conn, service_ref)
            zone = office_zone(conn)
            now = self._clock.now()
            return estimate_in_tx(conn, business_day(now, zone), now, service.id, priority)

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

    def reprint(self, ticket_id: int, kiosk: str, token: str | None = None) -> TicketView:
        """Record that a ticket is printed again and return it: the same ticket, never a new one.

        TOKEN, the one printed on the ticket, must still be the ticket's: after a restore the
        same id can mean another citizen's ticket, which is refused (nothing is written).
        """
        with self._tx(durable=False) as tx:
            row = self._ticket_row(tx.conn, ticket_id)
            if token is not None and row.token != token:
                raise ConflictError(
                    "Phiếu này không còn trong dữ liệu (đã khôi phục bản sao lưu): không in lại",
                    "this ticket is no longer in the database (a backup was restored): "
                    "not printed again",
                )
            self._event(
                tx,
                EventKind.TICKET_REPRINTED,
                ticket_id=row.id,
                service_id=row.service_id,
                details={"kiosk": kiosk},
            )
            return self._row_view(tx, row)

    def record_restored(self, source: str, tickets: int) -> None:
        """A backup was put back (`motcua restore`): the event tells every running app."""
        with self._tx() as tx:
            self._event(
                tx,
                EventKind.DATABASE_RESTORED,
                details={"source": source[:300], "tickets": tickets},
            )

    def _ticket_row(self, conn: Connection, ticket_id: int) -> AnyRow:
        row = conn.execute(sa.select(T).where(T.c.id == ticket_id)).first()
        if row is None:
            raise NotFoundError(f"Không có phiếu số {ticket_id}", f"unknown ticket id {ticket_id}")
        return row
