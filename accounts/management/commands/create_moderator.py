import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from registry.permissions import ensure_moderators_group


class Command(BaseCommand):
    help = ("Create an active moderator (a member of the 'moderators' group, not staff), or make an existing user "
            "one. The password is asked for, or read from MODERATOR_PASSWORD with --no-input.")

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="The moderator's username (asked for when left out).")
        parser.add_argument("--email", default="", help="The moderator's email address (required for a new user).")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive",
                            help="Ask nothing: a new user's password comes from the MODERATOR_PASSWORD environment variable.")

    def handle(self, *args, username, email, interactive, **options):
        User = get_user_model()
        if not username and interactive:
            username = input("Username: ").strip()
        if not username:
            raise CommandError("Name the moderator: create_moderator <username> --email <email>.")
        user = User._default_manager.filter(username=username).first()
        if user is None and not email and interactive:
            email = input("Email address: ").strip()
        if user is None and not email:
            raise CommandError("A new moderator needs --email.")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise CommandError(f"{email!r} is not an email address.") from None
        password = None
        # A new user needs a password; an existing one keeps theirs unless MODERATOR_PASSWORD is given with
        # --no-input, or they have none and someone is there to type one.
        if user is None or (not interactive and os.environ.get("MODERATOR_PASSWORD")) \
                or (interactive and not user.has_usable_password()):
            password = self.password(user or User(username=username, email=email), interactive)
        with transaction.atomic():
            created = user is None
            if created:
                user = User._default_manager.create_user(username=username, email=email, password=password)
            else:
                if email:
                    user.email = email
                if password:
                    user.set_password(password)
            user.is_active = True
            user.save()
            user.groups.add(ensure_moderators_group())
        verb = "Created" if created else "Made"
        self.stdout.write(f"{verb} {username} a moderator (group 'moderators'; not staff: the admin stays closed).")

    def password(self, user, interactive):
        if not interactive:
            password = os.environ.get("MODERATOR_PASSWORD", "")
            if not password:
                raise CommandError("With --no-input, set MODERATOR_PASSWORD in the environment.")
            self.validate(password, user)
            return password
        import getpass

        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ.")
                continue
            try:
                self.validate(password, user)
            except CommandError as error:
                self.stderr.write(str(error))
                continue
            return password

    @staticmethod
    def validate(password, user):
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
