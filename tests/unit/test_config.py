"""This PC's TOML config: a missing default is fine, every error names the file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

import shared.office.config
from shared.errors import ConfigError
from shared.office.config import (
    LocalConfig,
    PrinterConfig,
    ScreenConfig,
    SoundConfig,
    load_local_config,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "motcua.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_default_file_gives_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        shared.office.config, "default_config_path", lambda: tmp_path / "motcua.toml"
    )
    assert load_local_config() == LocalConfig()


def test_the_default_file_is_read_when_present(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "[counter]\nnumber = 3\n")
    monkeypatch.setattr(shared.office.config, "default_config_path", lambda: path)
    assert load_local_config().counter_number == 3


def test_an_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as refused:
        load_local_config(missing)
    assert str(missing) in str(refused.value)


def test_a_toml_syntax_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[printer]\nkind = "network"\nport = \n')
    with pytest.raises(ConfigError) as refused:
        load_local_config(path)
    assert f"{path}:3:" in refused.value.en
    assert f"{path}:3:" in refused.value.vi


@pytest.mark.parametrize(
    ("text", "line", "where", "problem"),
    [
        ('[printer]\nkind = "network"\ncolour = "red"\n', 3, "printer.colour", "unknown key"),
        ("[screen]\nfullscreen = false\n\n[sound]\nvolum = 0.5\n", 5, "sound.volum", "unknown key"),
        ('[printer]\nport = "9100"\n', 2, "printer.port", "wrong type"),
        ("[screen]\n# comment\nfullscreen = 1\n", 3, "screen.fullscreen", "wrong type"),
        ("[sound]\nenabled = true\nvolume = true\n", 3, "sound.volume", "wrong type"),
        ("[counter]\nnumber = 2.0\n", 2, "counter.number", "wrong type"),
        ('[printer]\nkind = "network"\nport = 70000\n', 3, "printer.port", "invalid value"),
        ('[printer]\nkind = "laser"\n', 2, "printer.kind", "invalid value"),
        ("[printer]\npaper_width = 300\n", 2, "printer.paper_width", "invalid value"),
        ('[screen]\nlanguage = "fr"\n', 2, "screen.language", "invalid value"),
        ("[counter]\nnumber = 0\n", 2, "counter.number", "invalid value"),
        ('[database]\nurl = "  "\n', 2, "database.url", "invalid value"),
        ("[sound]\nvolume = 1.5\n", 2, "sound.volume", "invalid value"),
        # the same key names in another section do not confuse the line
        (
            '[screen]\nlanguage = "vi"\n[printer]\nkind = "network"\nport = 0\n',
            5,
            "printer.port",
            "invalid value",
        ),
    ],
)
def test_an_invalid_setting_names_the_file_line_and_key(
    tmp_path: Path, text: str, line: int, where: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as refused:
        load_local_config(path)
    assert f"{path}:{line}: {where}" in refused.value.en
    assert f"{path}:{line}: {where}" in refused.value.vi
    assert problem in refused.value.en


def test_a_key_before_any_section_header_names_its_line(tmp_path: Path) -> None:
    # A common slip: the [printer] header is forgotten.
    path = write(tmp_path, '# máy in\nkind = "network"\n')
    with pytest.raises(ConfigError) as refused:
        load_local_config(path)
    assert f"{path}:2:" in refused.value.en
    assert "kind" in refused.value.en


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('# printer\nprinter.kind = "network"\nprinter.port = 70000\n', 3),
        ('printer = { kind = "network", port = 70000 }\n', 1),
    ],
)
def test_dotted_keys_and_inline_tables_name_their_line(
    tmp_path: Path, text: str, line: int
) -> None:
    # Both are ordinary TOML for [printer] port = 70000.
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as refused:
        load_local_config(path)
    assert f"{path}:{line}: printer.port" in refused.value.en


def test_an_unknown_section_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[counter]\nnumber = 1\n\n[printers]\nkind = "usb"\n')
    with pytest.raises(ConfigError) as refused:
        load_local_config(path)
    assert f"{path}:4:" in refused.value.en
    assert "[printers]" in refused.value.en


def test_a_valid_file_is_parsed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
# Quầy 3, tầng 1
[database]
url = "postgresql://motcua@server/motcua"

[counter]
number = 3

[printer]
kind = "network"
host = "192.168.1.50"
port = 9100
timeout_s = 5
paper_width = 576

[screen]
fullscreen = false
screen_index = 1
language = "en"

[sound]
enabled = false
volume = 1
""",
    )
    config = load_local_config(path)
    assert config == LocalConfig(
        path=path,
        database_url="postgresql://motcua@server/motcua",
        counter_number=3,
        printer=PrinterConfig(
            kind="network", host="192.168.1.50", port=9100, timeout_s=5.0, paper_width=576
        ),
        screen=ScreenConfig(fullscreen=False, screen_index=1, language="en"),
        sound=SoundConfig(enabled=False, volume=1.0),
    )
    assert isinstance(config.sound.volume, float)
    assert isinstance(config.printer.timeout_s, float)


def test_an_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "# nothing set yet\n")
    assert load_local_config(path) == LocalConfig(path=path)
