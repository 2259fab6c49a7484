"""The `motcua` command line: one module per command group (tickets, counter, tools, reports,
backup, admin, doctor), base (what they share), main (the parser and dispatch). Uses every layer."""

from shared.cli.base import AppCommand, AppContext
from shared.cli.main import main

__all__ = ["AppCommand", "AppContext", "main"]
