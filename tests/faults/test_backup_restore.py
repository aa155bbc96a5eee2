"""Backups (docs/reliability.md, `make backup` / `make restore`): a backup restored into an empty database serves
the same bytes as the database it was taken from. PostgreSQL: a seeded copy with a change made through the write
path, backed up with pg_dump, restored with pg_restore into a database created empty; both served by gunicorn,
every public and retracted record of every type the API root lists is fetched from each (lists, then each
record's detail), and the change feed is followed to its end. SQLite: the seed backed up while gunicorn serves it
and answers readers, restored into another file; the lists and the change feed compared the same way."""

import json
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from tests.faults.conftest import POSTGRES, admin_sql, drop
from tests.serving import fetch_body, free_port, gunicorn_serving, manage

# Both servers are asked as the same host, so the absolute URLs in their answers are the same bytes.
HOST = {"Host": "localhost"}
CHANGE = """
from contracts.models import Agreement
from registry.services import apply_change
agreement = Agreement.objects.public().order_by("slug").first()
agreement.status_note = {note!r}
apply_change(agreement, reason="backup fault test")
print(agreement.slug)
"""


def get(base, path):
    status, _, body = fetch_body(base + path, headers=HOST, timeout=30)
    assert status == 200, f"{base}{path} answered {status}: {body[:300]!r}"
    return body


def local(url):
    """The path and query of an absolute URL the API wrote."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def pages(base, path):
    """Every page of a list, following `next` to the end: {path: body}."""
    served = {}
    while path:
        served[path] = get(base, path)
        following = json.loads(served[path])["next"]
        path = following and local(following)
    return served


def served(base, details):
    """What the API serves: the root, every page of every list it names (records with the retracted ones) and
    of the change feed, and with ``details`` every record's own response. {path: body}."""
    root = get(base, "/api/v1/")
    answers = {"/api/v1/": root}
    for name, url in json.loads(root)["resources"].items():
        if name == "submissions":  # a submitter's own, read with a token: no public record
            continue
        listed = pages(base, local(url) if name == "changes" else f"{local(url)}?include_retracted=true")
        answers.update(listed)
        if details and name != "changes":
            records = [local(row["url"]) for body in listed.values() for row in json.loads(body)["results"]]
            with ThreadPoolExecutor(4) as pool:
                answers.update(zip(records, pool.map(lambda path: get(base, path), records), strict=True))
    return answers


def assert_same(original, restored):
    assert sorted(restored) == sorted(original)
    differing = [path for path in original if restored[path] != original[path]]
    assert not differing, f"{len(differing)} of {len(original)} responses differ, e.g. {differing[:5]}"


def test_a_postgresql_backup_restored_into_an_empty_database_serves_the_same_bytes(database_copy, tmp_path):
    env = {**os.environ, **database_copy()}
    changed = manage(env, "shell", "-c", CHANGE.format(note="Changed after the seed, before the backup.")).stdout
    backup = tmp_path / "registry.dump"
    assert str(backup) in manage(env, "backup_database", str(backup)).stdout.splitlines()
    name = f"registry_faults_restored_{uuid.uuid4().hex[:10]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        restored = {**env, "DATABASE_URL": f"{POSTGRES}/{name}"}
        said = manage(restored, "restore_database", "--no-input", str(backup)).stdout
        assert f'Restored {backup} into the PostgreSQL database "{name}"' in said

        port = free_port()
        with gunicorn_serving("registry.wsgi", env, port):
            restored_port = free_port()
            with gunicorn_serving("registry.wsgi", restored, restored_port):
                original = served(f"http://127.0.0.1:{port}", details=True)
                assert_same(original, served(f"http://127.0.0.1:{restored_port}", details=True))
                slug = changed.split()[-1]
                assert len(original) > 400 and f"/api/v1/agreements/{slug}/" in original
                assert b"Changed after the seed, before the backup." in original[f"/api/v1/agreements/{slug}/"]

                # The copy is the moment of the backup: what changes after it is the original's alone.
                latest = max(row["id"] for path, body in original.items() if path.startswith("/api/v1/changes/")
                             for row in json.loads(body)["results"])
                manage(env, "shell", "-c", CHANGE.format(note="Changed after the backup."))
                after = f"/api/v1/changes/?after={latest}"
                assert len(json.loads(get(f"http://127.0.0.1:{port}", after))["results"]) == 1
                assert json.loads(get(f"http://127.0.0.1:{restored_port}", after))["results"] == []
    finally:
        drop(name)


def test_a_sqlite_backup_taken_while_serving_restores_the_same_lists_and_change_feed(sqlite_copy, tmp_path):
    env = {**os.environ, **sqlite_copy()}
    backup = tmp_path / "registry-backup.sqlite3"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with gunicorn_serving("registry.wsgi", env, port):
        answered, stop = [], threading.Event()

        def read():  # the site is in use while the backup is taken
            while not stop.is_set():
                answered.append(fetch_body(f"{base}/api/v1/agreements/?page_size=5", headers=HOST)[0])

        reader = threading.Thread(target=read)
        reader.start()
        try:
            written = manage(env, "backup_database", str(backup)).stdout
        finally:
            stop.set()
            reader.join()
        assert str(backup) in written.splitlines()
        assert answered and set(answered) == {200}

        restored = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}"}
        said = manage(restored, "restore_database", "--no-input", str(backup)).stdout
        assert f"Restored {backup} into the SQLite database {tmp_path / 'restored.sqlite3'}" in said
        restored_port = free_port()
        with gunicorn_serving("registry.wsgi", restored, restored_port):
            original = served(base, details=False)
            assert_same(original, served(f"http://127.0.0.1:{restored_port}", details=False))
            assert any(path.startswith("/api/v1/changes/?after=") for path in original)  # the feed has pages
