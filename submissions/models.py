"""The email outbox: one stored message per decision, so a failed send is seen and can be resent."""

from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Sent"
        FAILED = "failed", "Sending failed"

    submission = models.ForeignKey("registry.Submission", on_delete=models.PROTECT, related_name="emails",
                                   help_text="The submission whose decision the email tells of.")
    decision = models.CharField(max_length=20, help_text="The submission's status the email tells of.")
    to = models.EmailField(help_text="The submitter's address when the email was written.")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0, help_text="How many times sending was tried.")
    last_error = models.TextField(blank=True, help_text="Why the last attempt failed.")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.subject} → {self.to} ({self.status})"
