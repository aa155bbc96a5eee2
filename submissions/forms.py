"""The submitter's forms: one form per record type (its fields, as a watchdog knows them), the
sources offered with it, and what every submission says besides (rationale, organisation, credit).

The forms only turn what was typed into the interchange shape (slugs, YYYY[-MM[-DD]] dates, amounts
as text, lists one per line); every rule is checked once, by the submission engine
(``submissions.validation``), whose errors are put back at their fields (``attach_errors``).
"""

import json

from django import forms
from rest_framework import serializers as drf

from contracts.vocabulary import AMOUNT_KINDS
from registry.claims import LABELS, field_names
from registry.fields import parse_amount
from registry.models import Membership, Organization, Source
from submissions import services
from submissions.diff import display
from submissions.validation import EDITORIAL_FIELDS, REFUSED_FIELDS

# Interchange fields no submitter form shows: the registry's bookkeeping and its own assessments.
# What the engine refuses from a submitter (submissions/validation.py), and the slug (proposed from the
# title, fixed by the moderator).
NOT_ON_FORMS = frozenset({"slug", *REFUSED_FIELDS, *EDITORIAL_FIELDS})
DATE_HELP = "YYYY, YYYY-MM or YYYY-MM-DD."
SLUG_HELP = "The record's slug, as in its address (e.g. “anthropic” for /vendors/anthropic/)."
SLUGS_HELP = "Slugs separated by commas."


def words(name):
    return name.replace("_", " ").capitalize()


# --- how one form field becomes one interchange value, and back ----------------------------

class Kind:
    """A form field's conversion: ``to_payload(cleaned value)`` and ``to_initial(interchange value)``."""

    @staticmethod
    def to_payload(value):
        return (value or "").replace("\r\n", "\n")

    @staticmethod
    def to_initial(value):
        return "" if value is None else value


class NullableText(Kind):
    """Dates, amounts, single slugs: empty means null."""

    @staticmethod
    def to_payload(value):
        value = (value or "").strip()
        return value or None


class Money(Kind):
    """An amount as typed: "200000000" or "200000000.00 EUR" (US dollars when no currency is given)."""

    @staticmethod
    def to_payload(value):
        parts = (value or "").replace(",", "").split()
        if not parts:
            return None
        amount = parts[0].lstrip("$")
        try:
            exact = parse_amount(amount)
            cents = exact.quantize(parse_amount("0.01"))
            amount = str(cents) if cents == exact else amount
        except (ValueError, ArithmeticError):
            pass  # the engine says what is wrong with it, at the field
        return {"amount": amount, "currency": parts[1].upper() if len(parts) > 1 else "USD"}

    @staticmethod
    def to_initial(value):
        if not value:
            return ""
        currency = value.get("currency") or "USD"
        return value["amount"] if currency == "USD" else f"{value['amount']} {currency}"


class Slugs(Kind):
    @staticmethod
    def to_payload(value):
        return [slug.strip() for slug in (value or "").replace("\n", ",").split(",") if slug.strip()]

    @staticmethod
    def to_initial(value):
        return ", ".join(value or [])


class Lines(Kind):
    @staticmethod
    def to_payload(value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    @staticmethod
    def to_initial(value):
        return "\n".join(value or [])


class Bool(Kind):
    @staticmethod
    def to_payload(value):
        return bool(value)

    @staticmethod
    def to_initial(value):
        return bool(value)


class Json(Kind):
    """Nested lists (an agreement's amounts, an event's links) as JSON; parsed by the form's clean."""

    @staticmethod
    def to_payload(value):
        return value if value is not None else []

    @staticmethod
    def to_initial(value):
        return json.dumps(value, ensure_ascii=False, indent=1) if value else ""


class Parties(Kind):
    """An agreement's parties, one a line: ``vendor-slug`` or ``vendor-slug role``."""

    @staticmethod
    def to_payload(value):
        parties = []
        for line in (value or "").splitlines():
            parts = line.split()
            if parts:
                parties.append({"vendor": parts[0], "role": parts[1] if len(parts) > 1 else "prime"})
        return parties

    @staticmethod
    def to_initial(value):
        return "\n".join(f"{p['vendor']} {p['role']}" for p in value or [])


class Affected(Kind):
    """A designation's affected agreements, one a line: ``agreement-slug`` then an optional note."""

    @staticmethod
    def to_payload(value):
        rows = []
        for line in (value or "").splitlines():
            slug, _, note = line.strip().partition(" ")
            if slug:
                rows.append({"agreement": slug, "note": note.strip()})
        return rows

    @staticmethod
    def to_initial(value):
        return "\n".join(f"{row['agreement']} {row.get('note', '')}".strip() for row in value or [])


class JsonField(forms.CharField):
    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return []
        try:
            return json.loads(value)
        except ValueError as error:
            raise forms.ValidationError(f"Not valid JSON: {error}.") from None


def form_field_for(name, field):
    """(Django form field, Kind) for one field of a write serializer. Every form field is optional:
    what is required is said by the engine, in one place."""
    label, help_text = words(name), str(field.help_text or "")
    if isinstance(field, drf.ManyRelatedField):
        return forms.CharField(required=False, label=label, help_text=help_text or SLUGS_HELP), Slugs
    if isinstance(field, drf.RelatedField):
        return forms.CharField(required=False, label=label, help_text=help_text or SLUG_HELP), NullableText
    if isinstance(field, drf.ChoiceField):
        choices = [("", "—"), *((value, text) for value, text in field.choices.items())]
        return forms.ChoiceField(required=False, label=label, choices=choices, help_text=help_text), Kind
    if isinstance(field, drf.BooleanField):
        return forms.BooleanField(required=False, label=label, help_text=help_text), Bool
    if isinstance(field, drf.ListSerializer):
        return JsonField(required=False, label=label, help_text=help_text or "A list, as JSON (docs/interchange.md)."), Json
    if isinstance(field, drf.ListField):
        return forms.CharField(required=False, label=label, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=help_text or "One a line."), Lines
    if isinstance(field, drf.DateField):
        return forms.CharField(required=False, label=label, help_text="YYYY-MM-DD."), NullableText
    if type(field).__name__ in ("PartialDateField",):
        return forms.CharField(required=False, label=label, help_text=help_text or DATE_HELP), NullableText
    if type(field).__name__ == "MoneyField":
        return forms.CharField(required=False, label=label,
                               help_text="In US dollars, e.g. 200000000 (or give the currency: "
                                         "“200000000 EUR”)."), Money
    if isinstance(field, drf.CharField) and not isinstance(field, drf.URLField) and not field.max_length:
        return forms.CharField(required=False, label=label, strip=False, widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=help_text), Kind
    return forms.CharField(required=False, label=label, strip=False, help_text=help_text), Kind


class RecordForm(forms.Form):
    """A record of one type, as its interchange fields. Subclasses name the type, and may choose the
    fields, their order, labels and how lists are typed (``overrides``)."""

    record_type = None  # a registry.interchange.RecordType, set by record_form_class
    fields_shown = None  # interchange names in order; None: every field of the write serializer
    labels = {}
    helps = {}
    overrides = {}  # name -> (form field factory, Kind)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {}
        serializer = self.record_type.write_serializer()
        names = self.fields_shown or [name for name in serializer.fields if name not in NOT_ON_FORMS]
        for name in names:
            if name in self.overrides:
                factory, kind = self.overrides[name]
                field = factory()
            else:
                field, kind = form_field_for(name, serializer.fields[name])
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.helps:
                field.help_text = self.helps[name]
            field.required_by_engine = serializer.fields[name].required
            self.fields[name] = field
            self.kinds[name] = kind

    @classmethod
    def initial_from(cls, record_data):
        """Form initial values from a record in the interchange shape."""
        form = cls()
        return {name: form.kinds[name].to_initial(record_data.get(name)) for name in form.fields
                if name in record_data}

    def payload(self):
        """Every field of the form in the interchange shape (call after is_valid)."""
        return {name: self.kinds[name].to_payload(self.cleaned_data.get(name)) for name in self.fields}

    def new_record_payload(self):
        """A new record: the fields given (empty ones left to the type's defaults)."""
        return {name: value for name, value in self.payload().items() if value not in (None, "", [])}

    def changes_from(self, current):
        """Only the fields that differ from the record as it stands (``current``, interchange shape)."""
        changes = {}
        for name, value in self.payload().items():
            if name not in self.data and self.kinds[name] is not Bool:
                continue  # a field not posted at all is left as it is (a checkbox not posted is unticked)
            if comparable(current.get(name)) != comparable(value):
                changes[name] = value
        return changes


def comparable(value):
    return display(value).replace("\r\n", "\n").strip()


def party_lines():
    return forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Vendors (parties)",
                           help_text="One a line: the vendor's slug, then its role (prime, subcontractor, "
                                     "partner, reseller, cloud_provider; prime when left out), e.g. “anthropic prime”.")


def affected_lines():
    return forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Affected agreements",
                           help_text="One a line: the agreement's slug, then an optional note.")


class AgreementForm(RecordForm):
    fields_shown = ["title", "summary", "awarding_agency", "participating_agencies", "parties", "status",
                    "status_note", "vehicle", "vehicle_note", "parent", "piid", "usaspending_award_id", "announced",
                    "awarded", "first_reported", "start", "end", "ceiling", "obligated", "amounts", "value_note",
                    "terms_disclosure"]
    labels = {"awarding_agency": "Awarding agency", "participating_agencies": "Participating agencies",
              "piid": "PIID (contract number)", "usaspending_award_id": "USAspending award id",
              "parent": "Parent agreement", "first_reported": "First reported", "amounts": "Other reported amounts"}
    helps = {"awarding_agency": "The agency's slug, e.g. “cdao”.", "participating_agencies": SLUGS_HELP,
             "amounts": 'As JSON: [{"kind": "reported_award_value", "amount": "642000000.00", "as_of": "2026-03"}].'}
    overrides = {"parties": (party_lines, Parties)}


class TermForm(RecordForm):
    fields_shown = ["title", "agreement", "agency", "vendor", "category", "effect", "text", "text_form", "binding",
                    "status", "effective", "supersedes"]
    labels = {"text": "Wording", "text_form": "Is the wording verbatim or a paraphrase?",
              "supersedes": "Supersedes (term slug)"}
    helps = {"agreement": "The agreement's slug (or name an agency or a vendor instead).",
             "text": "The term's words, as the source states them."}


class DesignationForm(RecordForm):
    fields_shown = ["title", "vendor", "issuing_agency", "issuing_official", "kind", "authority_cited", "status",
                    "status_note", "announced", "determined", "noticed", "effective", "ended", "scope",
                    "public_reason", "affected_agreements", "related_designations"]
    labels = {"vendor": "Vendor designated", "issuing_agency": "Issuing agency",
              "related_designations": "Related designations"}
    overrides = {"affected_agreements": (affected_lines, Affected)}


class TestingDisclosureForm(RecordForm):
    fields_shown = ["title", "summary", "agency", "vendors", "agreements", "models_tested", "model_version",
                    "test_kind", "tested_from", "tested_to", "disclosed", "channel", "confirmed_by_agency"]
    labels = {"agency": "Agency that tested", "vendors": "Vendors whose models were tested",
              "agreements": "Agreements under which they were tested", "tested_from": "Tested from",
              "tested_to": "Tested to"}


OWN_FORMS = {"agreement": AgreementForm, "term": TermForm, "designation": DesignationForm,
             "testing-disclosure": TestingDisclosureForm}
_classes = {}


def record_form_class(record_type):
    """The form of a record type: its own for agreements, terms, designations and testing disclosures,
    otherwise one generated from its WriteSerializer's fields."""
    if record_type.name not in _classes:
        base = OWN_FORMS.get(record_type.name, RecordForm)
        _classes[record_type.name] = type(f"{record_type.model.__name__}SubmissionForm", (base,),
                                          {"record_type": record_type})
    return _classes[record_type.name]


# --- sources --------------------------------------------------------------------------------

def claim_choices(record_type):
    keys = field_names(record_type.model)
    choices = [(key, f"{LABELS.get(key, words(key))} ({key})") for key in keys]
    if record_type.name == "agreement":
        choices += [(f"amount:{kind}", f"the reported amount: {words(kind).lower()} (amount:{kind})")
                    for kind in AMOUNT_KINDS]
    return choices


def cites(record_type):
    return "citations" in record_type.write_serializer.part_fields


class SourceOfferForm(forms.Form):
    """One source offered: the engine checks it (SourceOfferSerializer)."""

    url = forms.CharField(required=False, label="Address (URL)", help_text="http or https.")
    title = forms.CharField(required=False)
    publisher = forms.CharField(required=False)
    published = forms.CharField(required=False, label="Date published", help_text=DATE_HELP)
    kind = forms.ChoiceField(required=False, choices=[("", "—"), *Source.Kind.choices], label="Kind of source")
    quote = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}),
                            label="Exact supporting quote", help_text="The source's exact words.")
    locator = forms.CharField(required=False, help_text="Page, paragraph or timestamp.")
    claims = forms.MultipleChoiceField(required=False, label="Which claims it supports")

    TEXT = ("url", "title", "publisher", "published", "quote", "locator")

    def __init__(self, *args, record_type=None, with_claims=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_claims and record_type is not None and cites(record_type):
            self.fields["claims"].choices = claim_choices(record_type)
        else:
            del self.fields["claims"]

    def is_blank(self):
        data = self.cleaned_data
        return not any((data.get(name) or "").strip() for name in self.TEXT) and not data.get("claims")

    def offered(self):
        data = self.cleaned_data
        offer = {name: (data.get(name) or "").replace("\r\n", "\n") for name in self.TEXT}
        offer = {name: value.strip() if name != "quote" else value for name, value in offer.items()}
        if data.get("kind"):
            offer["kind"] = data["kind"]
        if "claims" in self.fields:
            offer["claims"] = list(data.get("claims") or [])
        return offer


class BaseSourceFormSet(forms.BaseFormSet):
    def offered(self):
        """(sources offered, the formset index of each): blank rows are left out."""
        offers, rows = [], []
        for index, form in enumerate(self.forms):
            if not form.is_blank():
                offers.append(form.offered())
                rows.append(index)
        return offers, rows


SOURCE_ROWS = 3


def source_formset(record_type, *, data=None, initial=None, rows=SOURCE_ROWS, with_claims=True):
    initial = list(initial or [])
    extra = max(rows - len(initial), 0)
    formset_class = forms.formset_factory(SourceOfferForm, formset=BaseSourceFormSet, extra=extra,
                                          max_num=services.limits()["max_sources"], absolute_max=100,
                                          validate_max=False)
    return formset_class(data=data, initial=initial or None, prefix="sources",
                         form_kwargs={"record_type": record_type, "with_claims": with_claims})


def source_initial(offered):
    """A stored source offer (engine shape) as a form row."""
    return {name: offered.get(name, "") for name in (*SourceOfferForm.TEXT, "kind", "claims")}


# --- what every submission says besides ------------------------------------------------------

class SubmissionMetaForm(forms.Form):
    rationale = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4}),
                                label="Why (rationale)",
                                help_text="Required: why you propose this, for the moderator.")
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), required=False,
                                          label="Acting for", empty_label="Myself only")
    credited_publicly = forms.BooleanField(required=False, label="Credit my organisation publicly",
                                           help_text="Public history names your organisation (when it is "
                                                     "verified); otherwise it says “registry staff”.")
    base_history_id = forms.IntegerField(required=False, min_value=1, max_value=2 ** 63 - 1, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.filter(
            memberships__in=Membership.objects.active().filter(user=user)).order_by("name")
        self.fields["organization"].queryset = organizations
        if not self.is_bound and "organization" not in self.initial:
            first = organizations.first()
            if first is not None:
                self.initial["organization"] = first.pk
                self.initial.setdefault("credited_publicly", services.default_credit(user, first))


def attach_errors(errors, *, record_form, formset, source_rows, meta_form):
    """Put every engine error at its field; what has no field goes to the page's list, named.
    Returns that list."""
    unmapped = []
    for where, messages in errors.items():
        placed = False
        if where.startswith("payload."):
            name = where[len("payload."):].split(".")[0].split("[")[0]
            if name in record_form.fields:
                for message in messages:
                    detail = where[len("payload.") + len(name):].lstrip(".")
                    record_form.add_error(name, f"{detail}: {message}" if detail else message)
                placed = True
        elif where.startswith("sources["):
            index, _, rest = where[len("sources["):].partition("]")
            name = rest.lstrip(".").split(".")[0].split("[")[0]
            if index.isdigit() and int(index) < len(source_rows):
                form = formset.forms[source_rows[int(index)]]
                for message in messages:
                    form.add_error(name if name in form.fields else None, message)
                placed = True
        elif where == "sources":
            formset._non_form_errors = formset.error_class([*formset.non_form_errors(), *messages])
            placed = True
        elif where in ("rationale", "organization"):
            for message in messages:
                meta_form.add_error(where, message)
            placed = True
        if not placed:
            unmapped.extend(f"{where}: {message}" for message in messages)
    return unmapped
