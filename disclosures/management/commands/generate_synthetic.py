import time

from django.core.management.base import BaseCommand, CommandError

from disclosures.synthetic import Generator, SyntheticRefused, check_database


class TerminalProgress:
    """A one-line progress bar, drawn only when the output is a terminal (logs and pipes get the summary alone)."""

    def __init__(self, stream):
        self.stream = stream  # the command's OutputWrapper
        self.on = stream.isatty()
        self.started = time.monotonic()

    def __call__(self, done, total, label):
        if not self.on:
            return
        width = 30
        filled = width * done // max(total, 1)
        elapsed = time.monotonic() - self.started
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {label} ({elapsed:.0f} s)",
                          ending="")
        self.stream.flush()

    def close(self):
        if self.on:
            self.stream.write("")


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
        progress = TerminalProgress(self.stdout)
        started = time.monotonic()
        totals = Generator(agreements, seed, progress=progress).run()
        progress.close()
        for name, count in sorted(totals.created.items()):
            self.stdout.write(f"{name}: {count:,}")
        self.stdout.write(f"Edited {totals.edited:,} agreements in later change sets; retracted {totals.retracted:,} "
                          f"records. {time.monotonic() - started:.1f} s.")
