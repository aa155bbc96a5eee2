"""Decision emails: written in the decision's transaction (one OutgoingEmail row), sent after it
commits. A failed send never undoes a decision: it is logged, kept as "failed" and shown to
moderators with a resend button."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from submissions.models import OutgoingEmail

logger = logging.getLogger(__name__)

SUBJECTS = {
    "approved": "Your submission #{pk} was approved",
    "rejected": "Your submission #{pk} was not accepted",
    "changes_requested": "Changes requested on your submission #{pk}",
}


def site_url():
    return getattr(settings, "SITE_URL", "").rstrip("/")


def queue_decision_email(submission):
    """Write the email of the submission's decision and send it once the decision commits."""
    user = submission.submitted_by
    if not user.email:
        return None
    body = render_to_string("submissions/decision_email.txt", {
        "submission": submission, "site_url": site_url(), "user": user})
    email = OutgoingEmail.objects.create(submission=submission, decision=submission.status, to=user.email,
                                         subject=SUBJECTS[submission.status].format(pk=submission.pk), body=body)
    # robust: the decision has committed; a database or mail failure while sending is logged, the email stays
    # queued for a resend, and the moderator still sees the decision done (tests/faults/test_killed_mid_write.py).
    transaction.on_commit(lambda: send(email.pk), robust=True)
    return email


def send(email_id):
    """Try to send one stored email; record the outcome. A transport failure never raises (a database failure
    can: after a decision it is caught by the robust on_commit)."""
    email = OutgoingEmail.objects.get(pk=email_id)
    email.attempts += 1
    try:
        send_mail(email.subject, email.body, None, [email.to], fail_silently=False)
    except Exception as error:  # noqa: BLE001 - any transport failure is recorded, never raised into a decision
        logger.warning("Decision email %s for submission #%s failed: %s", email.pk, email.submission_id, error)
        email.status, email.last_error = OutgoingEmail.Status.FAILED, f"{type(error).__name__}: {error}"[:2000]
    else:
        email.status, email.sent_at, email.last_error = OutgoingEmail.Status.SENT, timezone.now(), ""
    email.save(update_fields=["attempts", "status", "last_error", "sent_at"])
    return email


def resend(email):
    """A moderator's resend of a failed email."""
    return send(email.pk)
