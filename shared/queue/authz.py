"""Who may do what: officer identities, roles per kind of action, and the check made in the engine.

A window or a command authenticates an officer once (CounterSessions.authenticate: PIN, lockout,
role) and keeps the OfficerIdentity it gets back. Every use case that needs a role takes that
identity as its acting officer and checks it again inside its own write transaction, against the
officer's row as it is then: an account deactivated, locked or given another role after the login
is refused at once, whatever the window still shows.

SYSTEM_ACTOR is the in-process setup code (the demo seed, simulations, tests): it is never the
result of a login and no officer row can stand for it (it is recognized by identity, not by code).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from shared.errors import PermissionDeniedError
from shared.rules.domain import Role
from shared.storage.tables import OF

SUPERVISOR_ROLES: tuple[Role, ...] = (Role.SUPERVISOR, Role.ADMIN)
ADMIN_ROLES: tuple[Role, ...] = (Role.ADMIN,)

ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.OFFICER: ("cán bộ", "an officer"),
    Role.SUPERVISOR: ("lãnh đạo", "a supervisor"),
    Role.ADMIN: ("quản trị", "an admin"),
}


@dataclass(frozen=True, slots=True)
class OfficerIdentity:
    """Who an officer is, as the apps show it (and the acting officer of a use case)."""

    code: str
    full_name: str
    role: Role


SYSTEM_ACTOR = OfficerIdentity("system", "Hệ thống / System", Role.ADMIN)


def role_refused(code: str, role: Role, roles: Collection[Role]) -> PermissionDeniedError:
    """The error for an officer whose role may not do the action (names both roles)."""
    role_vi, role_en = ROLE_LABELS[role]
    if set(roles) == set(ADMIN_ROLES):
        return PermissionDeniedError(
            f"Chỉ quản trị viên được làm thao tác này ('{code}' là {role_vi})",
            f"only an admin can do this ('{code}' is {role_en})",
        )
    return PermissionDeniedError(
        f"Chỉ lãnh đạo hoặc quản trị được làm thao tác này ('{code}' là {role_vi})",
        f"only a supervisor or an admin can do this ('{code}' is {role_en})",
    )


def require_role(
    conn: Connection, actor: OfficerIdentity, roles: Collection[Role], now: dt.datetime
) -> int | None:
    """Check ACTOR against its officer row (inside the caller's transaction).

    Returns:
        the officer's id, or None for SYSTEM_ACTOR.

    Raises:
        PermissionDeniedError: unknown, deactivated or locked account, or a role not in ROLES.
    """
    if actor is SYSTEM_ACTOR:
        return None
    row = conn.execute(
        sa.select(OF.c.id, OF.c.role, OF.c.active, OF.c.locked_until).where(OF.c.code == actor.code)
    ).first()
    if row is None:
        raise PermissionDeniedError(
            f"Không có cán bộ '{actor.code}'", f"unknown officer '{actor.code}'"
        )
    if not row.active:
        raise PermissionDeniedError(
            f"Tài khoản cán bộ '{actor.code}' đã bị vô hiệu hóa",
            f"officer '{actor.code}' is deactivated",
        )
    if row.locked_until is not None and row.locked_until > now:
        raise PermissionDeniedError(
            f"Tài khoản '{actor.code}' đang bị khóa", f"account '{actor.code}' is locked"
        )
    role = Role(row.role)
    if role not in roles:
        raise role_refused(actor.code, role, roles)
    return int(row.id)
