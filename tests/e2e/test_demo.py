"""`motcua demo --offscreen --screenshots DIR` on a machine without a screen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

from e2e.office import environment

WINDOWS = ("kiosk", "counter1", "counter2", "display", "supervisor")


def test_the_offscreen_demo_plays_a_morning_and_pictures_every_window_at_each_step(
    tmp_path: Path,
) -> None:
    shots = tmp_path / "shots"
    env = environment()
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    run = subprocess.run(
        [sys.executable, "-m", "motcua", "demo", "--folder", str(tmp_path / "demo"),
         "--offscreen", "--screenshots", str(shots)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    steps = sorted({p.name.rsplit("-", 1)[0] for p in shots.glob("*.png")})
    assert len(steps) >= 20
    for step in steps:
        for window in WINDOWS:
            picture = shots / f"{step}-{window}.png"
            assert picture.exists(), picture
    with Image.open(shots / f"{steps[-1]}-display.png") as image:
        assert image.size == (1920, 1080)
        small = image.convert("L").resize((64, 36))
        assert len({small.getpixel((x, y)) for x in range(64) for y in range(36)}) > 10
    names = " ".join(steps)
    for moment in ("priority", "calls", "recalls", "no-show", "transfers", "finishes"):
        assert moment in names
    tickets = list((tmp_path / "demo" / "tickets").glob("*.png"))
    assert len(tickets) == 9  # every ticket of the morning printed as an image
