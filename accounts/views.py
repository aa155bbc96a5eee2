"""People's own pages: sign up and confirm, log in (Django's auth views), the account page (my
submissions, my organisations, API tokens) and organisations. Every page here is private: never
cached (``never_cache``), and only what the user may see."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.generic import FormView

from accounts import services
from accounts.forms import CreditForm, LoginForm, OrganizationForm, SignupForm, TokenForm
from registry.interchange import by_name
from registry.models import ApiToken, Membership, Organization, Submission

private = method_decorator(never_cache, name="dispatch")


# --- sign up and confirm ------------------------------------------------------------------------

@private
class SignupView(FormView):
    http_method_names = ["get", "head", "post"]  # no PUT: FormView would treat it as a POST
    template_name = "accounts/signup.html"
    form_class = SignupForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("account")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        existing = get_user_model().objects.filter(email__iexact=email).first()
        if existing is not None:
            # The page says the same whether or not the address is known; its owner is told by email.
            services.send_account_exists(self.request, existing)
        else:
            user = form.save(commit=False)
            user.email, user.is_active = email, False
            user.save()
            services.send_confirmation(self.request, user)
        return redirect("signup-done")


@never_cache
@require_safe
def signup_done(request):
    return render(request, "accounts/signup_done.html")


def user_from_uidb64(uidb64):
    try:
        return get_user_model()._default_manager.filter(pk=force_str(urlsafe_base64_decode(uidb64))).first()
    except (TypeError, ValueError, OverflowError):
        return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request, uidb64, token):
    """GET shows a button (mail scanners that fetch links confirm nothing); POST activates the account."""
    user = user_from_uidb64(uidb64)
    valid = user is not None and services.is_unconfirmed(user) and services.confirmation_tokens.check_token(user, token)
    if not valid:
        return render(request, "accounts/confirm_invalid.html", status=400)
    if request.method == "POST":
        user.is_active = True
        user.save(update_fields=["is_active"])
        return render(request, "accounts/confirm_done.html", {"confirmed_user": user})
    return render(request, "accounts/confirm.html", {"confirmed_user": user})


# --- log in (Django's views with the registry's form and templates) ----------------------------------

class LoginView(auth_views.LoginView):
    http_method_names = ["get", "head", "post"]  # no PUT: FormView would treat it as a POST
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(failure_limit=settings.AXES_FAILURE_LIMIT, **kwargs)

    def form_invalid(self, form):
        if form.unconfirmed_user is not None:
            services.send_confirmation(self.request, form.unconfirmed_user)
        return super().form_invalid(form)


# --- the account page -------------------------------------------------------------------------------

def record_type_label(name):
    try:
        return by_name(name).model._meta.verbose_name
    except KeyError:
        return name


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def account(request, *, issued=None, token_form=None, status=200):
    user = request.user
    submissions = list(Submission.objects.filter(submitted_by=user).order_by("-submitted_at", "-id")
                       .only("id", "kind", "record_type", "title", "target_slug", "status", "submitted_at"))
    for submission in submissions:
        submission.record_type_label = record_type_label(submission.record_type)
    memberships = (Membership.objects.filter(user=user).select_related("organization")
                   .order_by("organization__name"))
    tokens = ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-id")
    return render(request, "accounts/account.html", {
        "submissions": submissions, "memberships": memberships, "tokens": tokens,
        "token_form": token_form or TokenForm(), "issued": issued,
        "can_verify": user.has_perm("registry.verify_organization"),
    }, status=status)


@login_required
@never_cache
@require_POST
def create_token(request):
    """Answers the POST itself (no redirect): the key is on this page once, never in a URL, a
    message or a log, and never again."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return account(request, token_form=form, status=400)
    token, key = ApiToken.objects.issue(request.user, name=form.cleaned_data["name"])
    return account(request, issued={"token": token, "key": key})


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def revoke_token(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    if request.method == "POST":
        token.revoke()
        return render(request, "accounts/token_revoked.html", {"token": token})
    return render(request, "accounts/token_revoke.html", {"token": token})


@login_required
@never_cache
@require_POST
def set_credit(request, pk):
    membership = get_object_or_404(Membership.objects.active(), pk=pk, user=request.user)
    form = CreditForm(request.POST)
    form.is_valid()  # a missing box means "no"
    membership.credited_publicly = form.cleaned_data.get("credited_publicly", False)
    membership.save(update_fields=["credited_publicly"])
    return redirect("account")


# --- organisations ----------------------------------------------------------------------------------

@login_required
@never_cache
@require_safe
def organization_list(request):
    """Verified organisations, each with "ask to join" (or where the user stands)."""
    mine = {m.organization_id: m for m in Membership.objects.filter(user=request.user)}
    organizations = list(Organization.objects.filter(status=Organization.Status.VERIFIED).order_by("name"))
    for organization in organizations:
        organization.my_membership = mine.get(organization.pk)
    return render(request, "accounts/organization_list.html", {"organizations": organizations})


@private
@method_decorator(login_required, name="dispatch")
class OrganizationCreateView(FormView):
    http_method_names = ["get", "head", "post"]  # no PUT: FormView would treat it as a POST
    template_name = "accounts/organization_form.html"
    form_class = OrganizationForm

    def form_valid(self, form):
        try:
            with transaction.atomic():
                organization = services.create_organization(self.request.user, name=form.cleaned_data["name"],
                                                            website=form.cleaned_data["website"])
        except IntegrityError:  # the same name created a moment ago
            form.add_error("name", "An organisation with this name already exists: ask to join it instead.")
            return self.form_invalid(form)
        return redirect("organization-detail", slug=organization.slug)


@login_required
@never_cache
@require_POST
def join_organization(request, slug):
    organization = get_object_or_404(Organization, slug=slug, status=Organization.Status.VERIFIED)
    membership = services.ask_to_join(request.user, organization)
    return render(request, "accounts/join_requested.html", {"organization": organization, "membership": membership})


def visible_organization(request, slug):
    """The organisation, for its active members and moderators; anyone else gets a 404."""
    organization = get_object_or_404(Organization, slug=slug)
    if not services.can_see(request.user, organization):
        raise Http404("No organisation here.")
    return organization


@login_required
@never_cache
@require_safe
def organization_detail(request, slug):
    organization = visible_organization(request, slug)
    manager = services.can_manage(request.user, organization)
    memberships = organization.memberships.select_related("user").order_by("user__username")
    active = [m for m in memberships if m.status == Membership.Status.ACTIVE]
    return render(request, "accounts/organization_detail.html", {
        "organization": organization, "manager": manager,
        "members": active if manager else [],
        "member_count": len(active),
        "admin_count": sum(1 for m in active if m.role == Membership.Role.ADMIN),
        "requests": [m for m in memberships if m.status == Membership.Status.REQUESTED] if manager else [],
        "my_membership": next((m for m in active if m.user_id == request.user.pk), None),
        "can_verify": request.user.has_perm("registry.verify_organization"),
    })


@login_required
@never_cache
@require_POST
def decide_request(request, slug, pk, decision):
    organization = visible_organization(request, slug)
    if not services.can_manage(request.user, organization):
        return HttpResponseForbidden("Only the organisation's administrators and moderators decide requests to join.")
    membership = get_object_or_404(Membership, pk=pk, organization=organization, status=Membership.Status.REQUESTED)
    services.decide_request(membership, accept=decision == "accept", by=request.user)
    return redirect("organization-detail", slug=organization.slug)


@login_required
@never_cache
@permission_required("registry.verify_organization", raise_exception=True)
@require_safe
def pending_organizations(request):
    organizations = (Organization.objects.filter(status=Organization.Status.PENDING).select_related("created_by")
                     .annotate(member_count=Count("memberships", filter=Q(memberships__status="active")))
                     .order_by("created_at", "id"))
    return render(request, "accounts/organization_pending.html", {"organizations": organizations})


@login_required
@never_cache
@require_POST
@permission_required("registry.verify_organization", raise_exception=True)
def verify_organization(request, slug, decision):
    organization = get_object_or_404(Organization, slug=slug, status=Organization.Status.PENDING)
    services.verify_organization(organization, verified=decision == "verify", by=request.user)
    return redirect("organization-pending")

