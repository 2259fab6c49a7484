"""The priority policy: which waiting ticket a counter calls next. Pure functions, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.rules.domain import PriorityMode, PriorityPolicy


@dataclass(frozen=True, slots=True)
class Candidate:
    """The oldest waiting ticket of one kind (normal or priority) that a counter may call.

    Attributes:
        ticket_id: its place in the office's arrival order (smaller = arrived earlier).
        issued_at: when it was issued, for the anti-starvation bound.
    """

    ticket_id: int
    issued_at: dt.datetime


def choose(
    oldest_normal: Candidate | None,
    oldest_priority: Candidate | None,
    policy: PriorityPolicy,
    now: dt.datetime,
    priority_streak: int,
) -> Candidate | None:
    """Pick the next ticket.

    Args:
        oldest_normal: the normal ticket that has waited longest, if any.
        oldest_priority: the priority ticket that has waited longest, if any.
        policy: strict or interleave N, plus the anti-starvation bound.
        now: the current time.
        priority_streak: how many of the latest calls took a priority ticket while a normal one
            waited (only read with interleave).

    Returns:
        The chosen candidate, or None when nobody waits.
    """
    if oldest_priority is None:
        return oldest_normal
    if oldest_normal is None:
        return oldest_priority
    if starving(oldest_normal, oldest_priority, policy, now):
        return oldest_normal
    if policy.mode is PriorityMode.INTERLEAVE and priority_streak >= policy.interleave_n:
        return oldest_normal
    return oldest_priority


def starving(
    normal: Candidate, priority: Candidate, policy: PriorityPolicy, now: dt.datetime
) -> bool:
    """A normal ticket past the bound goes before priority tickets that arrived after it."""
    if policy.starvation_minutes <= 0 or normal.ticket_id > priority.ticket_id:
        return False
    return now - normal.issued_at > dt.timedelta(minutes=policy.starvation_minutes)
