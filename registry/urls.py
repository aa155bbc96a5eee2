from django.contrib import admin
from django.urls import path

from registry import views

admin.site.site_header = "AI Defense Agreements Registry — editors"
admin.site.site_title = "Registry editors"
admin.site.index_title = "Records, sources and the change log"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]
