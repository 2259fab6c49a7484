"""Logging setup for every entry point: plain lines, or one JSON object per line (--log-json)."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message and any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": record.created,
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD:
                payload[key] = value
        return json.dumps(payload, ensure_ascii=False, default=str)


def configure_logging(*, verbose: bool = False, json_lines: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    # Without -v the CLI says what went wrong in its one-line error, nothing more.
    root.setLevel(logging.DEBUG if verbose else logging.INFO if json_lines else logging.ERROR)
    # Alembic says "Context impl SQLiteImpl." at every start: not an event of the office.
    logging.getLogger("alembic").setLevel(logging.DEBUG if verbose else logging.WARNING)
