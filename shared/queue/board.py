"""What the kiosk shows on its tiles: per service, who waits, the predicted wait, and whether a
ticket can be taken at all (closed service, daily cap reached)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from shared.clock import Clock
from shared.queue.waiting import estimate_in_tx, queue_shape
from shared.rules.domain import ServiceView, TicketStatus
from shared.rules.numbering import NumberingFormat, business_day, load_zone
from shared.rules.settings import OfficeSettings
from shared.storage.database import Database
from shared.storage.tables import S, T, load_settings, service_view


@dataclass(frozen=True, slots=True)
class ServiceTile:
    """One service as the kiosk shows it.

    Attributes:
        waiting: people waiting for the service now.
        wait_minutes: the predicted wait of a new ticket.
        wait_priority: the same for a priority ticket.
        left_today: tickets the service can still issue today.
    """

    service: ServiceView
    waiting: int
    wait_minutes: int
    wait_priority: int
    left_today: int

    @property
    def can_issue(self) -> bool:
        return self.service.is_open and self.left_today > 0

    @property
    def capped(self) -> bool:
        return self.left_today <= 0


@dataclass(frozen=True, slots=True)
class Board:
    settings: OfficeSettings
    tiles: tuple[ServiceTile, ...]


def read_board(db: Database, clock: Clock) -> Board:
    """One read transaction (never the write lock): the settings and a tile per service."""
    with db.read_tx() as conn:
        settings = load_settings(conn)
        now = clock.now()
        today = business_day(now, load_zone(settings.time_zone))
        # Numbers are counted on the service that issued them, people waiting on the service
        # they wait for now (a transfer moves them).
        issued_today: dict[int, int] = dict(
            conn.execute(
                sa.select(T.c.issued_service_id, sa.func.max(T.c.sequence))
                .where(T.c.business_day == today)
                .group_by(T.c.issued_service_id)
            ).all()
        )
        waiting_now: dict[int, int] = dict(
            conn.execute(
                sa.select(T.c.service_id, sa.func.count())
                .where(T.c.business_day == today, T.c.status == str(TicketStatus.WAITING))
                .group_by(T.c.service_id)
            ).all()
        )
        shape = queue_shape(conn, today, now)  # shared by every service's estimate
        tiles = []
        for row in conn.execute(sa.select(S).order_by(S.c.sort_order, S.c.id)):
            view = service_view(row)
            issued = int(issued_today.get(row.id) or 0)
            numbering = NumberingFormat(row.prefix, row.block_start, row.block_end)
            cap = min(row.daily_cap or numbering.capacity, numbering.capacity)
            _, wait = estimate_in_tx(conn, today, now, row.id, False, shape=shape)
            _, wait_p = estimate_in_tx(conn, today, now, row.id, True, shape=shape)
            tiles.append(
                ServiceTile(
                    service=view,
                    waiting=int(waiting_now.get(row.id, 0)),
                    wait_minutes=wait,
                    wait_priority=wait_p,
                    left_today=cap - issued,
                )
            )
        return Board(settings, tuple(tiles))
