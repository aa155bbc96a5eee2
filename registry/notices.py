"""Public notices (corrections and retractions) as the corrections page and its feed read them: the filter
form they share (``kind``, ``type``; unknown parameters ignored, bad values errors naming the field) and the
record each notice names."""

from django import forms
from django.utils.text import capfirst

from registry.interchange import in_page_order, record_types
from registry.models import Notice
from registry.pagination import Ordering

ORDERING = Ordering("at", descending=True)  # then id, newest first


class NoticeFilterForm(forms.Form):
    """The filters of the corrections page and feed; unknown parameters are ignored, bad values are errors."""

    kind = forms.ChoiceField(choices=[("", "Corrections and retractions"), *Notice.Kind.choices], required=False,
                             label="Kind")
    type = forms.ChoiceField(required=False, label="Record type")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Every type"), *((t.name, t.label) for t in in_page_order())]

    def notices(self):
        """The notices matching the (valid) form, newest first."""
        notices = Notice.objects.all()
        if self.cleaned_data.get("kind"):
            notices = notices.filter(kind=self.cleaned_data["kind"])
        if self.cleaned_data.get("type"):
            notices = notices.filter(record_type=self.cleaned_data["type"])
        return notices.order_by(*ORDERING.order_by())

    def describe(self):
        """Plain English for the chosen filters: ['Kind: Correction', …]."""
        parts = []
        for name in ("kind", "type"):
            value = self.cleaned_data.get(name)
            if value:
                parts.append(f"{self.fields[name].label}: {dict(self.fields[name].choices)[value]}")
        return parts


def with_record_paths(notices):
    """Each notice with ``record_path``, the address of the record's page (None for a type no longer known),
    and ``record_kind``, the kind of record in words ("Agreement")."""
    types = {t.name: t for t in record_types()}
    for notice in notices:
        record_type = types.get(notice.record_type)
        notice.record_path = f"/{record_type.path}/{notice.slug}/" if record_type else None
        notice.record_kind = capfirst(record_type.model._meta.verbose_name) if record_type else notice.record_type
    return notices
