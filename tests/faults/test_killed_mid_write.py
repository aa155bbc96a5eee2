"""Killed mid-write (issue 14, docs/reliability.md): while change sets are applied through each real path — the
admin's change form, the seed loader (``load_seed --file``), the bulk path (``import_bulk`` of a snapshot folder)
and a moderation approval (``submissions.services.approve``, what the moderation view calls) — the database
backend is terminated (``pg_terminate_backend``) at a seeded schedule of cut points. Afterwards, read straight
from the database: every change set is all or nothing, no history row is without its change row or the reverse,
every acknowledged change set is there, and the public change ids are gapless.

Writers are this module run as a script (``python -m tests.faults.test_killed_mid_write <number> <folder>``): each
applies change sets one after another, printing ``TRY <what it applies>`` before and ``ACK <tag>`` once the commit
has returned; a cut fails the change set under way (``CUT <tag>``), and the writer carries on with the next one on a
new connection. Rerun a failing schedule with ``FAULTS_SEED=<seed> make faults FAULTS_ARGS="-k killed"``."""

import hashlib
import io
import json
import os
import random
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

import psycopg

from tests.faults.conftest import POSTGRES
from tests.serving import ROOT

WRITERS = 2
CUTS = 22  # at least 20 (the issue)
PATHS = ("admin", "loader", "bulk", "moderation")
LOADED = 4  # agencies per loader change set
BULK_SOURCES, BULK_VENDORS = 2, 3  # records per bulk change set

# --- the writer (a separate process) -------------------------------------------------------------


def say(kind, value):
    print(f"{kind} {json.dumps(value)}", flush=True)


class Unavailable(Exception):
    """A 503 from the site: the database was cut."""


class Writer:
    """Applies change sets through the four paths, in turn, until ``<folder>/stop`` exists."""

    def __init__(self, number, folder):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Permission
        from django.test import Client

        from contracts.models import Agency
        from registry.models import Source

        self.number, self.folder = number, Path(folder)
        users = get_user_model().objects
        self.editor = users.create_user(f"kmw-editor-{number}", is_staff=True, is_superuser=True)
        self.moderator = users.create_user(f"kmw-moderator-{number}")
        self.moderator.user_permissions.add(Permission.objects.get(codename="moderate_submission"))
        self.moderator = users.get(pk=self.moderator.pk)  # no cached permissions
        self.submitter = users.create_user(f"kmw-submitter-{number}", email=f"kmw-submitter-{number}@example.org")
        self.client = Client()
        self.client.force_login(self.editor)
        agencies = list(Agency.objects.public().order_by("pk").values_list("pk", "slug"))
        self.agencies = agencies[number::WRITERS]  # each writer edits its own agencies
        self.sources = list(Source.objects.public().order_by("pk").values_list("pk", "slug")[:20])
        self.round = 0

    def tag(self, path):
        return f"kmw-{path}-{self.number}-{self.round}"

    def admin(self):
        """The admin's change form, as a browser posts it: the agency's notes changed and a citation added inline."""
        from django.urls import reverse

        from contracts.models import Agency
        from registry.models import Citation
        from tests.registry.test_admin import admin_form_data, inline_prefix

        tag = self.tag("admin")
        pk, slug = self.agencies[self.round % len(self.agencies)]
        source_pk, _ = self.sources[self.round % len(self.sources)]
        url = reverse("admin:contracts_agency_change", args=[pk])
        page = self.client.get(url)
        if page.status_code == 503:  # the site's answer while the database is away (registry/views/errors.py)
            raise Unavailable(url)
        assert page.status_code == 200, page.status_code
        citations = inline_prefix(page, Citation)
        data = admin_form_data(page, change_reason=tag, notes=f"Edited by the fault test: {tag}")
        new = int(data[f"{citations}-INITIAL_FORMS"])
        data[f"{citations}-TOTAL_FORMS"] = str(max(int(data[f"{citations}-TOTAL_FORMS"]), new + 1))
        data.update({f"{citations}-{new}-source": source_pk, f"{citations}-{new}-quote": tag,
                     f"{citations}-{new}-position": "0"})
        say("TRY", {"path": "admin", "tag": tag, "reason": tag, "agency": slug, "agency_type": Agency.record_type})
        response = self.client.post(url, data)
        if response.status_code == 503:
            raise Unavailable(url)
        if response.status_code != 302:
            raise AssertionError(f"the admin refused the change: {response.context['adminform'].form.errors} "
                                 f"{[f.errors for i in response.context['inline_admin_formsets'] for f in i.formset]}")
        return tag

    def loader(self):
        """``load_seed --file``: new published agencies, each with a citation, in one load."""
        from django.core.management import call_command

        tag = self.tag("loader")
        slugs = [f"{tag}-{n}" for n in range(LOADED)]
        agencies = [{"slug": slug, "name": f"Fault test agency {slug}", "kind": "other", "country": "US",
                     "confidence": "medium", "published_at": "2026-11-28T00:00:00Z",
                     "citations": [{"source": self.sources[n][1], "quote": tag, "locator": "", "claims": []}]}
                    for n, slug in enumerate(slugs)]
        file = self.folder / f"{tag}.json"
        file.write_text(json.dumps({"agencies": agencies}), encoding="utf-8")
        say("TRY", {"path": "loader", "tag": tag, "reason": "seed data", "agencies": slugs})
        call_command("load_seed", file=file, stdout=io.StringIO())
        return tag

    def bulk(self):
        """``import_bulk`` of a snapshot folder (manifest and JSON Lines): new sources and vendors citing them."""
        from django.core.management import call_command

        tag = self.tag("bulk")
        folder = self.folder / tag
        folder.mkdir()
        sources = [{"slug": f"{tag}-s{n}", "url": f"https://faults.example.org/{tag}/{n}", "title": f"Story {n}",
                    "publisher": "Fault test", "kind": "news_report", "confidence": "medium",
                    "published_at": "2026-11-28T00:00:00Z"} for n in range(BULK_SOURCES)]
        vendors = [{"slug": f"{tag}-v{n}", "name": f"Fault test vendor {tag} {n}", "kind": "other", "country": "US",
                    "confidence": "medium", "published_at": "2026-11-28T00:00:00Z",
                    "citations": [{"source": sources[n % BULK_SOURCES]["slug"], "quote": tag, "locator": "",
                                   "claims": []}]} for n in range(BULK_VENDORS)]
        files = []
        for name, rows in (("sources.jsonl", sources), ("vendors.jsonl", vendors)):
            body = "".join(json.dumps(row) + "\n" for row in rows).encode()
            (folder / name).write_bytes(body)
            files.append({"name": name, "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()})
        (folder / "manifest.json").write_text(json.dumps({"files": files}), encoding="utf-8")
        say("TRY", {"path": "bulk", "tag": tag, "reason": f"bulk import of snapshot {tag}",
                    "sources": [s["slug"] for s in sources], "vendors": [v["slug"] for v in vendors]})
        call_command("import_bulk", str(folder), stdout=io.StringIO())
        return tag

    def moderation(self):
        """A submitted new agency (with a new source offered) approved by a moderator."""
        from submissions import services

        tag = self.tag("moderation")
        name = f"Fault test agency {tag}"
        submission = services.submit(
            user=self.submitter, kind="create", record_type="agency", rationale=tag,
            payload={"name": name, "kind": "other", "country": "US"},
            sources=[{"url": f"https://faults.example.org/{tag}", "title": f"Story {tag}", "publisher": "Fault test",
                      "published": "2026-11-02", "quote": tag, "claims": ["name"]}])
        say("TRY", {"path": "moderation", "tag": tag, "reason": f"submission #{submission.pk}",
                    "submission": submission.pk, "name": name})
        services.approve(submission, moderator=self.moderator, message=tag)
        return tag

    def run(self):
        from django.db import Error, connection

        while not (self.folder / "stop").exists():
            path = PATHS[(self.round + self.number) % len(PATHS)]
            try:
                tag = getattr(self, path)()
            except (Error, psycopg.Error, Unavailable) as error:  # the cut (or a dead pooled connection after it)
                say("CUT", {"path": path, "tag": self.tag(path), "error": f"{type(error).__name__}: {error}"[:300]})
            except Exception:  # noqa: BLE001 - anything else is a defect the test reports
                say("ERROR", {"path": path, "tag": self.tag(path), "error": traceback.format_exc()})
            else:
                say("ACK", tag)
            connection.close()  # back to the pool, which drops a broken connection
            self.round += 1


def writer_main(number, folder):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test Client's response.context (the admin form as shown), locmem email
    writer = Writer(number, folder)
    say("READY", number)
    writer.run()


# --- the test ------------------------------------------------------------------------------------


class Reader(threading.Thread):
    """A writer's stdout, line by line, each with the time it arrived."""

    def __init__(self, process):
        super().__init__(daemon=True)
        self.process, self.lines = process, []

    def run(self):
        for line in self.process.stdout:
            kind, _, value = line.rstrip("\n").partition(" ")
            try:
                value = json.loads(value) if kind in ("READY", "TRY", "ACK", "CUT", "ERROR") else None
            except json.JSONDecodeError:
                kind = None
            if value is None:
                kind, value = "OUTPUT", line
            self.lines.append((time.monotonic(), kind, value))


def cut(admin, database):
    """Terminate every backend of ``database``; returns how many of them were inside a transaction."""
    rows = admin.execute(
        "SELECT pg_terminate_backend(pid), xact_start IS NOT NULL FROM pg_stat_activity "
        "WHERE datname = %s AND backend_type = 'client backend'", [database]).fetchall()
    return sum(1 for killed, in_transaction in rows if killed and in_transaction)


def test_it_keeps_every_change_set_whole_when_the_database_backend_is_killed_mid_write(database_copy, tmp_path):
    seed = int(os.environ.get("FAULTS_SEED") or time.time_ns() % 1_000_000)
    rng = random.Random(seed)
    about = f"(seed {seed}: rerun with FAULTS_SEED={seed} make faults FAULTS_ARGS=\"-k killed\")"
    print(f"killed mid-write: seed {seed}")
    env = database_copy()
    database = env["DATABASE_URL"].rsplit("/", 1)[1]
    writer_env = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": "registry.settings",
                  "SUBMISSION_DAILY_QUOTA": "100000", "DB_POOL_TIMEOUT_S": "3", "PYTHONUNBUFFERED": "1"}
    writers, readers = [], []
    started = time.monotonic()

    def lines():
        return [line for reader in readers for line in reader.lines]

    def begins():
        return [line for line in lines() if line[1] == "TRY"]

    try:
        for number in range(WRITERS):
            folder = tmp_path / f"writer-{number}"
            folder.mkdir()
            writers.append(subprocess.Popen(
                [sys.executable, "-m", "tests.faults.test_killed_mid_write", str(number), str(folder)],
                cwd=ROOT, env=writer_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
            readers.append(Reader(writers[-1]))
            readers[-1].start()
        wait_for(lambda: sum(kind == "READY" for _, kind, _ in lines()) == WRITERS, 60,
                 lambda: f"the writers did not start {about}: {output(lines())}")

        # Each cut comes a seeded delay after a change set has begun since the cut before (so the writers have
        # reconnected in between, however long the pool takes): most cuts land inside a transaction.
        cuts = []
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            for _ in range(CUTS):
                begun = len(begins())
                wait_for(lambda: len(begins()) > begun, 20,  # noqa: B023 - called before begun changes
                         lambda: f"no change set begun after {len(cuts)} cuts {about}: {output(lines())}")
                time.sleep(rng.uniform(0.0, 0.4))
                cuts.append((time.monotonic(), cut(admin, database)))
        last_cut = cuts[-1][0]

        def recovered():  # every path has applied a whole change set begun after the last cut
            tried = {value["tag"]: value["path"] for at, kind, value in lines() if kind == "TRY" and at > last_cut}
            return set(PATHS) <= {tried[tag] for _, kind, tag in lines() if kind == "ACK" and tag in tried}

        wait_for(recovered, 40, lambda: f"the writers did not carry on after the last cut {about}: {output(lines())}")
    finally:
        for number in range(WRITERS):
            (tmp_path / f"writer-{number}" / "stop").touch()
        for writer in writers:
            try:
                writer.wait(timeout=30)
            except subprocess.TimeoutExpired:
                writer.kill()
                writer.wait()
        for reader in readers:
            reader.join(timeout=5)
    events = lines()
    errors = [value for _, kind, value in events if kind == "ERROR"]
    assert not errors, f"a change set failed other than by the cut {about}: {errors}"

    tried = {value["tag"]: value for _, kind, value in events if kind == "TRY"}
    acked = {value for _, kind, value in events if kind == "ACK"}
    with psycopg.connect(env["DATABASE_URL"]) as db:
        state = Stored(db)
        outcomes = {tag: state.outcome(attempt) for tag, attempt in tried.items()}
        problems = state.invariants()
    half = {tag: outcome for tag, outcome in outcomes.items() if outcome not in ("whole", "absent")}
    assert not half, f"change sets half written {about}: {half}"
    lost = sorted(tag for tag in acked if outcomes.get(tag) != "whole")
    assert not lost, f"acknowledged change sets missing {about}: {lost}"
    assert not problems, f"the stored change log is inconsistent {about}:\n" + "\n".join(problems)

    # The schedule did cut writes under way: change sets were begun and lost, transactions were killed.
    rolled_back = [tag for tag, outcome in outcomes.items() if outcome == "absent"]
    in_transaction = sum(1 for _, killed in cuts if killed)
    assert len(cuts) >= 20 and in_transaction >= len(cuts) // 3, \
        f"only {in_transaction} of {len(cuts)} cuts hit a transaction under way {about}"
    assert rolled_back, f"no change set was cut {about}"
    counts = Counter(attempt["path"] for attempt in tried.values())
    seen = {value["tag"]: value["error"][:120] for _, kind, value in events if kind == "CUT"}
    unsure = {tag: seen.get(tag) for tag, outcome in outcomes.items() if outcome == "whole" and tag not in acked}
    print(f"killed mid-write: seed {seed}, {len(cuts)} cuts ({in_transaction} inside a transaction), "
          f"{len(tried)} change sets begun {dict(counts)}, {len(acked)} acknowledged, "
          f"{len(rolled_back)} rolled back whole, {len(unsure)} committed though the writer saw the cut {unsure}, "
          f"{time.monotonic() - started:.1f} s")


def wait_for(condition, seconds, message):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message()
        time.sleep(0.1)


def output(events):
    return "\n".join(str(value)[:2000] for _, kind, value in events if kind in ("OUTPUT", "ERROR"))[-6000:]


class Stored:
    """What the copy holds after the run: change sets, change rows and the history rows of every public record
    type and part (django-simple-history tables), read once; ``outcome`` and ``invariants`` judge them."""

    def __init__(self, db):
        from registry.interchange import record_types
        from registry.models import Citation

        self.db = db
        self.change_sets = {row[0]: row for row in db.execute(
            "SELECT id, reason, first_public_id, public_records, public_created, public_retracted "
            "FROM registry_changeset")}
        self.changes = db.execute(
            "SELECT id, public_id, change_set_id, record_type, slug, action, history_id, public "
            "FROM registry_changelog ORDER BY id").fetchall()
        self.counter = db.execute("SELECT last_id, last_public_id FROM registry_changecounter WHERE id = 1").fetchone()
        self.by_set = defaultdict(list)
        for change in self.changes:
            self.by_set[change[2]].append(change)
        self.sets_by_reason = defaultdict(list)
        for change_set in self.change_sets.values():
            self.sets_by_reason[change_set[1]].append(change_set[0])
        # record type -> history rows (history_id, id, slug, reason, type); parts: model label -> rows
        self.tables = {t.model.record_type: t.model.history.model._meta.db_table for t in record_types()}
        self.history = {name: db.execute(f"SELECT history_id, id, slug, history_change_reason, history_type "
                                         f"FROM {table}").fetchall() for name, table in self.tables.items()}
        self.part_tables = sorted({related.related_model.history.model._meta.db_table
                                   for t in record_types() for related in t.model._meta.related_objects
                                   if getattr(related.related_model, "change_parent_field", None)
                                   and hasattr(related.related_model, "history")
                                   and not hasattr(related.related_model, "record_type")}
                                  | {Citation.history.model._meta.db_table})
        self.part_history = {table: db.execute(f"SELECT history_id, id, history_change_reason, history_type "
                                               f"FROM {table}").fetchall() for table in self.part_tables}
        self.citation_table = Citation.history.model._meta.db_table

    def rows(self, sql, *params):
        return self.db.execute(sql, params).fetchall()

    def history_with_reason(self, reason):
        """{table: count} of history rows (records and parts) written with ``reason``."""
        found = Counter()
        for name, rows in self.history.items():
            found[self.tables[name]] += sum(1 for row in rows if row[3] == reason)
        for table, rows in self.part_history.items():
            found[table] += sum(1 for row in rows if row[2] == reason)
        return +found

    def outcome(self, attempt):
        """"whole", "absent", or what makes it half: one judge per path, exact to what the path writes."""
        judge = getattr(self, f"judge_{attempt['path']}")
        problems, present = judge(attempt)
        if not present and not problems:
            return "absent"
        return "whole" if not problems else f"half: {problems}"

    def one_change_set(self, reason, expected):
        """Problems of the change set reasoned ``reason`` against ``expected`` {(type, slug): action}."""
        ids = self.sets_by_reason.get(reason, [])
        if len(ids) != 1:
            return [f"{len(ids)} change sets reasoned {reason!r}"], None
        rows = self.by_set[ids[0]]
        got = {(row[3], row[4]): row[5] for row in rows}
        problems = [] if got == expected and len(rows) == len(expected) else [f"change rows {got} != {expected}"]
        problems += [f"{row[3]} {row[4]} not public" for row in rows if not row[7]]
        for row in rows:
            history = [h for h in self.history[row[3]] if h[0] == row[6]]
            if not (history and history[0][2] == row[4] and history[0][3] == reason):
                problems.append(f"{row[3]} {row[4]}: change row names history {row[6]}, not a row of this change")
        return problems, ids[0]

    def judge_admin(self, attempt):
        reason, slug, kind = attempt["reason"], attempt["agency"], attempt["agency_type"]
        history = self.history_with_reason(reason)
        citations = self.rows("SELECT count(*) FROM registry_citation WHERE quote = %s", reason)[0][0]
        present = bool(self.sets_by_reason.get(reason) or history or citations)
        if not present:
            return [], False
        problems, _ = self.one_change_set(reason, {(kind, slug): "updated"})
        expected = {self.tables[kind]: 1, self.citation_table: 1}
        if history != expected:
            problems.append(f"history rows {dict(history)} != {expected}")
        if citations != 1:
            problems.append(f"{citations} citations quoting {reason}")
        edited = [h for h in self.history[kind] if h[3] == reason and h[2] == slug]
        if len(edited) != 1:
            problems.append(f"{len(edited)} history rows of {slug} with this change")
        return problems, True

    def judge_loaded(self, reason, created):
        """A load of new records, ``created`` {(type, slug)}: one change set creating exactly them, each with
        its one history row."""
        slugs = {slug for _, slug in created}
        changes = [row for row in self.changes if (row[3], row[4]) in created]
        stored = {(name, row[2]) for name, rows in self.history.items() for row in rows if (name, row[2]) in created}
        present = bool(changes or stored)
        if not present:
            return [], False
        sets = {row[2] for row in changes}
        if len(sets) != 1:
            return [f"{len(changes)} change rows in {len(sets)} change sets for {sorted(slugs)}"], True
        [set_id] = sets
        if self.change_sets[set_id][1] != reason:
            return [f"change set {set_id} reasoned {self.change_sets[set_id][1]!r}, not {reason!r}"], True
        expected = dict.fromkeys(created, "created")
        problems = [] if {(r[3], r[4]): r[5] for r in self.by_set[set_id]} == expected \
            and len(self.by_set[set_id]) == len(expected) else [f"change set {set_id}: {self.by_set[set_id]}"]
        for name, slug in created:
            history = [h for h in self.history[name] if h[2] == slug]
            if len(history) != 1 or history[0][3] != reason or history[0][4] != "+":
                problems.append(f"{name} {slug}: history {history}")
            named = [row[6] for row in self.by_set[set_id] if (row[3], row[4]) == (name, slug)]
            if history and named != [history[0][0]]:
                problems.append(f"{name} {slug}: change rows name history {named}, not {history[0][0]}")
        return problems, True

    def judge_loader(self, attempt):
        created = {("agency", slug) for slug in attempt["agencies"]}
        problems, present = self.judge_loaded(attempt["reason"], created)
        if present:
            citations = self.rows("SELECT count(*) FROM registry_citation c JOIN contracts_agency a "
                                  "ON c.target_id = a.id JOIN django_content_type t ON t.id = c.target_type_id "
                                  "WHERE t.model = 'agency' AND a.slug = ANY(%s)", attempt["agencies"])[0][0]
            if citations != LOADED:
                problems.append(f"{citations} citations of the {LOADED} loaded agencies")
        return problems, present

    def judge_bulk(self, attempt):
        reason = attempt["reason"]
        created = {("source", slug) for slug in attempt["sources"]} | {("vendor", slug) for slug in attempt["vendors"]}
        problems, present = self.judge_loaded(reason, created)
        history = self.history_with_reason(reason)
        if present or history:
            expected = {self.tables["source"]: BULK_SOURCES, self.tables["vendor"]: BULK_VENDORS,
                        self.citation_table: BULK_VENDORS}
            if history != expected:
                problems.append(f"history rows {dict(history)} != {expected}")
        return problems, present or bool(history)

    def judge_moderation(self, attempt):
        reason, pk = attempt["reason"], attempt["submission"]
        status, change_set = self.rows("SELECT status, change_set_id FROM registry_submission WHERE id = %s", pk)[0]
        history = self.history_with_reason(reason)
        emails = self.rows("SELECT count(*) FROM submissions_outgoingemail WHERE submission_id = %s", pk)[0][0]
        agencies = self.rows("SELECT slug FROM contracts_agency WHERE name = %s", attempt["name"])
        present = bool(self.sets_by_reason.get(reason) or history or emails or agencies or status != "pending"
                       or change_set)
        if not present:
            return [], False
        slug = agencies[0][0] if len(agencies) == 1 else None
        sources = [row[4] for row in self.changes if row[3] == "source"
                   and self.change_sets[row[2]][1] == reason]
        expected = {("agency", slug): "created", **{("source", s): "created" for s in sources}}
        problems, set_id = self.one_change_set(reason, expected)
        if len(agencies) != 1 or len(sources) != 1:
            problems.append(f"agencies {agencies}, sources {sources}")
        if (status, change_set) != ("approved", set_id):
            problems.append(f"submission {status}, change set {change_set} (expected approved, {set_id})")
        if emails != 1:
            problems.append(f"{emails} decision emails")
        expected_history = {self.tables["agency"]: 1, self.tables["source"]: 1, self.citation_table: 1}
        if history != expected_history:
            problems.append(f"history rows {dict(history)} != {expected_history}")
        return problems, True

    def invariants(self):
        """Across the whole database, whatever the writers did."""
        problems = []
        public_ids = sorted(row[1] for row in self.changes if row[7])
        if public_ids != list(range(1, len(public_ids) + 1)):
            missing = sorted(set(range(1, (public_ids or [0])[-1] + 1)) - set(public_ids))
            problems.append(f"public change ids not gapless: missing {missing[:20]}")
        ids = [row[0] for row in self.changes]
        if ids != list(range(1, len(ids) + 1)):
            problems.append(f"change ids not gapless: missing {sorted(set(range(1, ids[-1] + 1)) - set(ids))[:20]}")
        if self.counter != (len(ids), len(public_ids)):
            problems.append(f"the counter stands at {self.counter}, the rows end at {(len(ids), len(public_ids))}")
        for set_id, (_, reason, first_public_id, public_records, created, retracted) in self.change_sets.items():
            rows = self.by_set.get(set_id, [])
            public = sorted(row[1] for row in rows if row[7])
            actions = Counter(row[5] for row in rows if row[7])
            if not rows:
                problems.append(f"change set {set_id} ({reason!r}) has no change rows")
            if (first_public_id, public_records, created, retracted) != (
                    public[0] if public else None, len(public), actions["created"], actions["retracted"]) \
                    or (public and public[-1] - public[0] + 1 != len(public)):
                says = (first_public_id, public_records, created, retracted)
                problems.append(f"change set {set_id} ({reason!r}) says {says} of its public rows {public} "
                                f"{dict(actions)}")
        history_ids = {name: {row[0]: row for row in rows} for name, rows in self.history.items()}
        logged = {(row[3], row[4], self.change_sets[row[2]][1]) for row in self.changes}
        reasons = set(self.sets_by_reason)
        for row in self.changes:  # every change row names a history row of its record
            found = history_ids.get(row[3], {}).get(row[6])
            if found is None or found[2] != row[4]:
                problems.append(f"change {row[0]} ({row[3]} {row[4]}) names history {row[6]}: {found}")
        for name, rows in self.history.items():  # every history row of a record has its change row
            for history_id, _, slug, reason, _ in rows:
                if (name, slug, reason) not in logged:
                    problems.append(f"{name} {slug} history {history_id} ({reason!r}) has no change row")
        for table, rows in self.part_history.items():  # every history row of a part has its change set
            for history_id, _, reason, _ in rows:
                if reason not in reasons:
                    problems.append(f"{table} history {history_id} ({reason!r}) has no change set")
        return problems[:50]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    writer_main(int(sys.argv[1]), sys.argv[2])
