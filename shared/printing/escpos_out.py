"""Send a rendered ticket to an ESC/POS printer through python-escpos.

python-escpos creates a temporary folder at every import unless ESCPOS_CAPABILITIES_PICKLE_DIR
is set, so this module sets it (to a folder of the user's cache dir) before importing escpos.
"""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path
from typing import Any

import platformdirs

from shared.errors import InvalidInputError
from shared.office.config import PrinterConfig
from shared.paths import APP_NAME
from shared.printing import PrinterError
from shared.printing.ticket import check_width, render_ticket, render_ticket_parts
from shared.rules.domain import IssueResult

_PICKLE_DIR = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "escpos"
_PICKLE_DIR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(_PICKLE_DIR))

# escpos must be imported after the environment variable above is set.
from escpos.escpos import Escpos  # noqa: E402
from escpos.exceptions import Error as EscposError  # noqa: E402
from escpos.printer import File, Network, Serial, Usb  # noqa: E402

from shared.rules.settings import OfficeSettings  # noqa: E402

logger = logging.getLogger(__name__)

SEND_BUFFER_BYTES = 8192
QR_DOT_SIZE = 6  # printer dots per module of the native QR code (1-16)


class _Network(Network):  # type: ignore[misc]  # escpos has no type information
    """escpos's Network printer, except that a refused or timed-out connect closes its socket.

    Network.open() drops the socket it created when connect() fails, without closing it.
    The send buffer is kept small so that a printer that stops taking data blocks the job (and
    times out) instead of the job vanishing into the kernel's buffers.
    """

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            connection = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as error:
            self.device = None
            raise DeviceNotFound(f"{self.host}:{self.port}: {error}") from error
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
        self.device = connection


class DeviceNotFound(EscposError):  # type: ignore[misc]  # escpos has no type information
    """Raised by _Network.open, like escpos's own DeviceNotFoundError."""


def describe(config: PrinterConfig) -> str:
    """How the printer is named in messages: its kind and address."""
    if config.kind == "network":
        return f"network {config.host}:{config.port}"
    if config.kind == "usb":
        return f"usb {config.vendor_id:04x}:{config.product_id:04x}"
    if config.kind in ("serial", "file"):
        return f"{config.kind} {config.device}"
    return config.kind


def make_printer(config: PrinterConfig) -> Escpos | None:
    """An unopened python-escpos printer for this PC's configuration; None for kind "none".

    The printer connects at its first write; print_ticket closes it after every ticket.

    Raises:
        InvalidInputError: the kind has no ESC/POS printer ("image") or is unknown.
    """
    printer: Escpos
    if config.kind == "none":
        return None
    if config.kind == "network":
        printer = _Network(config.host, config.port, timeout=config.timeout_s)
    elif config.kind == "usb":
        printer = Usb(config.vendor_id, config.product_id, timeout=int(config.timeout_s * 1000))
    elif config.kind == "serial":
        printer = Serial(config.device, baudrate=config.baudrate, timeout=config.timeout_s)
    elif config.kind == "file":
        printer = File(config.device)
    else:
        raise InvalidInputError(
            f"loại máy in {config.kind!r} không phải máy in ESC/POS",
            f"printer kind {config.kind!r} is not an ESC/POS printer",
        )
    _set_paper_width(printer, config.paper_width)
    return printer


def _set_paper_width(printer: Escpos, width: int) -> None:
    """Tell the printer's profile its paper width, so image() checks it (and prints no notice).

    The profile's data is shared by every printer of the same profile: replace it, never mutate.
    """
    check_width(width)
    profile: Any = printer.profile
    data: dict[str, Any] = dict(profile.profile_data)
    data["media"] = {**data.get("media", {}), "width": {"mm": "Unknown", "pixels": width}}
    profile.profile_data = data


def print_ticket(
    printer: Escpos,
    printer_name: str,
    issued: IssueResult,
    office: OfficeSettings,
    width: int,
    *,
    native_qr: bool = True,
) -> None:
    """Print one ticket and cut; the printer is closed afterwards, whatever happens.

    Args:
        printer: from make_printer.
        printer_name: how messages name the printer (describe(config)).
        issued: the ticket with its people ahead and predicted wait, as the engine issued it.
        native_qr: the printer draws the QR code itself (94 bytes instead of a few kilobytes);
            False sends the whole ticket, QR code included, as one raster image, for printers
            without the GS ( k command.

    Raises:
        PrinterError: the printer refused the connection, timed out or went away mid-job.
    """
    ticket, ahead, wait = issued.ticket, issued.people_ahead, issued.predicted_wait_minutes
    try:
        if native_qr:
            parts = render_ticket_parts(ticket, office, ahead, wait, width)
            printer.image(parts.body)
            printer.set(align="center")
            printer.qr(parts.url, size=QR_DOT_SIZE, native=True)
            printer.set(align="left")
            printer.image(parts.footer)
        else:
            printer.image(render_ticket(ticket, office, ahead, wait, width))
        printer.cut()
    except TimeoutError as error:
        raise PrinterError(
            printer_name, "máy in không phản hồi", "the printer does not respond"
        ) from error
    except (OSError, EscposError) as error:
        logger.warning("printer %s failed: %s", printer_name, error)
        raise PrinterError(
            printer_name,
            f"mất kết nối hoặc không kết nối được ({error})",
            f"connection refused or lost ({error})",
        ) from error
    finally:
        _close(printer, printer_name)
    logger.info("ticket %s printed on %s", ticket.display_number, printer_name)


def _close(printer: Escpos, printer_name: str) -> None:
    try:
        printer.close()
    except (OSError, EscposError):
        # The job already failed or succeeded; a failing close changes neither.
        logger.warning("closing printer %s failed", printer_name, exc_info=True)
