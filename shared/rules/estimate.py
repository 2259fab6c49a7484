"""The predicted wait printed on every ticket and shown on the kiosk's tiles. Pure functions.

The method (measured over simulated office days by bench/predict.py; README, "The predicted
wait"):
- every open counter that serves the procedure is free now (it holds nobody) or when its citizen
  is expected to leave: the mean time a citizen of that procedure holds a counter, less the time
  already spent, but at least RESIDUAL_SHARE of that mean (a long service is not over yet);
- the citizens ahead, in queue order, each take the counter that frees first and hold it for the
  mean time of their own procedure: the procedure's tickets of today, blended with the whole
  office's mean while it has few (BLEND), served and no-show tickets alike (a no-show holds the
  counter until it is marked); DEFAULT_SERVICE_MINUTES before any is finished today;
- the new ticket is called when a counter frees after them: that moment, rounded to the nearest
  minute, is its predicted wait (0 when a counter is free for it). Beyond the first EXACT_TURNS
  turns of every counter, the citizens further ahead only add their mean times shared by the
  counters (the same figure within seconds, without a step per citizen of a long queue).

Measured and left out: stretching a normal ticket's wait for the priority citizens who will
arrive while it waits and pass it made the estimate pessimistic by 5-15 % (under the interleave
policy they pass it less than their share suggests); rounding up instead of to the nearest
minute made short waits pessimistic by half a minute.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

DEFAULT_SERVICE_MINUTES = 5.0
RECENT_SAMPLE = 20  # the latest tickets of the whole office that its mean is taken over
SERVICE_SAMPLE = 100  # the latest tickets of today read for the per-procedure means
BLEND = 1.0  # the office mean counts as this many tickets in a procedure's mean
RESIDUAL_SHARE = 0.3
EXACT_TURNS = 8  # citizens per counter placed one by one (see the module docstring)


def mean_service_seconds(recent_seconds: Sequence[float]) -> float:
    """The mean of the positive times, or DEFAULT_SERVICE_MINUTES when there is none."""
    usable = [s for s in recent_seconds if s > 0]
    if not usable:
        return DEFAULT_SERVICE_MINUTES * 60
    return sum(usable) / len(usable)


@dataclass(frozen=True, slots=True)
class QueueState:
    """What the estimate of one new ticket needs, read in one transaction.

    Attributes:
        ahead: the procedure (service id) of each ticket called before the new one, in order
            (the first EXACT_TURNS per counter; the rest in more).
        more: how many more tickets of each procedure are ahead after those.
        busy: for each open counter that serves the new ticket and holds a citizen: the
            citizen's procedure and the seconds since the call.
        idle: open counters that serve the new ticket and hold nobody.
        recent_seconds: call-to-close times of the office's latest tickets (latest first).
        service_seconds: call-to-close times of today's latest tickets, per procedure.
    """

    ahead: Sequence[int]
    more: Mapping[int, int] = field(default_factory=dict)
    busy: Sequence[tuple[int, float]] = ()
    idle: int = 0
    recent_seconds: Sequence[float] = ()
    service_seconds: Mapping[int, Sequence[float]] = field(default_factory=dict)


def predicted_wait_seconds(state: QueueState) -> float:
    office_mean = mean_service_seconds(state.recent_seconds[:RECENT_SAMPLE])
    means: dict[int, float] = {}

    def mean_of(service_id: int) -> float:
        if service_id not in means:
            own = [s for s in state.service_seconds.get(service_id, ()) if s > 0]
            means[service_id] = (sum(own) + BLEND * office_mean) / (len(own) + BLEND)
        return means[service_id]

    free = [0.0] * state.idle
    for service_id, elapsed in state.busy:
        mean = mean_of(service_id)
        free.append(max(mean - elapsed, RESIDUAL_SHARE * mean))
    if not free:
        free = [0.0]  # no counter open yet: as if one opened now
    heapq.heapify(free)
    for service_id in state.ahead:
        heapq.heappush(free, heapq.heappop(free) + mean_of(service_id))
    rest = sum(count * mean_of(service_id) for service_id, count in state.more.items())
    return free[0] + rest / len(free)


def predicted_wait_minutes(state: QueueState) -> int:
    """Whole minutes, to the nearest; 0 when a counter is free for the ticket."""
    return math.floor(predicted_wait_seconds(state) / 60 + 0.5)
