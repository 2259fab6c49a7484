"""Ticket printing: a 1-bit ticket image rendered with Pillow, sent to ESC/POS printers.
Uses shared.rules, shared.office.config (the printer) and the kernel."""

from __future__ import annotations

from shared.errors import MotcuaError


class PrinterError(MotcuaError):
    """The printer cannot be reached or stopped taking the job; the message names the printer."""

    code = "printer"

    def __init__(self, printer: str, vi_reason: str, en_reason: str) -> None:
        super().__init__(
            f"Không in được phiếu trên máy in {printer}: {vi_reason}",
            f"cannot print the ticket on printer {printer}: {en_reason}",
        )
        self.printer = printer
