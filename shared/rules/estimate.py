"""A simple predicted wait: people ahead times the recent service time, shared by open counters.

The method (refined and measured in the supervisor issue): take the mean time from call to finish of
the last RECENT_SAMPLE tickets finished today at the counters that serve the service (or
DEFAULT_SERVICE_MINUTES before any is finished), multiply by the people ahead of the new ticket and
divide by the open counters that serve it (at least one: an office opening late still gets an
estimate).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

DEFAULT_SERVICE_MINUTES = 5.0
RECENT_SAMPLE = 20


def mean_service_seconds(recent_seconds: Sequence[float]) -> float:
    usable = [s for s in recent_seconds if s > 0]
    if not usable:
        return DEFAULT_SERVICE_MINUTES * 60
    return sum(usable) / len(usable)


def predicted_wait_minutes(
    people_ahead: int, open_counters: int, recent_seconds: Sequence[float]
) -> int:
    """Whole minutes, rounded up; 0 when nobody is ahead."""
    if people_ahead <= 0:
        return 0
    seconds = people_ahead * mean_service_seconds(recent_seconds) / max(open_counters, 1)
    return math.ceil(seconds / 60)
