"""Benchmark the predicted wait printed on every ticket: its error against the wait each citizen
then had, over a grid of simulated office days on the real engine (shared.insight.simulate).

The grid: 2, 4 and 8 generalist counters; the day's mean arrival rate at 60 %, 85 % and 100 % of
the office's service capacity; 5 seeds each. Capacity = counters x 3600 / the mean time a citizen
holds a counter (the walk to it, the service of the simulation's procedure mix, a no-show's two
minutes), stated in the output. The morning peak is about 1.9 times the day's mean, so even at
60 % a queue builds up for an hour or two; at 100 % it grows all day.

For each row: the mean wait, the mean absolute error (MAE) and the mean error (bias: below 0 means
too optimistic) of the engine's estimate, in minutes and as a share of the mean wait, pooled over
every called ticket of the 5 days. Target, up to 85 % load: MAE at most 20 % of the mean wait or
3 minutes, whichever is larger, and bias within +-10 % of the mean wait.

    python bench/predict.py            # a table
    python bench/predict.py --json     # one JSON object per row
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from shared.insight.simulate import capacity_per_hour, simulate

COUNTERS = (2, 4, 8)
LOADS = (0.60, 0.85, 1.00)
SEEDS = (1, 2, 3, 4, 5)
HOURS = 8.0
TARGET_MAE_SHARE = 0.20
TARGET_MAE_MINUTES = 3.0
TARGET_BIAS_SHARE = 0.10
TARGET_UP_TO_LOAD = 0.85


def row(counters: int, load: float, seeds: tuple[int, ...], workdir: Path) -> dict[str, Any]:
    capacity = capacity_per_hour(counters)
    per_hour = round(load * capacity, 1)
    called = 0
    wait_sum = abs_sum = bias_sum = 0.0
    for seed in seeds:
        day = simulate(counters, per_hour, HOURS, seed, workdir=workdir)
        n = day.called
        called += n
        wait_sum += day.average_wait_minutes * n
        abs_sum += day.predicted_wait_mae_minutes * n
        bias_sum += day.predicted_wait_bias_minutes * n
    mean_wait = wait_sum / called if called else 0.0
    mae = abs_sum / called if called else 0.0
    bias = bias_sum / called if called else 0.0

    def share(value: float) -> float:
        return round(value / mean_wait, 3) if mean_wait else 0.0

    within = (
        mae <= max(TARGET_MAE_SHARE * mean_wait, TARGET_MAE_MINUTES)
        and abs(bias) <= TARGET_BIAS_SHARE * mean_wait
    )
    return {
        "counters": counters,
        "load": load,
        "capacity_per_hour": round(capacity, 1),
        "arrivals_per_hour": per_hour,
        "seeds": len(seeds),
        "called": called,
        "mean_wait_minutes": round(mean_wait, 2),
        "mae_minutes": round(mae, 2),
        "mae_share": share(mae),
        "bias_minutes": round(bias, 2),
        "bias_share": share(bias),
        "target_applies": load <= TARGET_UP_TO_LOAD,
        "within_target": within,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object per row")
    parser.add_argument("--counters", type=int, nargs="+", default=list(COUNTERS))
    parser.add_argument("--loads", type=float, nargs="+", default=list(LOADS))
    parser.add_argument("--seeds", type=int, default=len(SEEDS), help="seeds per row (1..N)")
    args = parser.parse_args(argv)
    seeds = tuple(range(1, args.seeds + 1))
    missed = 0
    with tempfile.TemporaryDirectory(prefix="motcua-bench-predict-") as tmp:
        for counters in args.counters:
            for load in args.loads:
                result = row(counters, load, seeds, Path(tmp))
                missed += result["target_applies"] and not result["within_target"]
                if args.json:
                    print(json.dumps(result), flush=True)
                    continue
                verdict = "ok" if result["within_target"] else "MISSED"
                if not result["target_applies"]:
                    verdict = "(no target)"
                print(
                    f"{counters} counters, load {load:.0%} "
                    f"({result['arrivals_per_hour']:.1f}/h of {result['capacity_per_hour']:.1f}/h)"
                    f": mean wait {result['mean_wait_minutes']:5.1f} min, "
                    f"MAE {result['mae_minutes']:4.1f} min ({result['mae_share']:.0%}), "
                    f"bias {result['bias_minutes']:+5.1f} min ({result['bias_share']:+.0%}) "
                    f"{verdict}",
                    flush=True,
                )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
