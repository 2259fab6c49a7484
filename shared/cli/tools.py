"""The tools for setting up a hall: the spoken call (announce-text, announce to a WAV file), the
ticket image (ticket-preview) and a test ticket on a real printer (print-test)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from shared.cli.base import AppContext, Commands, counter_number, emit
from shared.errors import InvalidInputError
from shared.office.config import PAPER_WIDTHS, PrinterConfig
from shared.printing.escpos_out import describe, make_printer, print_ticket
from shared.printing.ticket import render_ticket
from shared.rules.domain import IssueResult
from shared.voice.announcement import announcement_text
from shared.voice.render import render_wav


def register(commands: Commands) -> None:
    add = commands.add
    p = add("ticket-preview", cmd_ticket_preview, "write the image a ticket would be printed as")
    p.add_argument("service", help="service code")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.png")
    p.add_argument("--width", type=int, choices=PAPER_WIDTHS, default=None)
    p.add_argument("--priority", metavar="CATEGORY")

    p = add("print-test", cmd_print_test, "print a test ticket (default: this PC's printer)")
    p.add_argument("--printer", metavar="URL", help="tcp://HOST:PORT, usb://VID:PID, ...")
    p.add_argument("--service", default=None, help="service code (default: the first one)")
    p.add_argument("--priority", metavar="CATEGORY")
    p.add_argument("--width", type=int, choices=PAPER_WIDTHS, default=None)

    p = add("announce-text", cmd_announce_text, "the sentence the hall display speaks for a call")
    p.add_argument("ticket", help="display number, e.g. 1005 or A001")
    p.add_argument("counter", type=counter_number)
    p = add("announce", cmd_announce, "write the spoken call to a WAV file (espeak-ng/SAPI5)")
    p.add_argument("ticket", help="display number, e.g. 1005 or A001")
    p.add_argument("counter", type=counter_number)
    p.add_argument("--out", type=Path, required=True, metavar="FILE.wav")


def cmd_announce_text(ctx: AppContext) -> int:
    a = ctx.args
    voice = ctx.queries.settings().voice
    sentence = announcement_text(a.ticket, a.counter, voice)
    emit(a, sentence, {"sentence": sentence, "voice": voice})
    return 0


def cmd_announce(ctx: AppContext) -> int:
    a = ctx.args
    voice = ctx.queries.settings().voice
    sentence = announcement_text(a.ticket, a.counter, voice)
    out: Path = a.out
    if not out.parent.is_dir():
        raise InvalidInputError(
            f"Không có thư mục {out.parent}", f"the folder {out.parent} does not exist"
        )
    render_wav(sentence, voice.voice, voice.rate, out)
    emit(
        a,
        f"Đã ghi / written: {out} ({sentence})",
        {"out": str(out), "sentence": sentence, "voice": voice},
    )
    return 0


def _sample(ctx: AppContext) -> IssueResult:
    """The ticket the service's next citizen would get (nothing is issued)."""
    a = ctx.args
    ticket = ctx.queries.preview(a.service, a.priority)
    ahead, wait = ctx.engine.estimate(a.service, a.priority is not None)
    return IssueResult(ticket, ahead, wait)


def cmd_ticket_preview(ctx: AppContext) -> int:
    a = ctx.args
    sample = _sample(ctx)
    image = render_ticket(
        sample.ticket,
        ctx.queries.settings(),
        sample.people_ahead,
        sample.predicted_wait_minutes,
        a.width if a.width is not None else ctx.printer.paper_width,
    )
    try:
        image.save(a.out, format="PNG")
    except OSError as exc:
        raise InvalidInputError(
            f"Không ghi được tệp {a.out}: {exc.strerror}", f"cannot write {a.out}: {exc.strerror}"
        ) from exc
    emit(
        a,
        f"Đã ghi / wrote {a.out} ({image.width}x{image.height}, số / number "
        f"{sample.ticket.display_number})",
        {"out": str(a.out), "width": image.width, "height": image.height, "ticket": sample.ticket},
    )
    return 0


def cmd_print_test(ctx: AppContext) -> int:
    a = ctx.args
    if a.service is None:
        services = ctx.queries.services()
        if not services:
            raise InvalidInputError(
                "Chưa có thủ tục nào: hãy chạy 'motcua init'", "no services yet: run 'motcua init'"
            )
        a.service = services[0].code
    config = ctx.printer
    if a.printer is not None:
        config = parse_printer_url(a.printer, config)
    if a.width is not None:
        config = dataclasses.replace(config, paper_width=a.width)
    printer = make_printer(config)
    name = describe(config)
    if printer is None:
        raise InvalidInputError(
            "Chưa cấu hình máy in: dùng --printer tcp://HOST:PORT",
            "no printer is configured: use --printer tcp://HOST:PORT",
        )
    print_ticket(printer, name, _sample(ctx), ctx.queries.settings(), config.paper_width)
    emit(a, f"Đã in phiếu thử / test ticket printed: {name}", {"printer": name, "ok": True})
    return 0


def parse_printer_url(url: str, base: PrinterConfig) -> PrinterConfig:
    """tcp://HOST:PORT, usb://VENDOR:PRODUCT (hex), serial:///dev/ttyUSB0, file:///dev/usb/lp0."""
    scheme, sep, rest = url.partition("://")
    bad = InvalidInputError(
        f"Địa chỉ máy in không hợp lệ: '{url}' (ví dụ tcp://192.168.1.50:9100)",
        f"invalid printer address '{url}' (e.g. tcp://192.168.1.50:9100, usb://04b8:0202, "
        "serial:///dev/ttyUSB0, file:///dev/usb/lp0)",
    )
    if not sep or not rest:
        raise bad
    try:
        if scheme == "tcp":
            host, _, port = rest.rpartition(":")
            if not host or not 1 <= int(port) <= 65535:
                raise bad
            return dataclasses.replace(base, kind="network", host=host, port=int(port))
        if scheme == "usb":
            vendor, _, product = rest.partition(":")
            return dataclasses.replace(
                base, kind="usb", vendor_id=int(vendor, 16), product_id=int(product, 16)
            )
        if scheme in ("serial", "file"):
            return dataclasses.replace(base, kind=scheme, device=rest)
    except ValueError:
        raise bad from None
    raise bad
