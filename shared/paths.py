"""Where motcua keeps its files: per-user folders from platformdirs, assets next to the code."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "motcua"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_cache_dir() -> Path:
    """Files that can be made again (the rendered speech)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    return user_data_dir() / "motcua.db"


def default_config_path() -> Path:
    return user_config_dir() / "motcua.toml"


def asset_path(name: str) -> Path:
    """The path of a file in assets/, found from the code's location, never from the CWD."""
    return Path(__file__).resolve().parent.parent / "assets" / name
