from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry.models import ApiToken


class Command(BaseCommand):
    help = ("Issue an API token for a user and print its key once (only a SHA-256 hash is stored). "
            "Revoke with --revoke <prefix>.")

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user the token belongs to.")
        parser.add_argument("--name", default="API token", help="What the token is for.")
        parser.add_argument("--tier", default=ApiToken.Tier.STANDARD, choices=ApiToken.Tier.values,
                            help="The rate limit tier.")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the user's token with this key prefix.")

    def handle(self, *args, username, name, tier, revoke, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if revoke:
            token = user.api_tokens.filter(prefix=revoke, revoked_at__isnull=True).first()
            if token is None:
                raise CommandError(f"{username} has no active token starting {revoke!r}.")
            token.revoke()
            self.stdout.write(f"Revoked {token}.")
            return
        token, key = ApiToken.objects.issue(user, name=name, tier=tier)
        self.stdout.write(f"Token {token} for {username} ({token.get_tier_display()}). "
                          "Copy the key now: it is not stored and cannot be shown again.")
        self.stdout.write(key)
