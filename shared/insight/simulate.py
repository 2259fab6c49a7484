"""A whole office day played through the real queue engine on a fake clock, in a few seconds.

What it measures: the waiting times citizens would get with N generalist counters and a given
arrival rate, and how good the predicted wait printed on each ticket is (shared.rules.estimate).

Method (discrete-event simulation, reproducible for a seed):
- a new SQLite file in a temporary folder with the demo office's seven procedures
  (shared.office.demo.DEMO_SERVICES) and N open generalist counters, and a FakeClock starting at
  07:30 office time. Nothing is simulated around the engine: every ticket is issued, called,
  started, finished or marked no-show by QueueEngine, with its own transaction and events, so the
  queue order, the priority policy and the predicted waits are the real ones;
- arrivals: a Poisson process over HOURS hours whose rate has a morning peak (about 1.9 times the
  mean an hour after opening, falling to about 0.6 times in the afternoon; ARRIVAL_PEAK), scaled
  so that the day's mean rate is arrivals_per_hour. Procedures are drawn with the shares of
  SERVICE_PROFILES, 8% of tickets are priority (a random default category), 4% are no-shows;
- service: an officer calls the next ticket as soon as the counter is free (an idle counter calls
  as soon as someone arrives); the citizen walks to the counter (lognormal, median 45 s) and is
  served for a lognormal time with the procedure's median and spread; a no-show is marked 2
  minutes after the call. Arrivals stop after HOURS hours; everybody who arrived is served, unless
  the queue is still open at CLOSING_LOCAL (23:59, office time): then the office ends its day as
  `motcua end-day --today` does and the tickets left open are expired. The books always balance:
  arrivals = issued + refused, issued = served + no-shows + expired, checked against the database;
- waiting time = first call - issue (as in the reports); predicted = IssueResult.predicted_wait_
  minutes; the error of a prediction = |predicted - actual| in minutes.

The predicted wait is the engine's (shared.rules.estimate has the method; bench/predict.py
measures it over a grid of these days). For comparison the result also holds the error of
simpler methods computed from what the engine knows at issue time (ESTIMATE_METHODS).
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
import tempfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from shared.clock import FakeClock
from shared.errors import ConflictError, InvalidInputError
from shared.insight.reports import nearest_rank
from shared.office.demo import new_office
from shared.rules.domain import DEFAULT_PRIORITY_CATEGORIES, Outcome
from shared.rules.estimate import RECENT_SAMPLE, mean_service_seconds
from shared.rules.numbering import DEFAULT_TIME_ZONE
from shared.storage.database import sqlite_url
from shared.storage.tables import T

# 07:30 in Asia/Ho_Chi_Minh (UTC+7) on a Monday.
OPENING_UTC = "2025-03-03T00:30:00+00:00"
# code -> (share of arrivals, median service minutes, lognormal sigma)
SERVICE_PROFILES: dict[str, tuple[float, float, float]] = {
    "CT": (0.25, 8.0, 0.5),
    "CC": (0.20, 10.0, 0.4),
    "DD": (0.20, 6.0, 0.5),
    "DX": (0.10, 12.0, 0.5),
    "XP": (0.05, 7.0, 0.5),
    "TKQ": (0.12, 2.0, 0.5),
    "HD": (0.08, 3.0, 0.6),
}
PRIORITY_SHARE = 0.08
NO_SHOW_SHARE = 0.04
NO_SHOW_AFTER_SECONDS = 120
WALK_MEDIAN_SECONDS = 45
ARRIVAL_PEAK = (1.0, 0.2, 0.15)  # extra height, place (share of the day), width of the peak
ESTIMATE_METHODS = ("engine", "position", "throughput", "recent_waits")
CLOSING_LOCAL = dt.time(23, 59)  # the latest the simulated office stays open
THROUGHPUT_WINDOW_SECONDS = 30 * 60
RECENT_WAITS = 10


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """One simulated day. Times in minutes.

    Attributes:
        arrivals: citizens who came to the kiosk.
        issued: tickets issued (refused ones, over a daily cap, are in refused).
        served: tickets finished.
        no_shows: tickets marked no-show.
        expired: tickets still open when the office closed at CLOSING_LOCAL.
        called: tickets called at least once (the waits and the predictions are theirs).
        statuses: the day's tickets per status, as the database has them at the end.
        predicted_wait_mae_minutes: mean |predicted wait - actual wait| of the engine's estimate.
        predicted_wait_bias_minutes: mean (predicted - actual): below 0 means too optimistic.
        method_mae_minutes: the same error for each of ESTIMATE_METHODS ("engine" is the one
            above; "position": 0 while a counter is free for the ticket, else (people ahead -
            free counters + 0.5) x mean service / open counters; "throughput": (people ahead +
            0.5) / the calls per minute of the last 30 minutes (the engine's estimate until 5
            calls were made); "recent_waits": the mean actual wait of the last 10 tickets called).
        day_minutes: from opening until the last citizen was finished.
    """

    seed: int
    counters: int
    arrivals_per_hour: float
    hours: float
    arrivals: int
    issued: int
    refused: int
    served: int
    no_shows: int
    expired: int
    called: int
    priority: int
    average_wait_minutes: float
    median_wait_minutes: float
    p90_wait_minutes: float
    max_wait_minutes: float
    predicted_wait_mae_minutes: float
    predicted_wait_bias_minutes: float
    method_mae_minutes: dict[str, float]
    day_minutes: float
    statuses: dict[str, int]


@dataclass(slots=True)
class _Citizen:
    ticket_id: int
    issued_at: float
    service_seconds: float
    walk_seconds: float
    no_show: bool
    predictions: dict[str, float]
    called_at: float | None = None


def _rate_shape(fraction: float) -> float:
    height, place, width = ARRIVAL_PEAK
    return 0.6 + height * math.exp(-(((fraction - place) / width) ** 2))


def _arrivals(rng: random.Random, per_hour: float, hours: float) -> list[float]:
    """Arrival times in seconds after opening: a Poisson process thinned to the day's shape."""
    steps = 1000
    mean_shape = sum(_rate_shape((i + 0.5) / steps) for i in range(steps)) / steps
    top = max(_rate_shape(i / steps) for i in range(steps + 1)) / mean_shape
    length = hours * 3600
    peak_rate = per_hour * top / 3600
    times: list[float] = []
    now = 0.0
    while True:
        now += rng.expovariate(peak_rate)
        if now >= length:
            return times
        if rng.random() * top <= _rate_shape(now / length) / mean_shape:
            times.append(now)


def capacity_per_hour(counters: int) -> float:
    """Citizens an hour that COUNTERS counters can serve with this simulation's mix: 3600 s over
    the mean time one holds a counter (walk and service; a no-show holds it NO_SHOW_AFTER_SECONDS).
    """
    service = sum(
        share * median * 60 * math.exp(sigma**2 / 2)
        for share, median, sigma in SERVICE_PROFILES.values()
    )
    walk = WALK_MEDIAN_SECONDS * math.exp(0.4**2 / 2)
    held = (1 - NO_SHOW_SHARE) * (walk + service) + NO_SHOW_SHARE * NO_SHOW_AFTER_SECONDS
    return counters * 3600 / held


def _check(counters: int, arrivals_per_hour: float, hours: float) -> None:
    if counters < 1 or counters > 50:
        raise InvalidInputError(
            "Số quầy phải từ 1 đến 50", f"counters must be 1 to 50, not {counters}"
        )
    if not 0 < arrivals_per_hour <= 2000:
        raise InvalidInputError(
            "Số người đến mỗi giờ phải lớn hơn 0 và tối đa 2000",
            f"arrivals per hour must be above 0 and at most 2000, not {arrivals_per_hour}",
        )
    if not 0 < hours <= 16:
        raise InvalidInputError(
            "Số giờ mở cửa phải lớn hơn 0 và tối đa 16",
            f"hours must be above 0 and at most 16, not {hours}",
        )


def simulate(
    counters: int,
    arrivals_per_hour: float,
    hours: float,
    seed: int,
    *,
    workdir: Path | None = None,
) -> SimulationResult:
    """Play one office day through QueueEngine (see the module docstring for the method).

    Args:
        counters: generalist counters, all open all day.
        arrivals_per_hour: the day's mean arrival rate.
        hours: how long tickets are issued.
        seed: the same seed gives the same result.
        workdir: where the temporary database goes (default: the system's temporary folder).
    """
    _check(counters, arrivals_per_hour, hours)
    with tempfile.TemporaryDirectory(prefix="motcua-sim-", dir=workdir) as folder:
        return _Day(Path(folder) / "sim.db", counters, arrivals_per_hour, hours, seed).run()


class _Day:
    def __init__(
        self, path: Path, counters: int, arrivals_per_hour: float, hours: float, seed: int
    ) -> None:
        self.rng = random.Random(seed)
        self.counters, self.per_hour, self.hours = counters, arrivals_per_hour, hours
        self.seed = seed
        self.opening = dt.datetime.fromisoformat(OPENING_UTC)
        self.clock = FakeClock(self.opening)
        self.db, _, self.engine = new_office(sqlite_url(path), self.clock, counters=counters)
        self.queue: list[tuple[float, int, str, int]] = []  # (time, order, action, counter)
        self.order = 0
        self.now = 0.0
        self.idle = set(range(1, counters + 1))
        self.holding: dict[int, _Citizen] = {}
        self.citizens: dict[int, _Citizen] = {}
        self.recent: deque[float] = deque(maxlen=RECENT_SAMPLE)  # call-to-finish, latest last
        self.calls: deque[float] = deque()  # times of the calls of the last 30 minutes
        self.recent_waits: deque[float] = deque(maxlen=RECENT_WAITS)
        self.refused = self.served = self.no_shows = self.expired = self.priority = 0
        self.arrivals = 0
        zone = ZoneInfo(DEFAULT_TIME_ZONE)
        local = self.opening.astimezone(zone)
        closing = dt.datetime.combine(local.date(), CLOSING_LOCAL, zone)
        self.closing_seconds = (closing - self.opening).total_seconds()

    def _at(self, seconds: float, action: str, counter: int) -> None:
        self.order += 1
        heapq.heappush(self.queue, (seconds, self.order, action, counter))

    def _set_clock(self, seconds: float) -> None:
        self.now = seconds
        self.clock.set(self.opening + dt.timedelta(seconds=seconds))

    def run(self) -> SimulationResult:
        try:
            for arrival in _arrivals(self.rng, self.per_hour, self.hours):
                self._at(arrival, "arrive", 0)
            self._at(self.closing_seconds, "close", 0)
            while self.queue:
                seconds, _, action, counter = heapq.heappop(self.queue)
                if action == "close" and not self.queue:
                    break  # everybody was served before closing time
                self._set_clock(seconds)
                getattr(self, f"_{action}")(counter)
            return self._result()
        finally:
            self.db.dispose()

    # ------------------------------------------------------------------ actions

    def _arrive(self, _counter: int) -> None:
        self.arrivals += 1
        rng = self.rng
        codes = list(SERVICE_PROFILES)
        code = rng.choices(codes, [SERVICE_PROFILES[c][0] for c in codes])[0]
        _, median, sigma = SERVICE_PROFILES[code]
        priority = None
        if rng.random() < PRIORITY_SHARE:
            priority = rng.choice(DEFAULT_PRIORITY_CATEGORIES).code
        service_seconds = rng.lognormvariate(math.log(median * 60), sigma)
        walk_seconds = rng.lognormvariate(math.log(WALK_MEDIAN_SECONDS), 0.4)
        no_show = rng.random() < NO_SHOW_SHARE
        busy = self.counters - len(self.idle)
        try:
            issued = self.engine.issue_ticket(code, priority)
        except ConflictError:  # the procedure's numbers for the day ran out
            self.refused += 1
            return
        self.priority += priority is not None
        citizen = _Citizen(
            issued.ticket.id,
            self.now,
            service_seconds,
            walk_seconds,
            no_show,
            self._predictions(issued.predicted_wait_minutes or 0, issued.people_ahead or 0, busy),
        )
        self.citizens[citizen.ticket_id] = citizen
        for counter in sorted(self.idle):
            if self._call(counter):
                break

    def _predictions(self, engine_minutes: int, ahead: int, busy: int) -> dict[str, float]:
        mean_seconds = mean_service_seconds(list(self.recent))
        free = self.counters - busy
        position = 0.0
        if ahead >= free:
            position = (ahead - free + 0.5) * mean_seconds / self.counters / 60
        while self.calls and self.calls[0] < self.now - THROUGHPUT_WINDOW_SECONDS:
            self.calls.popleft()
        throughput = float(engine_minutes)
        if len(self.calls) >= 5:
            per_minute = len(self.calls) / (THROUGHPUT_WINDOW_SECONDS / 60)
            throughput = 0.0 if ahead < free else (ahead + 0.5) / per_minute
        waits = self.recent_waits
        return {
            "engine": float(engine_minutes),
            "position": position,
            "throughput": throughput,
            "recent_waits": sum(waits) / len(waits) / 60 if waits else float(engine_minutes),
        }

    def _call(self, counter: int) -> bool:
        """Call the next citizen to COUNTER; False when nobody waits (the counter stays idle)."""
        result = self.engine.call_next(counter)
        if result.ticket is None:
            self.idle.add(counter)
            return False
        self.idle.discard(counter)
        citizen = self.citizens[result.ticket.id]
        if citizen.called_at is None:
            citizen.called_at = self.now
            self.recent_waits.append(self.now - citizen.issued_at)
        self.calls.append(self.now)
        self.holding[counter] = citizen
        if citizen.no_show:
            self._at(self.now + NO_SHOW_AFTER_SECONDS, "no_show", counter)
        else:
            self._at(self.now + citizen.walk_seconds, "start", counter)
        return True

    def _no_show(self, counter: int) -> None:
        self.engine.no_show(counter)
        self.holding.pop(counter)
        self.no_shows += 1
        self._call(counter)

    def _start(self, counter: int) -> None:
        self.engine.start(counter)
        self._at(self.now + self.holding[counter].service_seconds, "finish", counter)

    def _finish(self, counter: int) -> None:
        self.engine.finish(counter, Outcome.DOSSIER_RECEIVED)
        citizen = self.holding.pop(counter)
        assert citizen.called_at is not None
        self.recent.append(self.now - citizen.called_at)
        self.served += 1
        self._call(counter)

    def _close(self, _counter: int) -> None:
        """The office closes with citizens still open: they expire, and nothing more happens."""
        self.expired = self.engine.end_day(include_today=True)
        self.queue.clear()
        self.holding.clear()

    # ------------------------------------------------------------------ result

    def _result(self) -> SimulationResult:
        called = [c for c in self.citizens.values() if c.called_at is not None]
        waits = sorted(round((c.called_at or 0.0) - c.issued_at) for c in called)
        errors: dict[str, list[float]] = {m: [] for m in ESTIMATE_METHODS}
        bias = []
        for c in called:
            actual = ((c.called_at or 0.0) - c.issued_at) / 60
            for method in ESTIMATE_METHODS:
                errors[method].append(abs(c.predictions[method] - actual))
            bias.append(c.predictions["engine"] - actual)

        def minutes(seconds: float | None) -> float:
            return round((seconds or 0) / 60, 2)

        def mean(values: list[float]) -> float:
            return round(sum(values) / len(values), 2) if values else 0.0

        with self.db.read_tx() as conn:
            rows = conn.execute(sa.select(T.c.status, sa.func.count()).group_by(T.c.status))
            statuses = {str(status): count for status, count in rows}
        return SimulationResult(
            seed=self.seed,
            counters=self.counters,
            arrivals_per_hour=self.per_hour,
            hours=self.hours,
            arrivals=self.arrivals,
            issued=len(self.citizens),
            refused=self.refused,
            served=self.served,
            no_shows=self.no_shows,
            expired=self.expired,
            called=len(called),
            priority=self.priority,
            average_wait_minutes=minutes(sum(waits) / len(waits) if waits else None),
            median_wait_minutes=minutes(nearest_rank(waits, 50)),
            p90_wait_minutes=minutes(nearest_rank(waits, 90)),
            max_wait_minutes=minutes(waits[-1] if waits else None),
            predicted_wait_mae_minutes=mean(errors["engine"]),
            predicted_wait_bias_minutes=mean(bias),
            method_mae_minutes={m: mean(errors[m]) for m in ESTIMATE_METHODS},
            day_minutes=minutes(self.now),
            statuses=dict(sorted(statuses.items())),
        )
