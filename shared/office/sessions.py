"""Officers' sessions at counters: PIN login with lockout, logout, supervisor unlock and release.

Rules kept here:
- a PIN is checked against its slow scrypt hash before the write lock is taken (about 50 ms that no
  other counter should wait for); the failure count and the lockout are written under the lock;
- MAX_FAILED_PINS wrong PINs in a row lock the account for LOCKOUT_MINUTES; a locked account is
  refused even with the right PIN, naming the minutes left; a supervisor or an admin can unlock it;
- a counter is held by the officer who logged in at it until they log out or a supervisor releases
  it. Another officer cannot log in there, and an officer cannot hold two counters. The same
  officer at the same counter is let in again (the PC crashed or lost power) and gets the counter
  back with its active ticket;
- logging out closes the counter and is refused while it holds a ticket (finish or transfer it
  first), as closing a counter is;
- releasing a counter left held by a dead PC closes it; its called or served ticket goes back to
  the queue keeping its number and its place (the citizen is called again at once, never sent to
  take a new number), and tickets transferred to that counter go back to their service's queue.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from shared.errors import ConflictError, NotFoundError, PermissionDeniedError
from shared.office.security import verify_pin
from shared.queue.authz import (
    SUPERVISOR_ROLES,
    OfficerIdentity,
    require_role,
    role_refused,
)
from shared.queue.transactions import CounterRow, Tx, WriteSide
from shared.rules.domain import CounterState, CounterView, EventKind, Role, TicketStatus
from shared.storage.tables import OF, AnyRow, C, T, counter_views

log = logging.getLogger(__name__)

__all__ = [
    "LOCKOUT_MINUTES",
    "MAX_FAILED_PINS",
    "SUPERVISOR_ROLES",
    "CounterSession",
    "CounterSessions",
    "OfficerIdentity",
]

MAX_FAILED_PINS = 5
LOCKOUT_MINUTES = 5


@dataclass(frozen=True, slots=True)
class CounterSession:
    """An officer logged in at a counter.

    Attributes:
        officer: who is logged in.
        counter: the counter as it is now, with its active ticket (restored after a crash).
        resumed: the officer already held this counter (logged in again after a crash or a power
            cut) rather than taking it now.
    """

    officer: OfficerIdentity
    counter: CounterView
    resumed: bool


class CounterSessions(WriteSide):
    """Login, logout, unlock and release. One instance per process; safe to share between threads.

    Args:
        db: the database (write and read engines).
        clock: where the time comes from (lockouts are measured on it).
    """

    # ------------------------------------------------------------------ officers

    def login(self, officer_code: str, pin: str, counter_number: int) -> CounterSession:
        """Log an officer in at a counter, opening it if it is closed.

        Raises:
            PermissionDeniedError: unknown code, wrong PIN, locked or deactivated account.
            ConflictError: the counter is held by another officer, or the officer holds another
                counter.
            NotFoundError: no such counter.
        """
        code = officer_code.strip()
        pin_ok = self._check_pin(code, pin)
        session: CounterSession | None = None
        with self._tx() as tx:
            officer = self._officer_for_pin(tx, code, pin_ok)
            if officer is not None:
                session = self._take_counter(tx, officer, counter_number)
        if session is None:  # the failure is committed first, then reported
            raise self._wrong_pin_error(code)
        log.info(
            "officer_logged_in",
            extra={"event": "officer_logged_in", "officer": code, "counter": counter_number},
        )
        return session

    def logout(self, counter_number: int, officer_code: str) -> CounterView:
        """Log the officer out: the counter closes. Refused while it holds a ticket."""
        with self._tx() as tx:
            counter, active = self._counter_with_active(tx.conn, counter_number)
            officer_id = self._officer_id(tx.conn, officer_code, None)
            if counter.officer_id != officer_id or counter.state is CounterState.CLOSED:
                raise ConflictError(
                    f"Cán bộ {officer_code} không còn giữ quầy {counter_number}",
                    f"officer {officer_code} no longer holds counter {counter_number}",
                )
            self._require_idle(counter, active, "đăng xuất", "log out")
            self._return_transferred(tx, counter, "counter_closed")
            self._close(tx, counter)
            self._event(tx, EventKind.COUNTER_CLOSED, counter_id=counter.id, officer_id=officer_id)
            self._event(
                tx, EventKind.OFFICER_LOGGED_OUT, counter_id=counter.id, officer_id=officer_id
            )
            return counter_views(tx.conn, counter.id)[0]

    # ------------------------------------------------------------------ supervisors

    def authenticate(
        self, officer_code: str, pin: str, roles: Collection[Role] = SUPERVISOR_ROLES
    ) -> OfficerIdentity:
        """Check an officer's PIN and role, for the apps that are not a counter (supervisor).

        The same rules as a counter login: a wrong PIN counts towards the lockout
        (MAX_FAILED_PINS in a row lock the account for LOCKOUT_MINUTES), a locked or deactivated
        account is refused even with the right PIN. A right PIN with a role not in ROLES is
        refused too (it does not count as a wrong PIN). Nothing else is written.

        Raises:
            PermissionDeniedError: unknown code, wrong PIN, locked or deactivated account, or a
                role not in ROLES.
        """
        code = officer_code.strip()
        pin_ok = self._check_pin(code, pin)
        identity: OfficerIdentity | None = None
        with self._tx() as tx:
            identity = self._authorized(tx, code, pin_ok, roles)
        if identity is None:
            raise self._wrong_pin_error(code)
        log.info(
            "officer_authenticated",
            extra={"event": "officer_authenticated", "officer": code, "role": str(identity.role)},
        )
        return identity

    def unlock_officer(
        self, supervisor_code: str, supervisor_pin: str, officer_code: str
    ) -> OfficerIdentity:
        """A supervisor or admin clears an officer's lockout and failed PIN count."""
        sup_code = supervisor_code.strip()
        pin_ok = self._check_pin(sup_code, supervisor_pin)
        unlocked: OfficerIdentity | None = None
        with self._tx() as tx:
            supervisor = self._supervisor(tx, sup_code, pin_ok)
            if supervisor is not None:
                unlocked = self._unlock(tx, supervisor.code, officer_code)
        if unlocked is None:
            raise self._wrong_pin_error(sup_code)
        return unlocked

    def unlock_officer_as(self, actor: OfficerIdentity, officer_code: str) -> OfficerIdentity:
        """unlock_officer by a supervisor or admin already authenticated (the supervisor app).

        The actor's role is checked again against its row, inside the transaction.
        """
        with self._tx() as tx:
            require_role(tx.conn, actor, SUPERVISOR_ROLES, tx.now)
            return self._unlock(tx, actor.code, officer_code)

    def release_counter(
        self, supervisor_code: str, supervisor_pin: str, counter_number: int
    ) -> CounterView:
        """A supervisor or admin frees a counter left held by a PC that died: it closes.

        Its called or served ticket goes back to the queue with its number and its place, and
        tickets transferred to the counter go back to their service's queue, each with a
        ticket_transferred event (reason counter_released).
        """
        sup_code = supervisor_code.strip()
        pin_ok = self._check_pin(sup_code, supervisor_pin)
        view: CounterView | None = None
        with self._tx() as tx:
            supervisor = self._supervisor(tx, sup_code, pin_ok)
            if supervisor is not None:
                view = self._release(tx, supervisor.code, counter_number)
        if view is None:
            raise self._wrong_pin_error(sup_code)
        return view

    def release_counter_as(self, actor: OfficerIdentity, counter_number: int) -> CounterView:
        """release_counter by a supervisor or admin already authenticated (the supervisor app).

        The actor's role is checked again against its row, inside the transaction.
        """
        with self._tx() as tx:
            require_role(tx.conn, actor, SUPERVISOR_ROLES, tx.now)
            return self._release(tx, actor.code, counter_number)

    def _unlock(self, tx: Tx, by: str, officer_code: str) -> OfficerIdentity:
        code = officer_code.strip()
        row = tx.conn.execute(sa.select(OF).where(OF.c.code == code)).first()
        if row is None:
            raise NotFoundError(f"Không có cán bộ '{code}'", f"unknown officer '{code}'")
        was_locked = row.locked_until is not None and row.locked_until > tx.now
        tx.conn.execute(
            OF.update().where(OF.c.id == row.id).values(failed_pin_count=0, locked_until=None)
        )
        self._event(
            tx,
            EventKind.OFFICER_UNLOCKED,
            officer_id=row.id,
            details={
                "by": by,
                "was_locked": was_locked,
                "failed_pin_count": row.failed_pin_count,
            },
        )
        return OfficerIdentity(row.code, row.full_name, Role(row.role))

    def _release(self, tx: Tx, by: str, counter_number: int) -> CounterView:
        counter, active = self._counter_with_active(tx.conn, counter_number)
        if counter.state is CounterState.CLOSED:
            raise ConflictError(
                f"Quầy {counter_number} đã đóng, không ai giữ",
                f"counter {counter_number} is already closed and held by nobody",
            )
        returned = None
        if active is not None:
            returned = active.display_number
            tx.conn.execute(
                T.update()
                .where(T.c.id == active.id)
                .values(
                    status=str(TicketStatus.WAITING),
                    counter_id=None,
                    target_counter_id=None,
                    officer_id=None,
                    called_at=None,
                    started_at=None,
                )
            )
            self._event(
                tx,
                EventKind.TICKET_TRANSFERRED,
                ticket_id=active.id,
                counter_id=counter.id,
                officer_id=active.officer_id,
                service_id=active.service_id,
                details={
                    "from_counter": counter.number,
                    "reason": "counter_released",
                    "previous_status": active.status,
                },
            )
        self._return_transferred(tx, counter, "counter_released")
        self._close(tx, counter)
        self._event(
            tx,
            EventKind.COUNTER_RELEASED,
            counter_id=counter.id,
            officer_id=counter.officer_id,
            details={
                "by": by,
                "previous_state": str(counter.state),
                "returned_ticket": returned,
            },
        )
        return counter_views(tx.conn, counter.id)[0]

    # ------------------------------------------------------------------ helpers

    def _check_pin(self, code: str, pin: str) -> bool:
        """The slow scrypt check, before any lock; False for an unknown code."""
        with self._db.read_tx() as conn:
            stored = conn.execute(sa.select(OF.c.pin_hash).where(OF.c.code == code)).scalar()
        if stored is None:
            return False
        return verify_pin(pin, stored)

    def _officer_for_pin(self, tx: Tx, code: str, pin_ok: bool) -> AnyRow | None:
        """The officer's row if the PIN was right; counts a failure and may lock the account.

        Returns None for a wrong PIN (the failure is recorded: the caller raises after the
        commit). Raises at once for an unknown, deactivated or locked account.
        """
        row = tx.conn.execute(sa.select(OF).where(OF.c.code == code)).first()
        if row is None:
            raise PermissionDeniedError(
                "Mã cán bộ hoặc mã PIN không đúng", "wrong officer code or PIN"
            )
        if not row.active:
            raise PermissionDeniedError(
                f"Tài khoản cán bộ '{code}' đã bị vô hiệu hóa", f"officer '{code}' is deactivated"
            )
        if row.locked_until is not None and row.locked_until > tx.now:
            raise _locked_error(code, row.locked_until - tx.now)
        if pin_ok:
            if row.failed_pin_count or row.locked_until is not None:
                tx.conn.execute(
                    OF.update()
                    .where(OF.c.id == row.id)
                    .values(failed_pin_count=0, locked_until=None)
                )
            return row
        failures = row.failed_pin_count + 1
        if failures >= MAX_FAILED_PINS:
            until = tx.now + dt.timedelta(minutes=LOCKOUT_MINUTES)
            # The count starts again after the lockout: the next 5 wrong PINs lock it again.
            tx.conn.execute(
                OF.update().where(OF.c.id == row.id).values(failed_pin_count=0, locked_until=until)
            )
            self._event(
                tx,
                EventKind.OFFICER_LOCKED_OUT,
                officer_id=row.id,
                details={"failed_pin_count": failures, "minutes": LOCKOUT_MINUTES},
            )
            log.warning("officer %s locked out after %d wrong PINs", code, failures)
        else:
            tx.conn.execute(
                OF.update()
                .where(OF.c.id == row.id)
                .values(failed_pin_count=failures, locked_until=None)
            )
        return None

    def _wrong_pin_error(self, code: str) -> PermissionDeniedError:
        """The error after a wrong PIN was recorded: names the tries left, or the lockout."""
        with self._db.read_tx() as conn:
            row = conn.execute(
                sa.select(OF.c.failed_pin_count, OF.c.locked_until).where(OF.c.code == code)
            ).first()
        now = self._clock.now()
        if row is not None and row.locked_until is not None and row.locked_until > now:
            return _locked_error(code, row.locked_until - now)
        left = MAX_FAILED_PINS - (row.failed_pin_count if row is not None else 0)
        return PermissionDeniedError(
            f"Mã cán bộ hoặc mã PIN không đúng (còn {left} lần thử)",
            f"wrong officer code or PIN ({left} tries left)",
        )

    def _supervisor(self, tx: Tx, code: str, pin_ok: bool) -> OfficerIdentity | None:
        return self._authorized(tx, code, pin_ok, SUPERVISOR_ROLES)

    def _authorized(
        self, tx: Tx, code: str, pin_ok: bool, roles: Collection[Role]
    ) -> OfficerIdentity | None:
        """The officer if the PIN was right and the role is one of ROLES (see _officer_for_pin)."""
        row = self._officer_for_pin(tx, code, pin_ok)
        if row is None:
            return None
        role = Role(row.role)
        if role not in roles:
            raise role_refused(code, role, roles)
        return OfficerIdentity(row.code, row.full_name, role)

    def _take_counter(self, tx: Tx, officer: AnyRow, counter_number: int) -> CounterSession:
        counter = self._counter(tx.conn, counter_number)
        identity = OfficerIdentity(officer.code, officer.full_name, Role(officer.role))
        held = counter.state is not CounterState.CLOSED and counter.officer_id is not None
        if held and counter.officer_id == officer.id:
            self._event(
                tx,
                EventKind.OFFICER_LOGGED_IN,
                counter_id=counter.id,
                officer_id=officer.id,
                details={"resumed": True},
            )
            return CounterSession(identity, counter_views(tx.conn, counter.id)[0], resumed=True)
        if held:
            holder = self._officer_code(tx.conn, counter.officer_id)
            raise ConflictError(
                f"Quầy {counter_number} đang do cán bộ {holder} đăng nhập: chọn quầy khác, hoặc "
                "nhờ lãnh đạo giải phóng quầy",
                f"counter {counter_number} is held by officer {holder}: choose another counter "
                "or ask a supervisor to release it",
            )
        other = tx.conn.execute(
            sa.select(C.c.number).where(
                C.c.officer_id == officer.id,
                C.c.state != str(CounterState.CLOSED),
                C.c.id != counter.id,
            )
        ).first()
        if other is not None:
            raise ConflictError(
                f"Cán bộ {officer.code} đang đăng nhập ở quầy {other.number}: đăng xuất ở đó "
                "trước, hoặc nhờ lãnh đạo giải phóng quầy",
                f"officer {officer.code} is logged in at counter {other.number}: log out there "
                "first or ask a supervisor to release it",
            )
        values: dict[str, object] = {"officer_id": officer.id}
        if counter.state is CounterState.CLOSED:
            values |= {"state": str(CounterState.OPEN), "pause_reason": None}
        # An open or paused counter nobody holds (opened from the command line) keeps its state.
        tx.conn.execute(C.update().where(C.c.id == counter.id).values(**values))
        if counter.state is CounterState.CLOSED:
            self._event(tx, EventKind.COUNTER_OPENED, counter_id=counter.id, officer_id=officer.id)
        self._event(
            tx,
            EventKind.OFFICER_LOGGED_IN,
            counter_id=counter.id,
            officer_id=officer.id,
            details={"resumed": False},
        )
        return CounterSession(identity, counter_views(tx.conn, counter.id)[0], resumed=False)

    def _officer_code(self, conn: Connection, officer_id: int | None) -> str:
        code = conn.execute(sa.select(OF.c.code).where(OF.c.id == officer_id)).scalar()
        return str(code) if code is not None else "?"

    def _close(self, tx: Tx, counter: CounterRow) -> None:
        tx.conn.execute(
            C.update()
            .where(C.c.id == counter.id)
            .values(state=str(CounterState.CLOSED), pause_reason=None, officer_id=None)
        )


def _locked_error(code: str, left: dt.timedelta) -> PermissionDeniedError:
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    return PermissionDeniedError(
        f"Tài khoản '{code}' bị khóa do nhập sai PIN {MAX_FAILED_PINS} lần: thử lại sau "
        f"{minutes} phút hoặc nhờ lãnh đạo mở khóa",
        f"account '{code}' is locked after {MAX_FAILED_PINS} wrong PINs: try again in "
        f"{minutes} min or ask a supervisor to unlock it",
    )
