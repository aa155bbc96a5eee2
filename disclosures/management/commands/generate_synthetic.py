import sys
import time

from django.core.management.base import BaseCommand, CommandError

from disclosures.synthetic import Generator, SyntheticRefused, check_database
from registry.bulk.snapshot import Progress


class Command(BaseCommand):
    help = ("Fill an empty database with a synthetic registry for scale tests: N agreements and every other record "
            "type in realistic proportions, through the bulk write path (history and change-log rows included), the "
            "same for the same --seed. Slugs start with 'syn-'. Refuses a database holding other records unless "
            "--force. See docs/synthetic.md.")

    def add_arguments(self, parser):
        parser.add_argument("--agreements", type=int, default=1000, help="How many agreements (default 1000).")
        parser.add_argument("--seed", type=int, default=1, help="The random seed: the same seed, the same registry.")
        parser.add_argument("--force", action="store_true",
                            help="Write even though the database holds records that are not synthetic.")

    def handle(self, *args, agreements, seed, force, **options):
        if agreements < 1:
            raise CommandError("--agreements: give at least 1.")
        try:
            check_database(force=force)
        except SyntheticRefused as refused:
            raise CommandError(str(refused)) from None
        started = time.monotonic()
        # Progress bars as export_bulk draws them: tqdm on stderr, only when stderr is a terminal.
        totals = Generator(agreements, seed, progress=Progress(sys.stderr.isatty())).run()
        for name, count in sorted(totals.created.items()):
            self.stdout.write(f"{name}: {count:,}")
        self.stdout.write(f"Edited {totals.edited:,} agreements in later change sets; retracted {totals.retracted:,} "
                          f"records. {time.monotonic() - started:.1f} s.")
