"""A SQLite file on a network share is refused: SQLite's locks are not safe there."""

from __future__ import annotations

from pathlib import Path

import pytest

import shared.storage.database
from shared.cli import main
from shared.storage.database import network_filesystem

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
//nas/office /mnt/office cifs rw,vers=3.0 0 0
nas:/export/queue /srv/queue nfs4 rw 0 0
/dev/sdb1 /mnt/office/local\\040disk ext4 rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/mnt/office/motcua.db", "cifs"),
        ("/mnt/office/sub/dir/motcua.db", "cifs"),
        ("/srv/queue/motcua.db", "nfs4"),
        ("/srv/queue", "nfs4"),
        ("/mnt/office/local disk/motcua.db", None),  # a local disk mounted inside the share
        ("/mnt/officex/motcua.db", None),  # a sibling with a longer name is not inside
        ("/var/lib/motcua/motcua.db", None),
        ("/tmp/motcua.db", None),
    ],
)
def test_the_file_system_under_a_path_is_found_from_the_mount_table(
    path: str, kind: str | None
) -> None:
    assert network_filesystem(Path(path), mounts=MOUNTS) == kind


def test_this_machines_temporary_folder_is_local(tmp_path: Path) -> None:
    assert network_filesystem(tmp_path / "q.db") is None


def test_a_database_on_a_share_is_refused_with_one_line_and_nothing_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shared.storage.database, "network_filesystem", lambda path: "cifs")
    path = tmp_path / "q.db"
    assert main(["--db", str(path), "init"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "is on a network share (cifs)" in err and "use PostgreSQL" in err
    assert not path.exists()
