"""Office configuration: services, counters and settings (the officers: shared.office.officers).

Each change is one write transaction with its event row, so running apps learn of it from the
change feed. Every change takes its acting officer (an OfficerIdentity from
CounterSessions.authenticate) and refuses anyone but an admin, checked against the officer's row
inside the transaction (shared.queue.authz.require_role). The default actor, SYSTEM_ACTOR, is the
in-process setup code (the demo seed, simulations, tests); the apps and `motcua admin` always pass
the officer who logged in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from enum import Enum
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from shared.errors import ConflictError, InvalidInputError
from shared.office.officers import OfficerAdmin, by_actor
from shared.queue.authz import SYSTEM_ACTOR, OfficerIdentity
from shared.queue.transactions import Tx
from shared.rules import settings as settings_mod
from shared.rules.domain import (
    CounterState,
    CounterView,
    EventKind,
    ServiceView,
)
from shared.rules.numbering import NumberingFormat, check_no_clash
from shared.rules.settings import OfficeSettings
from shared.storage.tables import (
    CS,
    ST,
    AnyRow,
    C,
    S,
    T,
    counter_views,
    load_settings,
    service_view,
)


class Keep(Enum):
    """The value of an optional change that leaves the field as it is."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


class OfficeAdmin(OfficerAdmin):
    """Configuration use cases (the supervisor app's administration, `motcua admin`, the seed).

    Args:
        db: the database.
        clock: where the time comes from.
    """

    # ------------------------------------------------------------------ services

    def add_service(
        self,
        code: str,
        name_vi: str,
        name_en: str,
        numbering: NumberingFormat,
        *,
        daily_cap: int | None = None,
        wait_threshold_minutes: int = 30,
        is_open: bool = True,
        actor: OfficerIdentity = SYSTEM_ACTOR,
    ) -> ServiceView:
        code = code.strip().upper()
        if not code or not code.isascii() or not code.replace("_", "").isalnum():
            raise InvalidInputError(
                f"Mã thủ tục '{code}' chỉ gồm chữ không dấu, số và '_'",
                f"service code '{code}' must be ASCII letters, digits or '_'",
            )
        _check_names(name_vi, name_en)
        _check_cap_and_threshold(daily_cap, wait_threshold_minutes)
        with self._tx() as tx:
            self._require_admin(tx, actor)
            existing = tx.conn.execute(
                sa.select(S.c.code, S.c.prefix, S.c.block_start, S.c.block_end)
            ).all()
            if any(r.code == code for r in existing):
                raise ConflictError(
                    f"Mã thủ tục '{code}' đã có", f"service '{code}' already exists"
                )
            check_no_clash(
                code,
                numbering,
                [(r.code, NumberingFormat(r.prefix, r.block_start, r.block_end)) for r in existing],
            )
            service_id = tx.conn.execute(
                S.insert()
                .values(
                    code=code,
                    name_vi=name_vi.strip(),
                    name_en=name_en.strip(),
                    prefix=numbering.prefix,
                    block_start=numbering.block_start,
                    block_end=numbering.block_end,
                    daily_cap=daily_cap,
                    is_open=is_open,
                    wait_threshold_minutes=wait_threshold_minutes,
                    sort_order=len(existing),
                )
                .returning(S.c.id)
            ).scalar_one()
            self._event(
                tx,
                EventKind.SERVICE_CHANGED,
                service_id=service_id,
                details=by_actor(actor, action="added"),
            )
            return service_view(tx.conn.execute(sa.select(S).where(S.c.id == service_id)).one())

    def set_service(
        self,
        service_ref: str,
        *,
        name_vi: str | None = None,
        name_en: str | None = None,
        numbering: NumberingFormat | None = None,
        daily_cap: int | Keep | None = KEEP,
        wait_threshold_minutes: int | None = None,
        actor: OfficerIdentity = SYSTEM_ACTOR,
    ) -> ServiceView:
        """Change a service's names, numbering, daily cap (None: no cap) or wait threshold.

        A new numbering is refused once the service has issued tickets today (the numbers of
        one day never change); it applies from the next business day otherwise as well.
        """
        if name_vi is not None or name_en is not None:
            _check_names(
                name_vi if name_vi is not None else "-", name_en if name_en is not None else "-"
            )
        _check_cap_and_threshold(
            None if isinstance(daily_cap, Keep) else daily_cap,
            1 if wait_threshold_minutes is None else wait_threshold_minutes,
        )
        with self._tx() as tx:
            self._require_admin(tx, actor)
            service = self._service(tx.conn, service_ref)
            values: dict[str, Any] = {}
            if name_vi is not None:
                values["name_vi"] = name_vi.strip()
            if name_en is not None:
                values["name_en"] = name_en.strip()
            if not isinstance(daily_cap, Keep):
                values["daily_cap"] = daily_cap
            if wait_threshold_minutes is not None:
                values["wait_threshold_minutes"] = wait_threshold_minutes
            if numbering is not None:
                values |= self._numbering_values(tx, service, numbering)
            if not values:
                raise InvalidInputError("Không có gì để thay đổi", "nothing to change")
            tx.conn.execute(S.update().where(S.c.id == service.id).values(**values))
            self._event(
                tx,
                EventKind.SERVICE_CHANGED,
                service_id=service.id,
                details=by_actor(actor, action="changed", fields=sorted(values)),
            )
            return service_view(tx.conn.execute(sa.select(S).where(S.c.id == service.id)).one())

    def _numbering_values(
        self, tx: Tx, service: AnyRow, numbering: NumberingFormat
    ) -> dict[str, Any]:
        issued_today = tx.conn.execute(
            sa.select(sa.func.count())
            .select_from(T)
            .where(T.c.issued_service_id == service.id, T.c.business_day == tx.today)
        ).scalar_one()
        if issued_today:
            raise ConflictError(
                f"Thủ tục {service.code} đã phát {issued_today} số hôm nay: chỉ đổi cách đánh "
                "số sau khi hết ngày",
                f"service {service.code} has issued {issued_today} tickets today: change its "
                "numbering after the business day",
            )
        others = tx.conn.execute(
            sa.select(S.c.code, S.c.prefix, S.c.block_start, S.c.block_end).where(
                S.c.id != service.id
            )
        ).all()
        check_no_clash(
            service.code,
            numbering,
            [(r.code, NumberingFormat(r.prefix, r.block_start, r.block_end)) for r in others],
        )
        return {
            "prefix": numbering.prefix,
            "block_start": numbering.block_start,
            "block_end": numbering.block_end,
        }

    def set_service_open(
        self, service_ref: str, is_open: bool, *, actor: OfficerIdentity = SYSTEM_ACTOR
    ) -> ServiceView:
        with self._tx() as tx:
            self._require_admin(tx, actor)
            service = self._service(tx.conn, service_ref)
            tx.conn.execute(S.update().where(S.c.id == service.id).values(is_open=is_open))
            self._event(
                tx,
                EventKind.SERVICE_CHANGED,
                service_id=service.id,
                details=by_actor(actor, action="opened" if is_open else "closed"),
            )
            return service_view(tx.conn.execute(sa.select(S).where(S.c.id == service.id)).one())

    # ------------------------------------------------------------------ counters

    def add_counter(
        self,
        number: int,
        name: str | None = None,
        services: Sequence[str] = (),
        *,
        actor: OfficerIdentity = SYSTEM_ACTOR,
    ) -> CounterView:
        if number < 1:
            raise InvalidInputError("Số quầy phải lớn hơn 0", "counter number must be positive")
        with self._tx() as tx:
            self._require_admin(tx, actor)
            if tx.conn.execute(sa.select(C.c.id).where(C.c.number == number)).first():
                raise ConflictError(f"Quầy {number} đã có", f"counter {number} already exists")
            counter_id = tx.conn.execute(
                C.insert()
                .values(
                    number=number,
                    name=(name or "").strip() or f"Quầy {number}",
                    state=str(CounterState.CLOSED),
                )
                .returning(C.c.id)
            ).scalar_one()
            self._set_filter(tx.conn, counter_id, services)
            self._event(
                tx,
                EventKind.COUNTER_CHANGED,
                counter_id=counter_id,
                details=by_actor(actor, action="added"),
            )
            return counter_views(tx.conn, counter_id)[0]

    def set_counter(
        self,
        number: int,
        *,
        name: str | None = None,
        services: Sequence[str] | None = None,
        actor: OfficerIdentity = SYSTEM_ACTOR,
    ) -> CounterView:
        """Rename a counter or change its service filter (an empty filter: every service)."""
        if name is not None and not name.strip():
            raise InvalidInputError("Tên quầy không được để trống", "a counter name is required")
        if name is None and services is None:
            raise InvalidInputError("Không có gì để thay đổi", "nothing to change")
        with self._tx() as tx:
            self._require_admin(tx, actor)
            counter = self._counter(tx.conn, number)
            fields = []
            if name is not None:
                tx.conn.execute(C.update().where(C.c.id == counter.id).values(name=name.strip()))
                fields.append("name")
            if services is not None:
                tx.conn.execute(CS.delete().where(CS.c.counter_id == counter.id))
                self._set_filter(tx.conn, counter.id, services)
                fields.append("services")
            self._event(
                tx,
                EventKind.COUNTER_CHANGED,
                counter_id=counter.id,
                details=by_actor(actor, action="changed", fields=fields),
            )
            return counter_views(tx.conn, counter.id)[0]

    def _set_filter(self, conn: Connection, counter_id: int, services: Sequence[str]) -> None:
        seen: set[int] = set()
        for ref in services:
            service = self._service(conn, ref)
            if service.id not in seen:
                seen.add(service.id)
                conn.execute(CS.insert().values(counter_id=counter_id, service_id=service.id))

    # ------------------------------------------------------------------ settings

    def update_settings(
        self, values: dict[str, Any], *, actor: OfficerIdentity = SYSTEM_ACTOR
    ) -> OfficeSettings:
        """Store office-wide settings (validated first; nothing is written if one is invalid)."""
        parsed = {key: settings_mod.parse_value(key, raw) for key, raw in values.items()}
        with self._tx() as tx:
            self._require_admin(tx, actor)
            merged = load_settings(tx.conn)
            for key, value in parsed.items():
                merged = _replace(merged, key, value)
                stored = settings_mod.to_json(merged, key)
                tx.conn.execute(ST.delete().where(ST.c.key == key))
                tx.conn.execute(ST.insert().values(key=key, value=stored))
            self._event(
                tx, EventKind.SETTINGS_CHANGED, details=by_actor(actor, keys=sorted(parsed))
            )
            return merged


def _check_names(name_vi: str, name_en: str) -> None:
    if not name_vi.strip() or not name_en.strip():
        raise InvalidInputError("Cần tên tiếng Việt và tiếng Anh", "both names are required")


def _check_cap_and_threshold(daily_cap: int | None, wait_threshold_minutes: int) -> None:
    if daily_cap is not None and daily_cap < 1:
        raise InvalidInputError("Giới hạn số/ngày phải lớn hơn 0", "daily cap must be positive")
    if wait_threshold_minutes < 1:
        raise InvalidInputError(
            "Ngưỡng chờ phải lớn hơn 0 phút", "wait threshold must be at least 1 minute"
        )


def _replace(office: OfficeSettings, key: str, value: Any) -> OfficeSettings:
    return dataclasses.replace(office, **{key: value})
