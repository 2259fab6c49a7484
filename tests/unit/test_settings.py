"""Office-wide settings: validated before anything is stored, and shared by every PC."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from unit_support import all_events

from shared.clock import FakeClock
from shared.errors import InvalidInputError
from shared.office.admin import OfficeAdmin
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.rules import settings as settings_mod
from shared.rules.domain import EventKind, PriorityCategory, PriorityMode, PriorityPolicy
from shared.rules.settings import OfficeSettings, VoiceOptions, Wording
from shared.storage.database import open_database, sqlite_url


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"priority": {"mode": "fifo"}}, "priority"),
        ({"priority": {"mode": "strict", "interleave_n": 0}}, "priority"),
        ({"priority": {"starvation_minutes": -1}}, "priority"),
        ({"priority": {"interleave_n": "2"}}, "priority"),
        ({"priority": {"mode": "strict", "burst": 3}}, "priority"),
        ({"priority": {"categories": [{"code": "", "name_vi": "x", "name_en": "x"}]}}, "priority"),
        ({"priority": "strict"}, "priority"),
        ({"colour": "red"}, "colour"),
        ({"voice": {"voice": "en-us"}}, "voice"),
        ({"voice": {"rate": 1000}}, "voice"),
        ({"voice": {"wording": "central"}}, "voice"),
        ({"voice": {"digit_by_digit": "yes"}}, "voice"),
        ({"office_name": "   "}, "office_name"),
        ({"office_name": 42}, "office_name"),
        ({"time_zone": "Asia/Atlantis"}, "Asia/Atlantis"),
        # one valid change and one invalid: nothing is stored
        ({"office_name": "UBND phường", "voice": {"voice": "robot"}}, "voice"),
    ],
)
def test_invalid_settings_are_refused_and_nothing_is_stored(
    admin: OfficeAdmin, queries: QueueQueries, values: dict[str, Any], named: str
) -> None:
    admin.update_settings({"notice_text": "Xin chào"})
    before = queries.settings()
    log = len(all_events(queries))
    with pytest.raises(InvalidInputError) as refused:
        admin.update_settings(values)
    assert named in refused.value.en
    assert queries.settings() == before
    assert len(all_events(queries)) == log


def test_valid_settings_round_trip_to_another_pc(
    admin: OfficeAdmin, queries: QueueQueries, db_path: Path, clock: FakeClock
) -> None:
    categories = [
        {"code": "elderly", "name_vi": "Người cao tuổi", "name_en": "Elderly"},
        {"code": "veteran", "name_vi": "Cựu chiến binh", "name_en": "Veteran"},
    ]
    stored = admin.update_settings(
        {
            "office_name": "UBND phường Bến Nghé",
            "time_zone": "Asia/Bangkok",
            "priority": {
                "mode": "strict",
                "interleave_n": 3,
                "starvation_minutes": 0,
                "categories": categories,
            },
            "voice": {"voice": "vi", "wording": "north", "digit_by_digit": True, "rate": 120},
        }
    )
    expected = OfficeSettings(
        office_name="UBND phường Bến Nghé",
        time_zone="Asia/Bangkok",
        priority=PriorityPolicy(
            PriorityMode.STRICT,
            3,
            0,
            (
                PriorityCategory("elderly", "Người cao tuổi", "Elderly"),
                PriorityCategory("veteran", "Cựu chiến binh", "Veteran"),
            ),
        ),
        voice=VoiceOptions(voice="vi", wording=Wording.NORTH, digit_by_digit=True, rate=120),
    )
    assert stored == expected
    assert queries.settings() == expected
    other = open_database(sqlite_url(db_path))  # another PC reads the same settings
    try:
        assert QueueQueries(other, clock).settings() == expected
    finally:
        other.dispose()
    last = all_events(queries)[-1]
    assert last.kind is EventKind.SETTINGS_CHANGED
    assert last.details["keys"] == ["office_name", "priority", "time_zone", "voice"]


def test_a_later_change_keeps_the_other_settings(admin: OfficeAdmin, queries: QueueQueries) -> None:
    admin.update_settings({"office_name": "Công an phường 1", "ticket_footer": "Cảm ơn"})
    admin.update_settings({"office_name": "Công an phường 2"})
    settings = queries.settings()
    assert (settings.office_name, settings.ticket_footer) == ("Công an phường 2", "Cảm ơn")
    assert settings.priority == PriorityPolicy()


def test_a_new_database_has_the_default_settings(queries: QueueQueries) -> None:
    settings = queries.settings()
    assert settings == OfficeSettings()
    assert settings.time_zone == "Asia/Ho_Chi_Minh"
    assert settings.priority.mode is PriorityMode.INTERLEAVE


@pytest.mark.usefixtures("office")
def test_removed_priority_categories_are_no_longer_accepted_at_the_kiosk(
    admin: OfficeAdmin, engine: QueueEngine
) -> None:
    assert engine.issue_ticket("CT", "elderly").ticket.priority_category == "elderly"
    admin.update_settings(
        {
            "priority": {
                "categories": [{"code": "veteran", "name_vi": "Cựu chiến binh", "name_en": "Vet"}]
            }
        }
    )
    with pytest.raises(InvalidInputError):
        engine.issue_ticket("CT", "elderly")
    assert engine.issue_ticket("CT", "veteran").ticket.display_number == "1002"


def test_the_logo_is_a_small_png_read_from_an_image_file(tmp_path: Path) -> None:
    big = tmp_path / "logo.jpg"
    Image.new("RGB", (1200, 600), (200, 30, 30)).save(big)
    encoded = settings_mod.logo_from_file(big)
    data = base64.b64decode(encoded)
    assert data.startswith(settings_mod.PNG_SIGNATURE)
    with Image.open(io.BytesIO(data)) as logo:
        assert logo.size == (256, 128)
    assert settings_mod.parse_value("logo_png", encoded) == encoded
    assert settings_mod.parse_value("logo_png", "") == ""  # back to the drawn badge


@pytest.mark.parametrize("bad", ["not base64!", base64.b64encode(b"GIF89a....").decode()])
def test_a_logo_that_is_not_a_png_is_refused(bad: str) -> None:
    with pytest.raises(InvalidInputError, match="invalid setting 'logo_png'"):
        settings_mod.parse_value("logo_png", bad)


def test_a_logo_file_that_is_not_an_image_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "logo.png"
    text.write_text("hello")
    with pytest.raises(InvalidInputError, match="cannot read the logo image"):
        settings_mod.logo_from_file(text)
