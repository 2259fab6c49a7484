"""`motcua counter open|pause|resume|close N`, and without an action the counter's window."""

from __future__ import annotations

from collections.abc import Callable

from shared.cli.base import AppContext, Commands, counter_number, emit
from shared.errors import InvalidInputError
from shared.rules.domain import COUNTER_STATE_VI


def register(commands: Commands) -> None:
    p = commands.add(
        "counter",
        cmd_counter,
        "open, pause, resume or close a counter; without an action, open the counter window",
    )
    p.add_argument("action", nargs="?", choices=["open", "pause", "resume", "close"])
    p.add_argument("number", nargs="?", type=counter_number)
    p.add_argument("--officer")
    p.add_argument("--reason")


def cmd_counter(ctx: AppContext) -> int:
    a = ctx.args
    if a.action is None:  # `motcua counter [--counter N]`: the officer's window
        run: Callable[[AppContext], int] | None = getattr(a, "app_run", None)
        if run is None:
            raise InvalidInputError(
                "Cần thao tác: open, pause, resume hoặc close", "an action is needed"
            )
        return run(ctx)
    if a.number is None:
        raise InvalidInputError(
            f"'counter {a.action}' cần số quầy", f"'counter {a.action}' needs a counter number"
        )
    if a.action == "open":
        view = ctx.engine.open_counter(a.number, officer_code=a.officer)
    elif a.action == "pause":
        view = ctx.engine.pause_counter(a.number, a.reason or "")
    elif a.action == "resume":
        view = ctx.engine.resume_counter(a.number)
    else:
        view = ctx.engine.close_counter(a.number)
    emit(
        a,
        f"Quầy / counter {view.number}: {COUNTER_STATE_VI[view.state]} / {view.state}",
        {"counter": view},
    )
    return 0
