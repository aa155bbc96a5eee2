"""The editors' admin: every page renders for staff, every save goes through the write path with a
reason, publishing needs a citation, nothing is deleted (records are retracted with a reason)."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.forms import MultiWidget
from django.urls import reverse

from contracts.models import Agreement, AgreementParty, PublicTerm
from disclosures.models import EventLink
from registry.admin_base import RecordAdmin
from registry.models import ChangeLog, Citation, Membership, Organization
from registry.services import apply_change
from tests.builders import (
    in_one_change,
    make_agency,
    make_agreement,
    make_citation,
    make_designation,
    make_event,
    make_marker,
    make_party,
    make_source,
    make_submission,
    make_term,
    make_testing_disclosure,
    make_vendor,
)

pytestmark = pytest.mark.django_db

REGISTRY_APPS = ("registry", "contracts", "disclosures")
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in REGISTRY_APPS),
    key=lambda model: model._meta.label,
)
RECORD_MODELS = [model for model in REGISTERED if isinstance(admin.site._registry[model], RecordAdmin)]
# Organisations and memberships are accounts, not public records: people leave organisations.
NEVER_DELETED = [model for model in REGISTERED if model not in (Organization, Membership)]


# --- helpers ---------------------------------------------------------------------------------

def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def field_data(bound):
    """What a browser posts for one form field, starting from what the page shows."""
    value = bound.value()
    widget = getattr(bound.field.widget, "widget", bound.field.widget)  # unwrap RelatedFieldWidgetWrapper
    if isinstance(widget, MultiWidget):  # the admin's split date/time
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        return {f"{bound.html_name}{suffix}": part if part is not None else ""
                for suffix, part in zip(widget.widgets_names, parts, strict=True)}
    if value is None:
        return {}
    if isinstance(value, list | tuple):
        return {bound.html_name: [str(v) for v in value]}
    return {bound.html_name: value}


def form_fields(form):
    data = {}
    for bound in form:
        data.update(field_data(bound))
        if bound.field.show_hidden_initial:  # a field with a callable default also renders its initial value
            data[bound.html_initial_name] = bound.field.prepare_value(bound.initial)
    return data


def admin_form_data(response, **changes):
    """The POST a browser sends for an admin add/change page as shown, with `changes` applied:
    the main form, every inline's management form and every inline form."""
    data = form_fields(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(form_fields(formset.management_form))
        for form in formset.forms:
            data.update(form_fields(form))
    data.update(changes)
    return data


def inline_prefix(response, model):
    [prefix] = [i.formset.prefix for i in response.context["inline_admin_formsets"] if i.formset.model is model]
    return prefix


def published_at(value="2026-02-01", time="09:00:00"):
    return {"published_at_0": value, "published_at_1": time}


def changes_for(record, after):
    return list(ChangeLog.objects.filter(record_type=record.record_type, slug=record.slug, id__gt=after).order_by("id"))


def last_change_id():
    return ChangeLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def editor(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
@in_one_change
def one_of_everything(alice):
    """At least one row of every registered model, so every list filter has choices."""
    vendor, agency = make_vendor(aliases=["Frontier Public Sector LLC"]), make_agency(acronym="CDAO")
    agreement = make_agreement(vendors=[vendor], participating=[make_agency()])
    term = make_term(agreement=agreement)
    make_marker(agreement=agreement)
    designation = make_designation(vendor=vendor, issuing_agency=agency, affected=[agreement])
    make_testing_disclosure(agency=agency, vendors=[vendor], agreements=[agreement])
    make_event(links=[(EventLink.Role.SUBJECT, "term", term), (EventLink.Role.ACTOR, "designation", designation)])
    make_agreement(published=False)
    make_agreement(retracted=True)
    make_submission(by=alice)
    return agreement


# --- every page renders ------------------------------------------------------------------------

@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_changelist_renders_with_search_and_each_filter(editor, one_of_everything, model):
    changelist = url(model, "changelist")

    response = editor.get(changelist)
    assert response.status_code == 200
    assert editor.get(changelist, {"q": "agreement"}).status_code == 200

    cl = response.context["cl"]
    applied = 0
    for spec in cl.filter_specs:
        for choice in spec.choices(cl):
            filtered = editor.get(changelist + choice["query_string"])
            assert filtered.status_code == 200, (spec.title, choice["query_string"])
            applied += 1
    assert applied >= len(cl.filter_specs)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_add_page_renders_or_is_refused_when_adding_is_not_allowed(editor, rf, staff, model):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = staff

    response = editor.get(url(model, "add"))

    assert response.status_code == (200 if model_admin.has_add_permission(request) else 403)


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda model: model._meta.label)
def test_every_record_form_asks_for_a_reason(editor, model):
    page = editor.get(url(model, "add")).content.decode()

    assert "Reason for this change" in page
    assert 'name="change_reason"' in page


def test_the_search_finds_an_agreement_by_its_vendors_name(editor):
    vendor = make_vendor(name="Searchable Labs")
    found, other = make_agreement(vendors=[vendor]), make_agreement()

    response = editor.get(url(Agreement, "changelist"), {"q": "Searchable"})

    assert list(response.context["cl"].result_list) == [found]
    assert other not in response.context["cl"].result_list


def test_the_visibility_filter_separates_public_draft_and_retracted(editor):
    public, draft, retracted = make_agreement(), make_agreement(published=False), make_agreement(retracted=True)

    def listed(visibility):
        response = editor.get(url(Agreement, "changelist"), {"visibility": visibility})
        return set(response.context["cl"].result_list)

    assert listed("public") == {public}
    assert listed("draft") == {draft}
    assert listed("retracted") == {retracted}


def test_the_history_view_shows_who_changed_what_and_why(editor, staff):
    agreement = make_agreement(title="Pilot")
    page = editor.get(url(Agreement, "change", agreement.pk))
    editor.post(url(Agreement, "change", agreement.pk),
                admin_form_data(page, title="Pilot renamed", change_reason="title corrected per press release"))

    response = editor.get(url(Agreement, "history", agreement.pk))

    assert response.status_code == 200
    assert "title corrected per press release" in response.content.decode()


# --- adding and editing go through the write path ------------------------------------------------

def test_adding_an_agreement_with_a_party_and_a_citation_writes_history_and_one_change(editor, staff):
    agency, vendor, source = make_agency(), make_vendor(), make_source()
    before = last_change_id()
    page = editor.get(url(Agreement, "add"))
    parties, citations = inline_prefix(page, AgreementParty), inline_prefix(page, Citation)

    response = editor.post(url(Agreement, "add"), admin_form_data(
        page, slug="new-pilot", title="New pilot", awarding_agency=agency.pk, **published_at(),
        change_reason="announced by the agency today",
        **{f"{parties}-0-vendor": vendor.pk, f"{parties}-0-role": "prime",
           f"{citations}-0-source": source.pk, f"{citations}-0-quote": "awarded a $200 million agreement",
           f"{citations}-0-claims": '["ceiling"]'},
    ))

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    agreement = Agreement.objects.get(slug="new-pilot")
    [history] = agreement.history.all()
    assert (history.history_user, history.history_change_reason) == (staff, "announced by the agency today")
    [change] = ChangeLog.objects.filter(id__gt=before, record_type="agreement", slug="new-pilot")
    assert (change.action, change.reason, change.user) == ("created", "announced by the agency today", staff)
    assert change.history_id == history.history_id
    [party] = agreement.parties.all()
    assert (party.vendor, party.history.count()) == (vendor, 1)
    assert party.history.get().history_change_reason == "announced by the agency today"
    [citation] = agreement.citations.all()
    assert (citation.source, citation.history.count()) == (source, 1)
    assert Agreement.objects.public().filter(pk=agreement.pk).exists()


def test_editing_an_agreement_writes_one_history_row_and_one_updated_change(editor, staff):
    agreement = make_agreement(status=Agreement.Status.ACTIVE)
    history_before, before = agreement.history.count(), last_change_id()
    page = editor.get(url(Agreement, "change", agreement.pk))

    response = editor.post(url(Agreement, "change", agreement.pk),
                           admin_form_data(page, status="terminated", change_reason="termination notice published"))

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "terminated"
    assert agreement.history.count() == history_before + 1
    latest = agreement.history.first()
    assert (latest.history_user, latest.history_change_reason) == (staff, "termination notice published")
    [change] = ChangeLog.objects.filter(id__gt=before)
    assert (change.slug, change.action, change.reason, change.user) == (
        agreement.slug, "updated", "termination notice published", staff)


def test_an_edit_without_a_reason_is_refused_and_stores_nothing(editor):
    agreement = make_agreement(title="Original title")
    history_before, before = agreement.history.count(), last_change_id()
    page = editor.get(url(Agreement, "change", agreement.pk))

    response = editor.post(url(Agreement, "change", agreement.pk),
                           admin_form_data(page, title="Changed title", change_reason=""))

    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    agreement.refresh_from_db()
    assert agreement.title == "Original title"
    assert agreement.history.count() == history_before
    assert last_change_id() == before


def test_publishing_without_a_citation_is_refused_and_stores_nothing(editor):
    draft = make_agreement(published=False)
    history_before, before = draft.history.count(), last_change_id()
    page = editor.get(url(Agreement, "change", draft.pk))

    response = editor.post(url(Agreement, "change", draft.pk),
                           admin_form_data(page, **published_at(), change_reason="ready to publish"))

    assert response.status_code == 200
    assert "at least one citation" in response.content.decode()
    draft.refresh_from_db()
    assert draft.published_at is None
    assert draft.history.count() == history_before
    assert last_change_id() == before


def test_publishing_with_a_citation_added_inline_is_accepted(editor):
    draft, source = make_agreement(published=False), make_source()
    page = editor.get(url(Agreement, "change", draft.pk))
    citations = inline_prefix(page, Citation)

    response = editor.post(url(Agreement, "change", draft.pk), admin_form_data(
        page, **published_at(), change_reason="ready to publish",
        **{f"{citations}-0-source": source.pk, f"{citations}-0-quote": "the department announced"},
    ))

    assert response.status_code == 302
    assert Agreement.objects.public().filter(pk=draft.pk).exists()


def test_editing_a_citation_inline_logs_its_agreement_as_updated(editor, staff):
    agreement = make_agreement()
    citation = agreement.citations.get()
    before = last_change_id()
    page = editor.get(url(Agreement, "change", agreement.pk))
    citations = inline_prefix(page, Citation)

    response = editor.post(url(Agreement, "change", agreement.pk), admin_form_data(
        page, change_reason="quote corrected", **{f"{citations}-0-quote": "the corrected exact words"}))

    assert response.status_code == 302
    citation.refresh_from_db()
    assert citation.quote == "the corrected exact words"
    assert citation.history.first().history_change_reason == "quote corrected"
    [change] = changes_for(agreement, before)
    assert (change.action, change.reason, change.user) == ("updated", "quote corrected", staff)


def test_editing_a_citation_in_its_own_admin_logs_its_agreement_as_updated(editor, staff):
    agreement = make_agreement()
    citation = agreement.citations.get()
    before, history_before = last_change_id(), citation.history.count()
    page = editor.get(url(Citation, "change", citation.pk))

    response = editor.post(url(Citation, "change", citation.pk),
                           admin_form_data(page, quote="the corrected exact words", change_reason="quote corrected"))

    assert response.status_code == 302
    assert citation.history.count() == history_before + 1
    [change] = changes_for(agreement, before)
    assert (change.action, change.reason, change.user) == ("updated", "quote corrected", staff)


def test_editing_a_party_in_its_own_admin_logs_its_agreement_as_updated(editor):
    agreement = make_agreement()
    party = make_party(agreement)
    before = last_change_id()
    page = editor.get(url(AgreementParty, "change", party.pk))

    response = editor.post(url(AgreementParty, "change", party.pk),
                           admin_form_data(page, role="partner", change_reason="role clarified"))

    assert response.status_code == 302
    [change] = changes_for(agreement, before)
    assert (change.action, change.reason) == ("updated", "role clarified")


def test_moving_a_citation_to_another_record_logs_both_records(editor):
    first, second = make_agreement(), make_agreement()
    moved = make_citation(first)  # first keeps its other citation
    before = last_change_id()
    page = editor.get(url(Citation, "change", moved.pk))

    response = editor.post(url(Citation, "change", moved.pk),
                           admin_form_data(page, target_id=second.pk, change_reason="cited the wrong agreement"))

    assert response.status_code == 302
    assert [c.action for c in changes_for(first, before)] == ["updated"]
    assert [c.action for c in changes_for(second, before)] == ["updated"]


def test_moving_the_only_citation_away_from_a_published_record_is_refused(editor):
    first, second = make_agreement(), make_agreement()
    only = first.citations.get()
    before = last_change_id()
    page = editor.get(url(Citation, "change", only.pk))

    response = editor.post(url(Citation, "change", only.pk),
                           admin_form_data(page, target_id=second.pk, change_reason="cited the wrong agreement"))

    assert response.status_code == 200
    assert "has no citation" in str(response.context["adminform"].form.non_field_errors())
    only.refresh_from_db()
    assert only.target == first
    assert last_change_id() == before


def test_a_refusal_by_the_write_path_is_shown_on_the_form_and_stores_nothing(editor):
    # A published term that somehow has no citation (written before the rule) is edited inline:
    # the forms are valid, the write path refuses, the editor sees why and nothing is stored.
    agreement = make_agreement(title="Original title")
    PublicTerm.objects.create(slug="legacy-term", agreement=agreement, title="Legacy", category="other",
                              effect="silent", text="Old wording.", published_at=agreement.published_at)
    history_before, before = agreement.history.count(), last_change_id()
    page = editor.get(url(Agreement, "change", agreement.pk))
    terms = inline_prefix(page, PublicTerm)

    response = editor.post(url(Agreement, "change", agreement.pk), admin_form_data(
        page, title="Changed title", change_reason="wording", **{f"{terms}-0-text": "New wording."}))

    assert response.status_code == 200
    assert "legacy-term" in str(response.context["adminform"].form.non_field_errors())
    assert 'value="Changed title"' in response.content.decode()  # the editor's input is kept
    agreement.refresh_from_db()
    assert agreement.title == "Original title"
    assert PublicTerm.objects.get(slug="legacy-term").text == "Old wording."
    assert (agreement.history.count(), last_change_id()) == (history_before, before)


def test_an_admin_save_leaves_no_change_set_open(editor, staff):
    agreement = make_agreement()
    page = editor.get(url(Agreement, "change", agreement.pk))
    editor.post(url(Agreement, "change", agreement.pk), admin_form_data(page, change_reason="admin reason"))

    vendor = apply_change(make_vendor(published=False), user=staff, reason="a later, separate change")

    assert ChangeLog.objects.filter(slug=vendor.slug).last().reason == "a later, separate change"


def test_reverting_from_the_history_page_is_refused(editor):
    agreement = make_agreement(title="First title")
    page = editor.get(url(Agreement, "change", agreement.pk))
    editor.post(url(Agreement, "change", agreement.pk), admin_form_data(page, title="Second title", change_reason="r"))
    first_version = agreement.history.last()
    before = last_change_id()
    revert = url(Agreement, "simple_history", agreement.pk, first_version.history_id)

    page = editor.get(revert)
    response = editor.post(revert, admin_form_data(page, change_reason="back to the first title"))

    assert page.status_code == 200
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.title == "Second title"
    assert last_change_id() == before


def test_a_published_records_slug_cannot_be_changed(editor):
    published = make_agreement(slug="stable-slug")
    page = editor.get(url(Agreement, "change", published.pk))

    response = editor.post(url(Agreement, "change", published.pk),
                           admin_form_data(page, slug="renamed-slug", change_reason="slug edit"))

    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert Agreement.objects.get(pk=published.pk).slug == "stable-slug"


def test_a_drafts_slug_can_be_corrected(editor):
    draft = make_agreement(slug="draft-slg", published=False)
    page = editor.get(url(Agreement, "change", draft.pk))

    response = editor.post(url(Agreement, "change", draft.pk),
                           admin_form_data(page, slug="draft-slug", change_reason="typo in slug"))

    assert response.status_code == 302
    assert Agreement.objects.get(pk=draft.pk).slug == "draft-slug"


def test_a_published_terms_slug_cannot_be_changed_inline(editor):
    term = make_term(slug="stable-term")
    page = editor.get(url(Agreement, "change", term.agreement.pk))
    terms = inline_prefix(page, PublicTerm)

    response = editor.post(url(Agreement, "change", term.agreement.pk),
                           admin_form_data(page, change_reason="slug edit", **{f"{terms}-0-slug": "renamed-term"}))

    assert response.status_code == 200
    assert PublicTerm.objects.get(pk=term.pk).slug == "stable-term"


# --- retraction instead of deletion ------------------------------------------------------------

def retract_post(agreement, **extra):
    return {"action": "retract_selected", ACTION_CHECKBOX_NAME: [agreement.pk], **extra}


def test_the_retract_action_first_asks_for_a_reason(editor):
    agreement = make_agreement()

    response = editor.post(url(Agreement, "changelist"), retract_post(agreement, index=0))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Reason for the retraction" in page
    assert agreement.slug in page
    agreement.refresh_from_db()
    assert agreement.retracted_at is None


def test_the_retract_action_refuses_an_empty_reason(editor):
    agreement = make_agreement()
    before = last_change_id()

    response = editor.post(url(Agreement, "changelist"), retract_post(agreement, apply=1, reason="  "))

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    agreement.refresh_from_db()
    assert agreement.retracted_at is None
    assert last_change_id() == before


def test_the_retract_action_retracts_with_the_reason_and_keeps_the_record(editor, staff):
    agreement = make_agreement()
    before = last_change_id()

    response = editor.post(url(Agreement, "changelist"),
                           retract_post(agreement, apply=1, reason="duplicate of another record"))

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.retracted_at is not None
    assert agreement.retraction_reason == "duplicate of another record"
    [change] = changes_for(agreement, before)
    assert (change.action, change.user) == ("retracted", staff)
    assert "duplicate of another record" in change.reason
    assert editor.get(url(Agreement, "change", agreement.pk)).status_code == 200
    assert not Agreement.objects.public().filter(pk=agreement.pk).exists()


def test_the_retract_action_leaves_already_retracted_records_alone(editor):
    retracted = make_agreement(retracted=True)
    before = last_change_id()

    response = editor.post(url(Agreement, "changelist"), retract_post(retracted, apply=1, reason="again"))

    assert response.status_code == 302
    retracted.refresh_from_db()
    assert retracted.retraction_reason == "retracted in a test"
    assert last_change_id() == before


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda model: model._meta.label)
def test_every_record_list_offers_retract_but_not_delete(editor, model):
    response = editor.get(url(model, "changelist"))

    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "retract_selected" in actions
    assert "delete_selected" not in actions


@pytest.mark.parametrize("model", NEVER_DELETED, ids=lambda model: model._meta.label)
def test_no_changelist_of_kept_records_offers_delete_selected(editor, model):
    response = editor.get(url(model, "changelist"))

    action_form = response.context.get("action_form")
    actions = [name for name, _ in action_form.fields["action"].choices] if action_form else []
    assert "delete_selected" not in actions


def test_the_delete_view_of_a_public_record_is_forbidden(editor):
    agreement, source, vendor = make_agreement(), make_source(), make_vendor()

    for record in (agreement, source, vendor):
        assert editor.get(url(type(record), "delete", record.pk)).status_code == 403
        assert editor.post(url(type(record), "delete", record.pk), {"post": "yes"}).status_code == 403
    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_the_delete_view_of_a_part_is_forbidden(editor):
    agreement = make_agreement()
    party, citation = make_party(agreement), agreement.citations.get()

    for record in (party, citation):
        assert editor.post(url(type(record), "delete", record.pk), {"post": "yes"}).status_code == 403
        assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("model", [m for m in RECORD_MODELS if admin.site._registry[m].inlines],
                         ids=lambda model: model._meta.label)
def test_no_inline_can_delete(editor, model):
    response = editor.get(url(model, "add"))

    formsets = response.context["inline_admin_formsets"]
    assert formsets
    for inline in formsets:
        assert inline.formset.can_delete is False, inline.formset.prefix
    assert "-DELETE" not in response.content.decode()


def test_posting_delete_for_an_inline_party_does_not_delete_it(editor):
    agreement = make_agreement(vendors=[make_vendor()])
    party = agreement.parties.get()
    page = editor.get(url(Agreement, "change", agreement.pk))
    parties = inline_prefix(page, AgreementParty)

    response = editor.post(url(Agreement, "change", agreement.pk), admin_form_data(
        page, change_reason="trying to remove a party", **{f"{parties}-0-DELETE": "on"}))

    assert response.status_code == 302
    assert AgreementParty.objects.filter(pk=party.pk).exists()


# --- who may use it ------------------------------------------------------------------------------

def test_a_non_staff_user_is_sent_to_the_admin_login(client, alice):
    client.force_login(alice)

    for path in ("/admin/", url(Agreement, "changelist"), url(Agreement, "add")):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_the_change_log_is_read_only(editor):
    agreement = make_agreement()
    change = ChangeLog.objects.filter(slug=agreement.slug).first()

    response = editor.get(url(ChangeLog, "change", change.pk))

    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert editor.post(url(ChangeLog, "change", change.pk), {"reason": "edited"}).status_code == 403

