"""The office's officers: adding them (the first admin of a new office too), new PINs, and
deactivating or activating an account. Only an admin may; every change is an event."""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from shared.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from shared.office.security import hash_pin
from shared.queue.authz import ADMIN_ROLES, SYSTEM_ACTOR, OfficerIdentity, require_role
from shared.queue.transactions import Tx, WriteSide
from shared.rules.domain import CounterState, EventKind, Role
from shared.storage.tables import OF, AnyRow, C


@dataclasses.dataclass(frozen=True, slots=True)
class OfficerView:
    """An officer as the administration shows it (never the PIN hash)."""

    code: str
    full_name: str
    role: Role
    active: bool
    locked: bool
    failed_pin_count: int


class OfficerAdmin(WriteSide):
    """The officers' use cases; part of OfficeAdmin."""

    def officers(self) -> list[OfficerView]:
        """Every officer, by code (read side: no lock is taken)."""
        now = self._clock.now()
        with self._db.read_tx() as conn:
            rows = conn.execute(sa.select(OF).order_by(OF.c.code)).all()
        return [
            OfficerView(
                code=r.code,
                full_name=r.full_name,
                role=Role(r.role),
                active=bool(r.active),
                locked=r.locked_until is not None and r.locked_until > now,
                failed_pin_count=r.failed_pin_count,
            )
            for r in rows
        ]

    def add_officer(
        self,
        code: str,
        full_name: str,
        role: Role,
        pin: str,
        *,
        actor: OfficerIdentity = SYSTEM_ACTOR,
    ) -> None:
        code = code.strip()
        if not code or not full_name.strip():
            raise InvalidInputError("Cần mã và họ tên cán bộ", "officer code and name are required")
        role = Role(role)
        pin_hash = hash_pin(pin)  # slow on purpose: computed before the write lock is taken
        with self._tx() as tx:
            self._require_admin(tx, actor)
            if tx.conn.execute(sa.select(OF.c.id).where(OF.c.code == code)).first():
                raise ConflictError(f"Cán bộ '{code}' đã có", f"officer '{code}' already exists")
            officer_id = tx.conn.execute(
                OF.insert()
                .values(code=code, full_name=full_name.strip(), role=str(role), pin_hash=pin_hash)
                .returning(OF.c.id)
            ).scalar_one()
            self._event(
                tx,
                EventKind.OFFICER_CHANGED,
                officer_id=officer_id,
                details=by_actor(actor, action="added", role=str(role)),
            )

    def add_first_admin(self, code: str, full_name: str, pin: str) -> None:
        """Create the office's first admin: allowed only while no active admin exists.

        This is how a new office starts (`motcua admin officer add CODE NAME --role admin`
        without --as); once there is an admin, only an admin can add another one.
        """
        with self._db.read_tx() as conn:
            has_admin = _has_active_admin(conn)
        if has_admin:
            raise _first_admin_refused()
        code = code.strip()
        if not code or not full_name.strip():
            raise InvalidInputError("Cần mã và họ tên cán bộ", "officer code and name are required")
        pin_hash = hash_pin(pin)
        with self._tx() as tx:
            if _has_active_admin(tx.conn):  # checked again under the write lock
                raise _first_admin_refused()
            if tx.conn.execute(sa.select(OF.c.id).where(OF.c.code == code)).first():
                raise ConflictError(f"Cán bộ '{code}' đã có", f"officer '{code}' already exists")
            officer_id = tx.conn.execute(
                OF.insert()
                .values(
                    code=code, full_name=full_name.strip(), role=str(Role.ADMIN), pin_hash=pin_hash
                )
                .returning(OF.c.id)
            ).scalar_one()
            self._event(
                tx,
                EventKind.OFFICER_CHANGED,
                officer_id=officer_id,
                details={"action": "added", "role": str(Role.ADMIN), "first_admin": True},
            )

    def reset_pin(
        self, officer_code: str, new_pin: str, *, actor: OfficerIdentity = SYSTEM_ACTOR
    ) -> None:
        """Give an officer a new PIN; it also clears a lockout (the PIN is never logged)."""
        pin_hash = hash_pin(new_pin)
        with self._tx() as tx:
            self._require_admin(tx, actor)
            row = self._officer_row(tx.conn, officer_code)
            tx.conn.execute(
                OF.update()
                .where(OF.c.id == row.id)
                .values(pin_hash=pin_hash, failed_pin_count=0, locked_until=None)
            )
            self._event(
                tx,
                EventKind.OFFICER_CHANGED,
                officer_id=row.id,
                details=by_actor(actor, action="pin_reset"),
            )

    def set_officer_active(
        self, officer_code: str, active: bool, *, actor: OfficerIdentity = SYSTEM_ACTOR
    ) -> None:
        """Deactivate an officer (refused while they hold a counter) or activate them again."""
        with self._tx() as tx:
            self._require_admin(tx, actor)
            row = self._officer_row(tx.conn, officer_code)
            if not active:
                if row.code == actor.code:
                    raise ConflictError(
                        "Không thể tự vô hiệu hóa tài khoản của mình",
                        "you cannot deactivate your own account",
                    )
                held = tx.conn.execute(
                    sa.select(C.c.number).where(
                        C.c.officer_id == row.id, C.c.state != str(CounterState.CLOSED)
                    )
                ).first()
                if held is not None:
                    raise ConflictError(
                        f"Cán bộ {row.code} đang giữ quầy {held.number}: đăng xuất hoặc giải "
                        "phóng quầy trước",
                        f"officer {row.code} holds counter {held.number}: log out or release "
                        "it first",
                    )
            tx.conn.execute(OF.update().where(OF.c.id == row.id).values(active=active))
            self._event(
                tx,
                EventKind.OFFICER_CHANGED,
                officer_id=row.id,
                details=by_actor(actor, action="activated" if active else "deactivated"),
            )

    def _officer_row(self, conn: Connection, officer_code: str) -> AnyRow:
        code = officer_code.strip()
        row = conn.execute(sa.select(OF).where(OF.c.code == code)).first()
        if row is None:
            raise NotFoundError(f"Không có cán bộ '{code}'", f"unknown officer '{code}'")
        return row

    def _require_admin(self, tx: Tx, actor: OfficerIdentity) -> None:
        require_role(tx.conn, actor, ADMIN_ROLES, tx.now)


def _has_active_admin(conn: Connection) -> bool:
    query = sa.select(OF.c.id).where(OF.c.role == str(Role.ADMIN), OF.c.active.is_(True))
    return conn.execute(query.limit(1)).first() is not None


def _first_admin_refused() -> PermissionDeniedError:
    return PermissionDeniedError(
        "Văn phòng đã có quản trị viên: cần --as MÃ_QUẢN_TRỊ",
        "the office already has an admin: use --as ADMIN_CODE",
    )


def by_actor(actor: OfficerIdentity, **details: Any) -> dict[str, Any]:
    """An event's details, naming the admin who made the change (none for the setup code)."""
    if actor is SYSTEM_ACTOR:
        return details
    return {**details, "by": actor.code}
