"""The submitter's pages: /submit/… (new records, corrections, updates, retractions) and /submissions/."""

from django.urls import path

from registry.models import Submission
from submissions import views

app_name = "submissions"

urlpatterns = [
    path("submit/<slug:type_path>/", views.new_record, name="new"),
    path("submit/<slug:type_path>/<slug:slug>/correction/", views.change_record,
         {"kind": Submission.Kind.CORRECTION}, name="correction"),
    path("submit/<slug:type_path>/<slug:slug>/update/", views.change_record, {"kind": Submission.Kind.UPDATE},
         name="update"),
    path("submit/<slug:type_path>/<slug:slug>/retraction/", views.change_record,
         {"kind": Submission.Kind.RETRACTION}, name="retraction"),
    path("submissions/", views.my_submissions, name="list"),
    path("submissions/<int:pk>/", views.submission_detail, name="detail"),
    path("submissions/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("submissions/<int:pk>/revise/", views.revise, name="revise"),
]
