"""The import-linter contract that keeps Qt out of shared/ must name every module of shared/."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_module_of_shared_except_qt_is_under_the_no_qt_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    no_qt = next(c for c in contracts if c.get("forbidden_modules") == ["PySide6"])
    listed = set(no_qt["source_modules"])
    shared = ROOT / "shared"
    modules = {f"shared.{p.stem}" for p in shared.glob("*.py") if p.stem != "__init__"}
    packages = {
        f"shared.{p.parent.name}" for p in shared.glob("*/__init__.py") if p.parent.name != "qt"
    }
    assert modules | packages == listed, "add new shared/ modules to the no-Qt contract"
