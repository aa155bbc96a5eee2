from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People: sign up, log in, the account page (submissions, organisations, API tokens) and
    organisations. The models (Organization, Membership, ApiToken) are the core's; this app owns
    the pages people use to manage them."""

    name = "accounts"
    verbose_name = "Accounts and organisations"
