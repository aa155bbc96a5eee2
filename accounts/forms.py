from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError

from accounts.services import is_unconfirmed
from registry.models import ApiToken, Organization

UNCONFIRMED_MESSAGE = ("Confirm your email address first: follow the link in the email we sent when you signed up. "
                       "We have just sent it again.")


class SignupForm(UserCreationForm):
    """Username, email and the password twice (checked by AUTH_PASSWORD_VALIDATORS)."""

    email = forms.EmailField(
        max_length=254, help_text="We send a link to confirm it; it is never shown on the site.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self):
        return get_user_model().objects.normalize_email(self.cleaned_data["email"]).strip()


class LoginForm(AuthenticationForm):
    """Django's login form, which also tells a user who signed up but has not confirmed their email
    (right password, inactive, never logged in) to do so: ``unconfirmed_user`` is set for the view."""

    unconfirmed_user = None

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if not getattr(self.request, "axes_locked_out", False):
                user = self.unconfirmed(self.cleaned_data.get("username"), self.cleaned_data.get("password"))
                if user is not None:
                    self.unconfirmed_user = user
                    raise ValidationError(UNCONFIRMED_MESSAGE, code="unconfirmed") from None
            raise

    @staticmethod
    def unconfirmed(username, password):
        if not username or not password:
            return None
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is not None and is_unconfirmed(user) and user.check_password(password):
            return user
        return None


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What the token is for, e.g. 'newsroom sync job'.",
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Give the token a name.")
        return name


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(
        required=False, max_length=Organization._meta.get_field("website").max_length, assume_scheme="https",
        help_text="Its public website (optional). A moderator checks it before verifying.",
    )

    class Meta:
        model = Organization
        fields = ("name", "website")
        help_texts = {"name": "As it should appear when the registry credits you publicly."}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if Organization.objects.filter(name__iexact=name).exists():
            raise ValidationError("An organisation with this name already exists: ask to join it instead.")
        return name


class CreditForm(forms.Form):
    credited_publicly = forms.BooleanField(required=False)
