"""A report as people read it: the CSV and Excel files (Vietnamese headers with English beside
them, minutes with one decimal, the definitions as notes) and the terminal's table."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO

from shared.insight.reports import GROUPING_LABELS, Grouping, Report, ReportRow

# (Vietnamese, English, short Vietnamese for the terminal, short English for the terminal)
_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("Tên", "Name", "Tên", "Name"),
    ("Phát số", "Issued", "Phát", "Issued"),
    ("Đã phục vụ", "Served", "Xong", "Served"),
    ("Vắng mặt", "No-show", "Vắng", "No-show"),
    ("Đã hủy", "Cancelled", "Hủy", "Cancel"),
    ("Hết hạn", "Expired", "Hết hạn", "Expired"),
    ("Tỷ lệ vắng mặt (%)", "No-show rate (%)", "% vắng", "% no-show"),
    ("Chờ trung bình (phút)", "Average wait (min)", "Chờ TB", "Wait avg"),
    ("Chờ trung vị (phút)", "Median wait (min)", "Chờ TV", "Wait med"),
    ("Chờ P90 (phút)", "90th percentile wait (min)", "Chờ P90", "Wait p90"),
    ("Chờ lâu nhất (phút)", "Longest wait (min)", "Chờ max", "Wait max"),
    ("Phục vụ trung bình (phút)", "Average service (min)", "PV TB", "Serv avg"),
    ("Phục vụ trung vị (phút)", "Median service (min)", "PV TV", "Serv med"),
    ("Phục vụ P90 (phút)", "90th percentile service (min)", "PV P90", "Serv p90"),
    ("Phục vụ lâu nhất (phút)", "Longest service (min)", "PV max", "Serv max"),
)

Cell = str | int | float | None


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _cells(row: ReportRow) -> list[Cell]:
    """One row as numbers, exactly as every export shows them."""
    rate = None if row.no_show_rate is None else round(row.no_show_rate * 100, 1)
    durations: list[Cell] = []
    for stats in (row.wait, row.service):
        durations += [
            _minutes(stats.average_seconds),
            _minutes(stats.median_seconds),
            _minutes(stats.p90_seconds),
            _minutes(stats.max_seconds),
        ]
    return [
        row.key,
        row.name_vi,
        row.issued,
        row.served,
        row.no_show,
        row.cancelled,
        row.expired,
        rate,
        *durations,
    ]


def _headers(grouping: Grouping) -> list[str]:
    vi, en = GROUPING_LABELS[grouping]
    return [f"{vi} / {en}"] + [f"{c[0]} / {c[1]}" for c in _COLUMNS]


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:.1f}"
    return str(cell)


def _all_rows(rep: Report) -> list[list[Cell]]:
    totals = _cells(rep.totals)
    totals[0] = "Tổng / Total"
    totals[1] = ""
    return [_cells(r) for r in rep.rows] + [totals]


def _title(rep: Report) -> tuple[str, str]:
    vi, en = GROUPING_LABELS[rep.by]
    span = f"{rep.date_from.isoformat()} - {rep.date_to.isoformat()}"
    return (f"Báo cáo theo {vi.lower()}, {span}", f"Report by {en.lower()}, {span}")


def to_csv(rep: Report, out: str | Path | IO[str]) -> None:
    """Write the report as CSV: one header row (Vietnamese / English), the rows, the totals.

    A path is written in UTF-8 with a byte-order mark, so that Excel shows Vietnamese correctly.
    """
    if isinstance(out, str | Path):
        with Path(out).open("w", encoding="utf-8-sig", newline="") as stream:
            _write_csv(rep, stream)
    else:
        _write_csv(rep, out)


def _write_csv(rep: Report, stream: IO[str]) -> None:
    writer = csv.writer(stream)
    writer.writerow(_headers(rep.by))
    for cells in _all_rows(rep):
        writer.writerow([_text(c) for c in cells])


def to_xlsx(rep: Report, path: str | Path) -> None:
    """Write the report as an Excel workbook: the table on the first sheet, then the definitions."""
    # Imported here: only this export needs openpyxl, and it takes a while to load.
    # openpyxl ships no type hints (types-openpyxl is not a dev dependency yet).
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Báo cáo - Report"
    sheet.append(_headers(rep.by))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in _all_rows(rep):
        sheet.append(cells)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    notes = book.create_sheet("Ghi chú - Notes")
    for line in (*_title(rep), "", *NOTES):
        notes.append([line])
    book.save(path)


NOTES = (
    "Thời gian chờ = từ lúc lấy số đến lần gọi đầu tiên; thời gian phục vụ = từ lúc bắt đầu "
    "đến lúc kết thúc (số kết thúc mà chưa bắt đầu không được tính).",
    "Waiting time = from issue to the first call; service time = from start to finish (tickets "
    "finished without a start are left out).",
    "Trung vị và P90 theo thứ hạng gần nhất; chính xác đến giây dưới 10 phút, sai số tối đa 5 giây "
    "đến 1 giờ, 30 giây đến 8 giờ.",
    "Median and P90 by nearest rank; exact below 10 minutes, within 5 s up to 1 h, 30 s up to 8 h.",
    "Tỷ lệ vắng mặt = vắng mặt / (đã phục vụ + vắng mặt).",
    "No-show rate = no-shows / (served + no-shows).",
)


def to_table(rep: Report) -> str:
    """The report as aligned text for a terminal (times in minutes)."""
    vi_title, en_title = _title(rep)
    key_vi, key_en = GROUPING_LABELS[rep.by]
    head_vi = [key_vi] + [c[2] for c in _COLUMNS]
    head_en = [key_en] + [c[3] for c in _COLUMNS]
    body = [[_text(c) or "-" for c in cells] for cells in _all_rows(rep)]
    body[-1][1] = ""
    widths = [max(len(line[i]) for line in [head_vi, head_en, *body]) for i in range(len(head_vi))]

    def line(cells: list[str]) -> str:
        parts = []
        for i, cell in enumerate(cells):
            parts.append(cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]))
        return "  ".join(parts).rstrip()

    rule = "-" * len(line(["-" * w for w in widths]))
    out = [
        vi_title,
        en_title,
        "Thời gian tính bằng phút / times in minutes",
        "",
        line(head_vi),
        line(head_en),
        rule,
    ]
    out += [line(cells) for cells in body[:-1]]
    out += [rule, line(body[-1])]
    return "\n".join(out)


def csv_text(rep: Report) -> str:
    """The CSV form as a string (for `--format csv` without --out)."""
    buffer = io.StringIO()
    to_csv(rep, buffer)
    return buffer.getvalue()
