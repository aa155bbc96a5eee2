"""The moderators' pages: /moderation/ (the queue) and /moderation/<id>/ (a submission under review)."""

urlpatterns = []
