"""Where motcua keeps its files: per-user folders from platformdirs, assets inside the package."""

from __future__ import annotations

from importlib import resources
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
    """The path of a file in shared/assets/ (fonts, the chime), found through importlib.resources
    wherever motcua is installed (a clone, a wheel, a PyInstaller bundle), never from the CWD."""
    return Path(str(resources.files("shared").joinpath("assets", *name.split("/"))))
