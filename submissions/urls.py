"""The submitter's pages: /submit/… (new records, corrections, updates, retractions) and /submissions/."""

urlpatterns = []
