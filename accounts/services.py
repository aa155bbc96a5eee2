"""What accounts decides, in one place: who is publicly credited, who may manage an organisation,
the sign-up confirmation token and its emails, and the organisation steps (create, join, decide,
verify). Views call these; the submissions app calls ``public_credit`` and ``default_credit``."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from registry.models import Membership, Organization, is_moderator
from registry.services import STAFF_CREDIT

# Organisation slugs that would collide with the pages under /account/organisations/.
RESERVED_ORGANIZATION_SLUGS = frozenset({"new", "pending"})


# --- public credit --------------------------------------------------------------------------

def active_membership(user, organization):
    """``user`` is a user or a user's id (a submission's ``submitted_by_id``: no query for the user)."""
    if organization is None or user is None or not getattr(user, "is_authenticated", True):
        return None
    return Membership.objects.active().filter(user=user, organization=organization).first()


def public_credit(user, organization, credited_publicly):
    """Who public history names for ``user``'s change: the organisation's name when it is verified,
    the user is an active member and credit was chosen; otherwise "registry staff". A pending or
    refused organisation is never credited publicly."""
    if not credited_publicly or organization is None or organization.status != Organization.Status.VERIFIED:
        return STAFF_CREDIT
    if active_membership(user, organization) is None:
        return STAFF_CREDIT
    return organization.name


def default_credit(user, organization):
    """Whether a new submission of ``user`` for ``organization`` asks for public credit: the member's
    own choice (``Membership.credited_publicly``); False without an active membership."""
    membership = active_membership(user, organization)
    return bool(membership and membership.credited_publicly)


# --- who manages an organisation -----------------------------------------------------------

def can_manage(user, organization):
    """An active administrator of the organisation, or a moderator, accepts and declines requests
    and sees members' usernames."""
    if is_moderator(user):
        return True
    return Membership.objects.administrators().filter(user=user, organization=organization).exists()


def can_see(user, organization):
    """The organisation's page is private to its active members and moderators."""
    return is_moderator(user) or active_membership(user, organization) is not None


# --- organisations ----------------------------------------------------------------------------

def unique_organization_slug(name):
    base = slugify(name)[:100] or "organisation"
    if base in RESERVED_ORGANIZATION_SLUGS:
        base = f"{base}-organisation"
    slug, number = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_organization(user, *, name, website=""):
    """A new organisation, pending until a moderator verifies it; its creator is its active
    administrator and is credited publicly by default (once it is verified)."""
    organization = Organization.objects.create(name=name, website=website, slug=unique_organization_slug(name),
                                               created_by=user, status=Organization.Status.PENDING)
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.ADMIN,
                              status=Membership.Status.ACTIVE, credited_publicly=True, decided_by=user)
    return organization


def ask_to_join(user, organization):
    """A request to join a verified organisation; returns the membership (existing or new) or None when
    the organisation is not verified. A declined request may be asked again."""
    if organization.status != Organization.Status.VERIFIED:
        return None
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization,
        defaults={"status": Membership.Status.REQUESTED, "role": Membership.Role.MEMBER},
    )
    if not created and membership.status == Membership.Status.DECLINED:
        membership.status, membership.requested_at, membership.decided_by = (
            Membership.Status.REQUESTED, timezone.now(), None)
        membership.save(update_fields=["status", "requested_at", "decided_by"])
    return membership


def decide_request(membership, *, accept, by):
    membership.status = Membership.Status.ACTIVE if accept else Membership.Status.DECLINED
    membership.decided_by = by
    membership.save(update_fields=["status", "decided_by"])
    return membership


def verify_organization(organization, *, verified, by):
    organization.status = Organization.Status.VERIFIED if verified else Organization.Status.REFUSED
    organization.verified_by, organization.verified_at = by, timezone.now()
    organization.save(update_fields=["status", "verified_by", "verified_at"])
    return organization


# --- sign-up confirmation -----------------------------------------------------------------------

class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Django's token pattern (HMAC of the user's state and a timestamp, valid PASSWORD_RESET_TIMEOUT
    seconds) with its own salt, so a password-reset token never confirms an email and back; the
    user's ``is_active`` is in the hash, so a link works once."""

    key_salt = "accounts.services.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


confirmation_tokens = EmailConfirmationTokenGenerator()


def is_unconfirmed(user):
    """Signed up but never followed the confirmation link (an inactive user who never logged in)."""
    return not user.is_active and user.last_login is None


def confirmation_url(request, user):
    path = reverse("signup-confirm", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                                             "token": confirmation_tokens.make_token(user)})
    return request.build_absolute_uri(path)


def send_confirmation(request, user):
    context = {"user": user, "confirm_url": confirmation_url(request, user), "site": request.get_host()}
    send_mail(
        subject="Confirm your email address for the AI Defense Agreements Registry",
        message=render_to_string("accounts/email/confirm.txt", context),
        from_email=None, recipient_list=[user.email],
    )


def send_account_exists(request, user):
    """Someone signed up with the address of an existing account: tell its owner (the sign-up page
    itself never says whether an address is known)."""
    context = {
        "user": user, "site": request.get_host(),
        "login_url": request.build_absolute_uri(reverse("login")),
        "reset_url": request.build_absolute_uri(reverse("password_reset")),
        "confirm_url": confirmation_url(request, user) if is_unconfirmed(user) else "",
    }
    send_mail(
        subject="You already have an account on the AI Defense Agreements Registry",
        message=render_to_string("accounts/email/account_exists.txt", context),
        from_email=None, recipient_list=[user.email],
    )
