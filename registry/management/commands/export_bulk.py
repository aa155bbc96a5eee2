import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.bulk.snapshot import Progress, SnapshotError, write_snapshot
from registry.bulk.snapshots import latest_snapshot, snapshots_root


class Command(BaseCommand):
    help = ("Write a snapshot of every published record (docs/data.md): per record type a JSON Lines file and a CSV, "
            "datapackage.json, the registered files (OCDS) and manifest.json with sizes, SHA-256 and the last change "
            "included. Written to a hidden folder and renamed into place when complete. Prints the snapshot's folder.")

    def add_arguments(self, parser):
        parser.add_argument("outdir", nargs="?", type=Path, default=None,
                            help="Where snapshots go (default: EXPORT_ROOT/snapshots).")
        parser.add_argument("--bom", action="store_true",
                            help="Start each CSV with a UTF-8 byte order mark, for spreadsheets that need one.")
        parser.add_argument("--if-missing", action="store_true",
                            help="Do nothing when a complete snapshot is already there (used by `make run`, so that a "
                                 "new local site has files on /data/).")

    def handle(self, *args, outdir, bom, if_missing, **options):
        root = outdir or snapshots_root()
        existing = latest_snapshot(root) if if_missing else None
        if existing is not None:
            self.stdout.write(str(existing.path))
            return
        try:
            folder = write_snapshot(root, bom=bom, progress=Progress(sys.stderr.isatty()))
        except SnapshotError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(folder))
