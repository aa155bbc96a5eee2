"""Everything under /account/ (included from registry/urls.py). Django's auth views keep their own
URL names (login, logout, password_change, password_reset…) so their defaults and emails work."""

from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from accounts import views

urlpatterns = [
    path("", views.account, name="account"),
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("signup/done/", views.signup_done, name="signup-done"),
    path("confirm/<uidb64>/<token>/", views.confirm_email, name="signup-confirm"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(template_name="accounts/logged_out.html"), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(template_name="accounts/password_change.html"),
         name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/password_change_done.html"), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt"), name="password_reset"),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html"), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
    path("tokens/", views.create_token, name="token-create"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="token-revoke"),
    path("memberships/<int:pk>/credit/", views.set_credit, name="membership-credit"),
    path("organisations/", views.organization_list, name="organization-list"),
    path("organisations/new/", views.OrganizationCreateView.as_view(), name="organization-create"),
    path("organisations/pending/", views.pending_organizations, name="organization-pending"),
    path("organisations/<slug:slug>/", views.organization_detail, name="organization-detail"),
    path("organisations/<slug:slug>/join/", views.join_organization, name="organization-join"),
    re_path(r"^organisations/(?P<slug>[-\w]+)/requests/(?P<pk>[0-9]+)/(?P<decision>accept|decline)/$",
            views.decide_request, name="organization-decide"),
    re_path(r"^organisations/(?P<slug>[-\w]+)/(?P<decision>verify|refuse)/$",
            views.verify_organization, name="organization-verify"),
]
