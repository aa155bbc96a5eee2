from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    """Watchdog submissions and their moderation: forms and the API to submit, the review queue,
    decisions with reasons, emails, and the public notices. The Submission model is the core's
    (registry.models); this app owns the journey around it."""

    name = "submissions"
    verbose_name = "Submissions and moderation"
