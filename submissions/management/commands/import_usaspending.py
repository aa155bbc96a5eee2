from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from submissions.usaspending import AwardRefused, import_award, read_award
from submissions.validation import SubmissionInvalid

DEFAULT_USER = "usaspending"


class Command(BaseCommand):
    help = ("Propose a USAspending award (the JSON of https://api.usaspending.gov/api/v2/awards/<id>/, saved to a "
            "file) as a pending submission for a moderator: a new agreement, or an update naming only what differs "
            "from the agreement holding its generated award id. Nothing is fetched. See docs/usaspending.md.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The award's JSON file.")
        parser.add_argument("--user", default=DEFAULT_USER,
                            help=f"The submitter: an existing active account (default “{DEFAULT_USER}”). A moderator "
                                 "cannot approve their own submission, so use an account other than the reviewer's.")

    def handle(self, *args, file, user, **options):
        submitter = get_user_model().objects.filter(username=user, is_active=True).first()
        if submitter is None:
            raise CommandError(f"No active account “{user}”: create it (python manage.py createsuperuser, or the "
                               "sign-up page) or name another with --user. Nothing was imported.")
        try:
            award = read_award(file)
            with transaction.atomic():
                outcome = import_award(award, user=submitter, file_name=file.name)
        except AwardRefused as refused:
            raise CommandError("Nothing was imported:\n" + "\n".join(f"  {line}" for line in refused.messages)) from None
        except SubmissionInvalid as invalid:
            raise CommandError("Nothing was imported; the submission was refused:\n" + "\n".join(
                f"  {where}: {' '.join(messages)}" for where, messages in invalid.errors.items())) from None
        for line in outcome.lines:
            self.stdout.write(line)
