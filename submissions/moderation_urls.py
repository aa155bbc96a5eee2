"""The moderators' pages: /moderation/ (the queue) and /moderation/<id>/ (a submission under review)."""

from django.urls import path

from submissions import moderation_views as views

urlpatterns = [
    path("", views.queue, name="moderation-queue"),
    path("emails/", views.failed_emails, name="moderation-emails"),
    path("emails/<int:pk>/resend/", views.resend, name="moderation-resend"),
    path("<int:pk>/", views.review, name="moderation-review"),
    path("<int:pk>/approve/", views.approve, name="moderation-approve"),
    path("<int:pk>/changes/", views.request_changes, name="moderation-changes"),
    path("<int:pk>/reject/", views.reject, name="moderation-reject"),
]
