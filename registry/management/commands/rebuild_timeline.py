from django.core.management.base import BaseCommand
from django.db import transaction

from registry.timeline import rebuild


class Command(BaseCommand):
    help = ("Rewrite the timeline table (registry/timeline.py) from the public records, in one transaction: for a "
            "database whose records were written before the timeline existed, or changed outside the write path. "
            "Facts already held keep when they were recorded. Safe to run at any time (`make seed` runs it).")

    def handle(self, *args, **options):
        with transaction.atomic():
            count = rebuild()
        self.stdout.write(f"The timeline holds {count} timeline entries.")
