"""`motcua report` (a range of days as a table, CSV or Excel) and `motcua simulate` (a whole
office day on the real engine)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared.cli.base import AppContext, Commands, date_arg, emit
from shared.errors import InvalidInputError
from shared.insight.export import csv_text, to_csv, to_table, to_xlsx
from shared.insight.reports import Grouping, report
from shared.insight.simulate import simulate


def register(commands: Commands) -> None:
    p = commands.add("report", cmd_report, "counts, waiting and service times for a range of days")
    p.add_argument("--from", dest="date_from", type=date_arg, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=date_arg, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--by", choices=[g.value for g in Grouping], default=Grouping.SERVICE.value)
    p.add_argument("--format", choices=["table", "csv", "xlsx"], default="table")
    p.add_argument("--out", type=Path, metavar="FILE")

    text = "simulate an office day on the real engine (no database needed)"
    p = commands.sub.add_parser("simulate", help=text, description=text, parents=[commands.common])
    p.set_defaults(without_database=run_simulation)
    p.add_argument("--counters", type=int, required=True)
    p.add_argument("--arrivals-per-hour", type=float, required=True)
    p.add_argument("--hours", type=float, default=8.0)
    p.add_argument("--seed", type=int, default=1)


def cmd_report(ctx: AppContext) -> int:
    a = ctx.args
    if a.date_from > a.date_to:
        raise InvalidInputError(
            f"Ngày bắt đầu {a.date_from} sau ngày kết thúc {a.date_to}",
            f"--from {a.date_from} is after --to {a.date_to}",
        )
    if a.format == "xlsx" and a.out is None:
        raise InvalidInputError("Xuất xlsx cần --out FILE", "--format xlsx needs --out FILE")
    rep = report(ctx.db, a.date_from, a.date_to, a.by, clock=ctx.clock)
    if a.format == "xlsx":
        to_xlsx(rep, a.out)
        emit(a, f"Đã ghi / written: {a.out}", {"out": str(a.out)})
    elif a.format == "csv":
        if a.out is not None:
            to_csv(rep, a.out)
            emit(a, f"Đã ghi / written: {a.out}", {"out": str(a.out)})
        else:
            sys.stdout.write(csv_text(rep))
    else:
        emit(a, to_table(rep), rep)
    return 0


def run_simulation(args: argparse.Namespace) -> int:
    """`motcua simulate`: a whole office day on the real engine, in a temporary database."""
    if args.counters < 1 or args.arrivals_per_hour <= 0 or args.hours <= 0:
        raise InvalidInputError(
            "--counters, --arrivals-per-hour và --hours phải lớn hơn 0",
            "--counters, --arrivals-per-hour and --hours must be more than 0",
        )
    r = simulate(args.counters, args.arrivals_per_hour, args.hours, args.seed)
    emit(
        args,
        f"{r.counters} quầy / counters, {r.arrivals_per_hour:g} người/giờ / arrivals per hour, "
        f"{r.hours:g} giờ / hours, seed {r.seed}\n"
        f"  phục vụ / served {r.served}, vắng mặt / no-shows {r.no_shows}, "
        f"ưu tiên / priority {r.priority}"
        + (f", hết hạn khi đóng cửa / expired at closing {r.expired}" if r.expired else "")
        + (f", từ chối / refused {r.refused}" if r.refused else "")
        + "\n"
        f"  thời gian chờ (phút) / wait (min): TB / avg {r.average_wait_minutes:.1f}, "
        f"trung vị / median {r.median_wait_minutes:.1f}, p90 {r.p90_wait_minutes:.1f}, "
        f"tối đa / max {r.max_wait_minutes:.1f}\n"
        f"  sai số dự báo / prediction error (MAE): {r.predicted_wait_mae_minutes:.2f} phút / min",
        r,
    )
    return 0
