from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.bulk.importing import ImportRefused, SnapshotRefused, import_snapshot, write_report


class Command(BaseCommand):
    help = ("Import a snapshot written by export_bulk (its JSON Lines files) through the shared loader and the one "
            "write path, as registry staff, reasoned 'bulk import of snapshot <name>'. Refuses a snapshot whose files "
            "do not match its manifest. Atomic: a wrong row (reported with file, line and field) imports nothing, "
            "unless --skip-invalid.")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The snapshot's folder (the one holding manifest.json).")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="Leave out the wrong rows (and the rows that refer to them), import the rest, "
                                 "and report what was left out.")
        parser.add_argument("--report", type=Path, default=None,
                            help="Write the problems found to this file (CSV: file, line, field, message).")

    def handle(self, *args, folder, skip_invalid, report, **options):
        try:
            loaded, left_out = import_snapshot(folder, skip_invalid=skip_invalid)
        except SnapshotRefused as error:
            raise CommandError(f"Nothing was imported: {error}") from None
        except ImportRefused as error:
            if report:
                write_report(report, error.problems)
            raise CommandError(f"Nothing was imported: {len(error.problems)} problem(s) in {folder}:\n"
                               + "\n".join(f"  {problem}" for problem in error.problems)) from None
        for line in loaded.lines():
            self.stdout.write(line)
        if report:
            write_report(report, left_out)
        if left_out:
            rows = len({(problem.file, problem.line) for problem in left_out})
            self.stdout.write(f"Left out {rows} row(s) with {len(left_out)} problem(s)"
                              + (f" (report: {report})" if report else ":"))
            if not report:
                for problem in left_out:
                    self.stdout.write(f"  {problem}")
