"""backup_database and restore_database (docs/reliability.md) on the test database, whichever it is (SQLite in
memory or PostgreSQL): a missing file, a file that is no backup and a backup of the other kind are refused, and
a backup taken, then changed over, restores what it held. tests/faults/test_backup_restore.py restores real
copies and compares what the API serves."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from contracts.models import Agreement
from registry.models import ChangeLog
from registry.services import apply_change
from tests.builders import builder_user, make_agreement

pytestmark = pytest.mark.django_db

OWN_KIND = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
OTHER_KIND, OTHER_START = (("SQLite", b"SQLite format 3\x00") if OWN_KIND == "PostgreSQL"
                           else ("PostgreSQL", b"PGDMP\x01\x0f\x00"))


def restore(path):
    out = io.StringIO()
    call_command("restore_database", str(path), interactive=False, stdout=out)
    return out.getvalue()


def test_it_refuses_to_restore_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="There is no backup at"):
        restore(tmp_path / "nothing-here.dump")


def test_it_refuses_to_restore_a_backup_of_the_other_kind_of_database(tmp_path):
    other = tmp_path / "other-kind"
    other.write_bytes(OTHER_START + b"\x00" * 200)

    with pytest.raises(CommandError, match=f"is a {OTHER_KIND} backup, but this database is {OWN_KIND}"):
        restore(other)


def test_it_refuses_to_restore_a_file_that_is_no_backup(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")

    with pytest.raises(CommandError, match="is not a backup written by backup_database"):
        restore(text)


def test_it_refuses_to_restore_a_folder(tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        restore(tmp_path)


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_it_restores_what_the_database_held_when_the_backup_was_taken(tmp_path):
    kept = make_agreement(slug="backed-up", title="As backed up")
    changes = ChangeLog.objects.count()
    out = io.StringIO()
    call_command("backup_database", str(tmp_path / "registry.backup"), stdout=out)
    written = Path(out.getvalue().strip())
    kept.title = "Changed after the backup"
    apply_change(kept, user=builder_user(), reason="a change the restore takes back")
    make_agreement(slug="added-after-the-backup")

    said = restore(written)

    assert written == tmp_path / "registry.backup" and written.stat().st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob("*.partial"))
    assert f"Restored {written} into the {OWN_KIND} database" in said
    assert Agreement.objects.get(slug="backed-up").title == "As backed up"
    assert not Agreement.objects.filter(slug="added-after-the-backup").exists()
    assert ChangeLog.objects.count() == changes


def test_it_refuses_to_back_up_inside_a_transaction(tmp_path):
    with pytest.raises(CommandError, match="cannot run inside a transaction"):
        call_command("backup_database", str(tmp_path / "registry.backup"), stdout=io.StringIO())

    assert not list(tmp_path.iterdir())


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_it_writes_a_backup_to_a_timestamped_file_under_backups_by_default(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    out = io.StringIO()

    call_command("backup_database", stdout=out)

    written = Path(out.getvalue().strip())
    assert written.parent == tmp_path / "backups"
    assert written.name.startswith("registry-") and written.suffix == (".dump" if OWN_KIND == "PostgreSQL" else ".sqlite3")
    assert written.stat().st_size > 0
