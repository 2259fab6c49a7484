"""The predicted wait's method (shared.rules.estimate), on hand-made queues: who is ahead, what
the counters hold and how long each procedure takes."""

from __future__ import annotations

from shared.rules.estimate import (
    DEFAULT_SERVICE_MINUTES,
    QueueState,
    predicted_wait_minutes,
    predicted_wait_seconds,
)

MIN = 60.0


def test_a_free_counter_means_no_wait() -> None:
    state = QueueState(ahead=[1], idle=2, recent_seconds=[10 * MIN])
    assert predicted_wait_minutes(state) == 0  # one ahead, two counters free


def test_nobody_ahead_waits_for_the_counter_that_frees_first() -> None:
    state = QueueState(
        ahead=[],
        busy=[(1, 2 * MIN), (1, 7 * MIN)],
        recent_seconds=[10 * MIN] * 6,
        service_seconds={1: [10 * MIN] * 6},
    )
    # The mean is 10 min (blended with the same office mean); the second counter has 3 min left.
    assert predicted_wait_seconds(state) == 3 * MIN


def test_the_tickets_ahead_take_the_counters_in_turn_for_their_own_procedure() -> None:
    means = {1: [4 * MIN] * 20, 2: [12 * MIN] * 20}
    recent = [4 * MIN] * 10 + [12 * MIN] * 10  # an office mean of 8 min
    state = QueueState(ahead=[2, 1, 1], idle=2, recent_seconds=recent, service_seconds=means)
    # Counter A takes the 12-min citizen, counter B the two 4-min ones (free at 4, then 8 min):
    # the new ticket is called at 8 min, when B frees again.
    seconds = predicted_wait_seconds(state)
    assert 7.5 * MIN < seconds < 8.5 * MIN  # the blend moves each mean a little toward 8 min
    assert predicted_wait_minutes(state) == 8


def test_a_service_running_over_its_mean_is_not_taken_for_over() -> None:
    state = QueueState(ahead=[], busy=[(1, 30 * MIN)], service_seconds={1: [10 * MIN] * 8})
    assert predicted_wait_seconds(state) > 0


def test_before_any_service_today_the_default_time_is_used() -> None:
    state = QueueState(ahead=[1, 1], busy=[(1, 0.0)])
    assert predicted_wait_seconds(state) == 3 * DEFAULT_SERVICE_MINUTES * MIN


def test_no_counter_open_yet_still_gives_an_estimate() -> None:
    state = QueueState(ahead=[1, 1, 1], recent_seconds=[6 * MIN])
    assert predicted_wait_minutes(state) == 18  # as if one counter opened now


def test_minutes_are_rounded_to_the_nearest() -> None:
    assert predicted_wait_minutes(QueueState(ahead=[1], recent_seconds=[89.0])) == 1
    assert predicted_wait_minutes(QueueState(ahead=[1], recent_seconds=[91.0])) == 2
