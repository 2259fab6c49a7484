"""The `motcua` command line: one module per command group (tickets, counter, tools, reports,
backup, admin), base (what they share) and main (the parser and dispatch). Every layer below."""

from shared.cli.base import AppCommand, AppContext
from shared.cli.main import main

__all__ = ["AppCommand", "AppContext", "main"]
