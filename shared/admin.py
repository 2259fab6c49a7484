"""Office configuration: services, counters, officers and office-wide settings.

Each change is one write transaction with its event row, so running apps learn of it from the
change feed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from shared import settings as settings_mod
from shared.domain import (
    CounterState,
    CounterView,
    EventKind,
    Role,
    ServiceView,
)
from shared.errors import ConflictError, InvalidInputError
from shared.numbering import NumberingFormat, check_no_clash
from shared.security import hash_pin
from shared.settings import OfficeSettings
from shared.tables import CS, OF, ST, C, S, counter_views, load_settings, service_view
from shared.transactions import WriteSide


class OfficeAdmin(WriteSide):
    """Configuration use cases (the admin window, `motcua admin`, the demo seed).

    Args:
        db: the database.
        clock: where the time comes from.
    """

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
    ) -> ServiceView:
        code = code.strip().upper()
        if not code or not code.isascii() or not code.replace("_", "").isalnum():
            raise InvalidInputError(
                f"Mã thủ tục '{code}' chỉ gồm chữ không dấu, số và '_'",
                f"service code '{code}' must be ASCII letters, digits or '_'",
            )
        if not name_vi.strip() or not name_en.strip():
            raise InvalidInputError("Cần tên tiếng Việt và tiếng Anh", "both names are required")
        if daily_cap is not None and daily_cap < 1:
            raise InvalidInputError("Giới hạn số/ngày phải lớn hơn 0", "daily cap must be positive")
        if wait_threshold_minutes < 1:
            raise InvalidInputError(
                "Ngưỡng chờ phải lớn hơn 0 phút", "wait threshold must be at least 1 minute"
            )
        with self._tx() as tx:
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
                tx, EventKind.SERVICE_CHANGED, service_id=service_id, details={"action": "added"}
            )
            return service_view(tx.conn.execute(sa.select(S).where(S.c.id == service_id)).one())

    def set_service_open(self, service_ref: str, is_open: bool) -> ServiceView:
        with self._tx() as tx:
            service = self._service(tx.conn, service_ref)
            tx.conn.execute(S.update().where(S.c.id == service.id).values(is_open=is_open))
            self._event(
                tx,
                EventKind.SERVICE_CHANGED,
                service_id=service.id,
                details={"action": "opened" if is_open else "closed"},
            )
            return service_view(tx.conn.execute(sa.select(S).where(S.c.id == service.id)).one())

    def add_counter(
        self, number: int, name: str | None = None, services: Sequence[str] = ()
    ) -> CounterView:
        if number < 1:
            raise InvalidInputError("Số quầy phải lớn hơn 0", "counter number must be positive")
        with self._tx() as tx:
            if tx.conn.execute(sa.select(C.c.id).where(C.c.number == number)).first():
                raise ConflictError(f"Quầy {number} đã có", f"counter {number} already exists")
            counter_id = tx.conn.execute(
                C.insert()
                .values(
                    number=number, name=name or f"Quầy {number}", state=str(CounterState.CLOSED)
                )
                .returning(C.c.id)
            ).scalar_one()
            for ref in services:
                service = self._service(tx.conn, ref)
                tx.conn.execute(CS.insert().values(counter_id=counter_id, service_id=service.id))
            self._event(
                tx, EventKind.COUNTER_CHANGED, counter_id=counter_id, details={"action": "added"}
            )
            return counter_views(tx.conn, counter_id)[0]

    def add_officer(self, code: str, full_name: str, role: Role, pin: str) -> None:
        code = code.strip()
        if not code or not full_name.strip():
            raise InvalidInputError("Cần mã và họ tên cán bộ", "officer code and name are required")
        pin_hash = hash_pin(pin)  # slow on purpose: computed before the write lock is taken
        with self._tx() as tx:
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
                details={"action": "added", "role": str(role)},
            )

    def update_settings(self, values: dict[str, Any]) -> OfficeSettings:
        """Store office-wide settings (validated first; nothing is written if one is invalid)."""
        parsed = {key: settings_mod.parse_value(key, raw) for key, raw in values.items()}
        with self._tx() as tx:
            merged = load_settings(tx.conn)
            for key, value in parsed.items():
                merged = _replace(merged, key, value)
                stored = settings_mod.to_json(merged, key)
                tx.conn.execute(ST.delete().where(ST.c.key == key))
                tx.conn.execute(ST.insert().values(key=key, value=stored))
            self._event(tx, EventKind.SETTINGS_CHANGED, details={"keys": sorted(parsed)})
            return merged


def _replace(office: OfficeSettings, key: str, value: Any) -> OfficeSettings:
    return dataclasses.replace(office, **{key: value})
