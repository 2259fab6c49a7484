"""Where a kiosk's tickets go: an ESC/POS printer, a folder of PNG files (demo) or nowhere.

Runs on the kiosk's print thread, never on the GUI thread: a printer that does not answer only
delays its own job, up to its timeout.
"""

from __future__ import annotations

import logging
from pathlib import Path

from shared.office.config import PrinterConfig
from shared.printing import PrinterError
from shared.printing.escpos_out import describe, make_printer, print_ticket
from shared.printing.ticket import render_ticket
from shared.rules.domain import IssueResult
from shared.rules.settings import OfficeSettings

log = logging.getLogger(__name__)


class TicketOutput:
    """Prints tickets as this PC's config says.

    Args:
        config: the [printer] section of the local config.
    """

    def __init__(self, config: PrinterConfig) -> None:
        self._config = config
        self.name = describe(config)

    @property
    def enabled(self) -> bool:
        return self._config.kind != "none"

    def print(self, issued: IssueResult, office: OfficeSettings) -> Path | None:
        """Print one ticket; returns the PNG file for the "image" kind.

        Raises:
            PrinterError: the printer cannot be reached, timed out or failed mid-job.
        """
        config = self._config
        if config.kind == "none":
            return None
        if config.kind == "image":
            return self._save_png(issued, office)
        printer = make_printer(config)
        assert printer is not None
        print_ticket(
            printer, self.name, issued, office, config.paper_width, native_qr=config.native_qr
        )
        return None

    def _save_png(self, issued: IssueResult, office: OfficeSettings) -> Path:
        ticket = issued.ticket
        folder = Path(self._config.folder or "tickets")
        name = f"{ticket.business_day:%Y-%m-%d}-{ticket.display_number}.png"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            image = render_ticket(
                ticket,
                office,
                issued.people_ahead,
                issued.predicted_wait_minutes,
                self._config.paper_width,
            )
            image.save(folder / name)
        except OSError as error:
            raise PrinterError(
                self.name,
                f"không ghi được tệp vào {folder} ({error})",
                f"cannot write to {folder} ({error})",
            ) from error
        log.info("ticket %s saved as %s", ticket.display_number, folder / name)
        return folder / name
