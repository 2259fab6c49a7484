"""The wheel: built with `python -m build`, installed in a new virtual environment outside the
clone, it runs `motcua init --demo`, `ticket-preview` (drawn with the fonts inside the wheel) and
`announce` (real espeak-ng), from a folder that is not the clone."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import wave
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv with only the built wheel installed in it; returns its motcua command.

    The wheel goes in with --no-deps; its dependencies (PySide6, SQLAlchemy...) come from the
    test's own environment through a .pth line added afterwards, so nothing is downloaded. A
    .pth line adds a folder to sys.path without running that folder's own .pth files: the
    clone's editable install stays out.
    """
    base = tmp_path_factory.mktemp("wheel")
    dist, env = base / "dist", base / "venv"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = dist.glob("motcua-*.whl")
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "motcua-test-deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    return env / ("Scripts/motcua.exe" if os.name == "nt" else "bin/motcua")


def _run(command: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MOTCUA_DB")}
    return subprocess.run(
        [str(command), *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_installed_wheel_runs_outside_the_clone(installed: Path, tmp_path: Path) -> None:
    python = installed.parent / installed.name.replace("motcua", "python")
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import shared, shared.paths as p; print(shared.__file__); "
            "print(p.asset_path('fonts/DejaVuSans.ttf'))",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert all(str(ROOT) not in line for line in where), where  # the wheel's copy, not the clone
    assert Path(where[1]).is_file()

    db = str(tmp_path / "office.db")
    init = _run(installed, "--db", db, "init", "--demo", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert "demo office seeded" in init.stdout

    preview = _run(
        installed,
        "--db",
        db,
        "ticket-preview",
        "CT",
        "--out",
        "t.png",
        "--width",
        "576",
        cwd=tmp_path,
    )
    assert preview.returncode == 0, preview.stderr
    with Image.open(tmp_path / "t.png") as image:
        assert image.width == 576 and image.height > 400
        dark = image.convert("L").histogram()[0]  # black pixels
        assert dark > 5000  # text and the QR code were drawn (a missing font is an error)
    # The fonts it drew with are the wheel's own copy of the clone's (the pixels cannot be
    # compared: the ticket shows the minute it was drawn).
    clone_font = ROOT / "shared" / "assets" / "fonts" / "DejaVuSans.ttf"
    assert Path(where[1]).read_bytes() == clone_font.read_bytes()

    announce = _run(installed, "--db", db, "announce", "1001", "2", "--out", "a.wav", cwd=tmp_path)
    assert announce.returncode == 0, announce.stderr
    with wave.open(str(tmp_path / "a.wav")) as audio:
        assert audio.getnframes() / audio.getframerate() > 1.0  # a spoken sentence
