"""Ticket printing: the rendered image, the bundled font and a real ESC/POS job over TCP."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket
import struct
import subprocess
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qrcode
from PIL import Image, ImageFont

from shared.cli import main as cli_main
from shared.errors import InvalidInputError
from shared.office.config import PrinterConfig
from shared.paths import asset_path
from shared.printing import PrinterError
from shared.printing.escpos_out import describe, make_printer, print_ticket
from shared.printing.ticket import QR_ERROR_CORRECTION, render_ticket, ticket_url
from shared.rules.domain import IssueResult, TicketStatus, TicketView
from shared.rules.settings import OfficeSettings

OFFICE = OfficeSettings(office_name="Công an phường Bến Thành", lookup_base_url="https://q.vn/t/")
TICKET = TicketView(
    id=1,
    display_number="5001",
    business_day=dt.date(2025, 3, 3),
    sequence=1,
    service_code="XP",
    service_name_vi="Xử phạt vi phạm hành chính",
    service_name_en="Administrative violations",
    priority_category="elderly",
    status=TicketStatus.WAITING,
    counter_number=None,
    target_counter_number=None,
    officer_code=None,
    issued_at=dt.datetime(2025, 3, 3, 1, 5, tzinfo=dt.UTC),
    called_at=None,
    started_at=None,
    finished_at=None,
    call_count=0,
    outcome=None,
    token="k3J9xQ2mPz7Lw",
)
URL = "https://q.vn/t/k3J9xQ2mPz7Lw"
TIMEOUT_S = 0.5

# Every Vietnamese letter with a diacritic: 12 base vowels x 6 tones (minus the bare vowels a e i o
# u y, which have no diacritic) plus đ, i.e. 67 lower-case letters and their 67 capitals.
_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # ngang huyền sắc hỏi ngã nặng
VIETNAMESE_LOWER = sorted(
    {unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES} - set("aeiouy") | {"đ"}
)
VIETNAMESE_LETTERS = VIETNAMESE_LOWER + [c.upper() for c in VIETNAMESE_LOWER]


def test_the_letter_list_has_all_134_vietnamese_letters_with_diacritics() -> None:
    assert len(set(VIETNAMESE_LETTERS)) == 134
    assert all(len(c) == 1 for c in VIETNAMESE_LETTERS), (
        "every letter is one precomposed code point"
    )


def _missing_glyphs(font: ImageFont.FreeTypeFont, letters: list[str]) -> list[str]:
    """Letters the font draws as its .notdef box (what it draws for a private-use code point)."""

    def mask(text: str) -> tuple[tuple[int, int], bytes]:
        m = font.getmask(text)
        return m.size, bytes(m)

    notdef = mask("\U0010fffd")
    return [c for c in letters if mask(c) == notdef]


@pytest.mark.parametrize("name", ["fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf"])
def test_the_bundled_font_draws_every_vietnamese_letter(name: str) -> None:
    font = ImageFont.truetype(str(asset_path(name)), 24)
    assert _missing_glyphs(font, ["中", "\u0b95"]) == ["中", "\u0b95"], "the check finds a gap"
    assert _missing_glyphs(font, VIETNAMESE_LETTERS) == []


def test_the_font_licence_is_shipped_beside_it() -> None:
    assert "Bitstream Vera" in asset_path("fonts/LICENSE-DejaVu.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [384, 512, 576])
def test_the_ticket_is_a_1_bit_image_exactly_as_wide_as_the_paper(width: int) -> None:
    image = render_ticket(TICKET, OFFICE, 3, 12, width)
    assert image.mode == "1"
    assert image.width == width
    assert 400 < image.height < 3 * width


@pytest.mark.parametrize("width", [0, 383, 580, 640])
def test_other_paper_widths_are_refused(width: int) -> None:
    with pytest.raises(InvalidInputError, match=f"{width}"):
        render_ticket(TICKET, OFFICE, 3, 12, width)


def test_the_url_is_the_office_base_url_followed_by_the_token() -> None:
    assert ticket_url(TICKET, OFFICE) == URL


def _qr_bitmap(url: str, module_dots: int) -> list[bytes]:
    """The rows of the QR code of `url` (no quiet zone), 0 = black, 255 = white, as `L` bytes."""
    code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, border=0)
    code.add_data(url)
    code.make(fit=True)
    rows = []
    for row in code.get_matrix():
        line = b"".join((b"\x00" if dark else b"\xff") * module_dots for dark in row)
        rows.extend([line] * module_dots)
    return rows


def _find(image: Image.Image, bitmap: list[bytes]) -> tuple[int, int] | None:
    """Where `bitmap` appears pixel for pixel in `image`, if it does."""
    grey = image.convert("L")
    rows = [grey.tobytes()[y * grey.width : (y + 1) * grey.width] for y in range(grey.height)]
    for y in range(len(rows) - len(bitmap) + 1):
        x = rows[y].find(bitmap[0])
        while x >= 0:
            if all(rows[y + i][x : x + len(b)] == b for i, b in enumerate(bitmap)):
                return x, y
            x = rows[y].find(bitmap[0], x + 1)
    return None


@pytest.mark.parametrize("width", [384, 576])
def test_the_printed_qr_code_is_the_code_of_the_ticket_url(width: int) -> None:
    # zbarimg is not installed here: look for the exact QR matrix of the URL in the image instead.
    image = render_ticket(TICKET, OFFICE, 3, 12, width)
    found = [m for m in range(2, 12) if _find(image, _qr_bitmap(URL, m)) is not None]
    assert len(found) == 1
    other = dataclasses.replace(TICKET, token="another-token")
    assert all(_find(image, _qr_bitmap(ticket_url(other, OFFICE), m)) is None for m in found)


@pytest.mark.parametrize("width", [384, 576])
def test_a_phone_reads_the_ticket_url_from_the_printed_qr_code(width: int, tmp_path: Path) -> None:
    # zbarimg decodes it like a phone would (scripts/setup installs zbar-tools).
    png = tmp_path / "ticket.png"
    render_ticket(TICKET, OFFICE, 3, 12, width).save(png)
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True
    )
    assert decoded.stdout.strip() == URL


def test_long_office_names_wrap_inside_the_paper() -> None:
    office = dataclasses.replace(OFFICE, office_name="Công an phường " + "Bến Thành " * 12)
    short = render_ticket(TICKET, OFFICE, 3, 12, 384)
    long = render_ticket(TICKET, office, 3, 12, 384)
    assert long.width == 384
    assert long.height > short.height + 60


# --- a loopback TCP printer ---------------------------------------------------------------------


class LoopbackPrinter:
    """A TCP server on 127.0.0.1 that accepts one connection and handles it with `behaviour`."""

    def __init__(self, behaviour: Callable[[socket.socket, LoopbackPrinter], None]) -> None:
        self.received = bytearray()
        self.done = threading.Event()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A small receive buffer, like a real printer's: a stalled printer blocks the sender.
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(1)
        self.port = self._server.getsockname()[1]
        self._behaviour = behaviour
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._server.settimeout(5)
        try:
            conn, _ = self._server.accept()
        except OSError:
            return
        with conn:
            self._behaviour(conn, self)
        self.done.set()

    def close(self) -> None:
        self._server.close()
        self._thread.join(5)


def read_all(conn: socket.socket, server: LoopbackPrinter) -> None:
    conn.settimeout(5)
    while chunk := conn.recv(65536):
        server.received.extend(chunk)


def read_a_little_then_reset(conn: socket.socket, server: LoopbackPrinter) -> None:
    server.received.extend(conn.recv(1024))
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def stall(conn: socket.socket, server: LoopbackPrinter) -> None:
    server.done.wait(5)  # never reads; the test sets done when it is over


@pytest.fixture
def loopback() -> Iterator[Callable[..., LoopbackPrinter]]:
    servers: list[LoopbackPrinter] = []

    def start(behaviour: Callable[[socket.socket, LoopbackPrinter], None]) -> LoopbackPrinter:
        servers.append(LoopbackPrinter(behaviour))
        return servers[-1]

    yield start
    for server in servers:
        server.done.set()
        server.close()


def _network(port: int, width: int = 576) -> PrinterConfig:
    return PrinterConfig(kind="network", port=port, timeout_s=TIMEOUT_S, paper_width=width)


def _print(config: PrinterConfig, *, native_qr: bool = True) -> None:
    printer = make_printer(config)
    assert printer is not None
    issued = IssueResult(TICKET, people_ahead=3, predicted_wait_minutes=12)
    print_ticket(printer, describe(config), issued, OFFICE, config.paper_width, native_qr=native_qr)


GS_V_0 = b"\x1dv0"
GS_K = b"\x1d(k"
CUT = (b"\x1dV\x00", b"\x1dVA", b"\x1dVB", b"\x1dV\x01")


def test_a_ticket_goes_to_a_network_printer_as_raster_image_native_qr_and_cut(
    loopback: Callable[..., LoopbackPrinter],
) -> None:
    server = loopback(read_all)
    _print(_network(server.port))
    assert server.done.wait(5)
    data = bytes(server.received)
    assert data.count(GS_V_0) >= 2  # the part above the QR code and the footer
    header = data.index(GS_V_0)
    width_bytes, height = struct.unpack("<HH", data[header + 4 : header + 8])
    assert width_bytes == 576 // 8
    assert height > 100
    store = data.index(GS_K + struct.pack("<H", len(URL) + 3) + b"1P0" + URL.encode())
    assert data.index(GS_K + b"\x03\x001Q0") > store  # then print the stored code
    assert any(data.rfind(cut) > store for cut in CUT)


def test_the_raster_fallback_sends_the_qr_code_inside_the_image(
    loopback: Callable[..., LoopbackPrinter],
) -> None:
    server = loopback(read_all)
    _print(_network(server.port, 384), native_qr=False)
    assert server.done.wait(5)
    data = bytes(server.received)
    assert GS_V_0 in data
    assert GS_K not in data
    assert URL.encode() not in data
    assert any(cut in data for cut in CUT)


def test_a_refused_connection_is_a_printer_error_naming_the_printer() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(PrinterError, match=f"127.0.0.1:{port}") as error:
        _print(_network(port))
    assert time.monotonic() - started < TIMEOUT_S
    assert error.value.code == "printer"
    assert "máy in" in error.value.vi


def test_a_printer_that_goes_away_mid_job_is_a_printer_error(
    loopback: Callable[..., LoopbackPrinter],
) -> None:
    server = loopback(read_a_little_then_reset)
    with pytest.raises(PrinterError, match=f"127.0.0.1:{server.port}"):
        _print(_network(server.port))
    assert 0 < len(server.received) < 10_000


def test_a_printer_that_stops_reading_is_a_printer_error_after_the_timeout(
    loopback: Callable[..., LoopbackPrinter],
) -> None:
    server = loopback(stall)
    started = time.monotonic()
    with pytest.raises(PrinterError, match="does not respond"):
        _print(_network(server.port))
    assert TIMEOUT_S * 0.9 < time.monotonic() - started < TIMEOUT_S * 4


def test_a_file_printer_writes_the_job_to_its_device(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.touch()
    _print(PrinterConfig(kind="file", device=str(device), paper_width=384))
    data = device.read_bytes()
    assert GS_V_0 in data
    assert URL.encode() in data


def test_kind_none_has_no_printer_and_image_is_not_an_escpos_printer() -> None:
    assert make_printer(PrinterConfig(kind="none")) is None
    with pytest.raises(InvalidInputError):
        make_printer(PrinterConfig(kind="image"))


# --- the printing commands of the motcua CLI ----------------------------------------------------


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    path = str(tmp_path / "office.db")
    assert cli_main(["--db", path, "init", "--demo"]) == 0
    return path


def test_ticket_preview_writes_the_image_without_issuing_a_ticket(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["--db", demo_db, "issue", "XP"]) == 0
    out = tmp_path / "preview.png"
    args = ["--db", demo_db, "ticket-preview", "XP", "--out", str(out), "--width", "576"]
    assert cli_main([*args, "--priority", "elderly"]) == 0
    with Image.open(out) as image:
        assert (image.mode, image.width) == ("1", 576)
    assert "5002" in capsys.readouterr().out  # the next number, shown but not issued
    assert cli_main(["--db", demo_db, "--json", "status"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert [s["waiting"] for s in status["services"] if s["service"]["code"] == "XP"] == [1]


def test_print_test_sends_a_ticket_to_a_network_printer(
    demo_db: str, loopback: Callable[..., LoopbackPrinter]
) -> None:
    printer = loopback(read_all)
    assert (
        cli_main(["--db", demo_db, "print-test", "--printer", f"tcp://127.0.0.1:{printer.port}"])
        == 0
    )
    assert printer.done.wait(5)
    data = bytes(printer.received)
    assert b"\x1dv0" in data  # raster image
    assert b"\x1d(k" in data and b"/t/preview" in data  # native QR with the lookup URL


def test_print_test_on_an_unreachable_printer_says_so_in_one_line(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert cli_main(["--db", demo_db, "print-test", "--printer", f"tcp://127.0.0.1:{port}"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"127.0.0.1:{port}" in err


@pytest.mark.parametrize("url", ["bogus", "tcp://127.0.0.1", "tcp://:9100", "usb://zz:01"])
def test_print_test_refuses_a_malformed_printer_address(
    demo_db: str, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["--db", demo_db, "print-test", "--printer", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and url in err


def test_a_ticket_whose_estimate_could_not_be_read_is_printed_without_it() -> None:
    full = render_ticket(TICKET, OFFICE, 3, 12, 576)
    without = render_ticket(TICKET, OFFICE, None, None, 576)
    assert without.width == 576
    assert without.height < full.height  # the two estimate lines are left out, not "None"
