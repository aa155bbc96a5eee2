import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.interchange import record_types
from registry.loader import LoadError, load_records

SEED_FILE = Path(__file__).resolve().parents[2] / "seed" / "seed.json"


class Command(BaseCommand):
    help = ("Load the registry's seed data (registry/seed/seed.json) through the write path, with the reason "
            "'seed data'. Idempotent: a second run changes nothing. Atomic: a broken file loads nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=SEED_FILE, help="An interchange file to load instead.")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the registry already holds records (used by `make run`).")

    def handle(self, *args, file, if_empty, **options):
        if if_empty and any(t.model.objects.exists() for t in record_types()):
            self.stdout.write("The registry already holds records: seed not loaded.")
            return
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"No seed file at {file}.") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{file} is not valid JSON: {error}") from None
        try:
            report = load_records(data, reason="seed data")
        except LoadError as error:
            raise CommandError(f"Nothing was loaded: {len(error.errors)} problem(s) in {file.name}:\n"
                               + "\n".join(f"  {line}" for line in error.errors)) from None
        for line in report.lines():
            self.stdout.write(line)
