"""The submitter's forms (/submit/…): a form, a preview, then send; every engine error at its field;
nothing stored on error."""

import pytest
from django.test import Client

from registry.models import Submission
from submissions import services
from tests.builders import (
    make_agency,
    make_agreement,
    make_citation,
    make_designation,
    make_event,
    make_marker,
    make_source,
    make_term,
    make_testing_disclosure,
    make_vendor,
)

pytestmark = pytest.mark.django_db


def source_row(n=0, **fields):
    row = {"url": "https://news.example.org/a-story", "title": "A story", "publisher": "Example News",
           "published": "2026-11-02", "kind": "news_report", "quote": "the exact words of the story",
           "locator": "para 3", "claims": ["title"], **fields}
    return {f"sources-{n}-{key}": value for key, value in row.items()}


def post_data(fields, *sources, step="preview", **extra):
    sources = sources or (source_row(),)
    data = {"sources-TOTAL_FORMS": "3", "sources-INITIAL_FORMS": "0", "sources-MIN_NUM_FORMS": "0",
            "sources-MAX_NUM_FORMS": "10", "rationale": "Announced in a press release.", "step": step, **fields}
    for row in sources:
        data.update(row)
    data.update(extra)
    return data


def send(client, url, data):
    """Preview, then send what the preview carries (as a browser would)."""
    preview = client.post(url, data)
    assert preview.status_code == 200, preview.content.decode()[:3000]
    assert b'name="previewed"' in preview.content
    return preview, client.post(url, {**data, "step": "send", "previewed": "1"})


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def test_it_sends_a_new_agreement_by_form_as_a_pending_submission(alice_client, alice, org_a):
    make_agency(slug="cdao"), make_vendor(slug="anthropic")
    data = post_data({"title": "Frontier AI pilot", "summary": "A pilot.", "awarding_agency": "cdao",
                      "parties": "anthropic prime", "status": "announced", "announced": "2026-07",
                      "ceiling": "200000000", "piid": "HQ0034-26-9-0001", "organization": str(org_a.pk),
                      "credited_publicly": "on"},
                     source_row(claims=["title", "ceiling"]))

    preview, sent = send(alice_client, "/submit/agreements/", data)

    assert b"Frontier AI pilot" in preview.content and b"Send" in preview.content
    submission = Submission.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/submissions/{submission.pk}/"
    assert submission.status == "pending" and submission.kind == "create" and submission.record_type == "agreement"
    assert submission.payload == {"title": "Frontier AI pilot", "summary": "A pilot.", "awarding_agency": "cdao",
                                  "parties": [{"vendor": "anthropic", "role": "prime"}], "status": "announced",
                                  "announced": "2026-07", "ceiling": {"amount": "200000000.00", "currency": "USD"},
                                  "piid": "HQ0034-26-9-0001"}
    assert submission.sources == [{"url": "https://news.example.org/a-story", "title": "A story",
                                   "publisher": "Example News", "published": "2026-11-02", "kind": "news_report",
                                   "quote": "the exact words of the story", "locator": "para 3",
                                   "claims": ["title", "ceiling"]}]
    assert submission.organization == org_a and submission.credited_publicly
    assert submission.rationale == "Announced in a press release."


def test_it_sends_a_public_term_by_form(alice_client):
    agreement = make_agreement()
    data = post_data({"title": "No domestic surveillance", "agreement": agreement.slug,
                      "category": "domestic_surveillance", "effect": "prohibits", "text": "Shall not surveil.",
                      "text_form": "paraphrase", "status": "in_force"}, source_row(claims=["text"]))

    send(alice_client, "/submit/terms/", data)

    submission = Submission.objects.get()
    assert (submission.record_type, submission.status) == ("term", "pending")
    assert submission.payload["agreement"] == agreement.slug and submission.payload["text"] == "Shall not surveil."


def test_it_sends_a_designation_by_form(alice_client):
    vendor, agency, agreement = make_vendor(), make_agency(), make_agreement()
    data = post_data({"title": "Supply-chain risk designation", "vendor": vendor.slug,
                      "issuing_agency": agency.slug, "kind": "supply_chain_risk_3252", "status": "in_effect",
                      "effective": "2026-03-01", "affected_agreements": f"{agreement.slug} the pilot"},
                     source_row(claims=["status"]))

    send(alice_client, "/submit/designations/", data)

    payload = Submission.objects.get(record_type="designation").payload
    assert payload["vendor"] == vendor.slug and payload["effective"] == "2026-03-01"
    assert payload["affected_agreements"] == [{"agreement": agreement.slug, "note": "the pilot"}]


def test_it_sends_a_testing_disclosure_by_form(alice_client):
    agency, one, two = make_agency(), make_vendor(), make_vendor()
    data = post_data({"title": "Red-teaming of frontier models", "agency": agency.slug,
                      "vendors": f"{one.slug}, {two.slug}", "models_tested": "Claude", "test_kind": "red_team",
                      "tested_from": "2025"}, source_row(claims=["models_tested"]))

    send(alice_client, "/submit/testing-disclosures/", data)

    payload = Submission.objects.get(record_type="testing-disclosure").payload
    assert payload["vendors"] == [one.slug, two.slug] and payload["tested_from"] == "2025"


@pytest.mark.parametrize("path", ["agreements", "terms", "addendum-markers", "designations",
                                  "testing-disclosures", "events", "vendors", "agencies", "sources"])
def test_it_shows_a_form_for_every_public_type(alice_client, path):
    response = alice_client.get(f"/submit/{path}/")

    assert response.status_code == 200
    assert b'name="sources-0-url"' in response.content and b'name="rationale"' in response.content


def test_it_sends_a_vendor_by_the_generic_form(alice_client):
    data = post_data({"name": "New Lab", "kind": "frontier_lab", "aliases": "NL\nNew Lab Inc."},
                     source_row(claims=["name"]))

    send(alice_client, "/submit/vendors/", data)

    assert Submission.objects.get().payload == {"name": "New Lab", "kind": "frontier_lab",
                                                "aliases": ["NL", "New Lab Inc."]}


def test_send_without_a_preview_leads_to_the_preview(alice_client):
    agency = make_agency()
    data = post_data({"title": "A pilot", "awarding_agency": agency.slug}, step="send")

    response = alice_client.post("/submit/agreements/", data)

    assert response.status_code == 200 and b'name="previewed"' in response.content
    assert not Submission.objects.exists()


def test_add_another_source_shows_one_more_row_and_stores_nothing(alice_client):
    response = alice_client.post("/submit/agreements/", post_data({"title": "A pilot"}, step="add_source"))

    assert b'name="sources-3-url"' in response.content and b'value="A pilot"' in response.content
    assert not Submission.objects.exists()


# --- errors at their fields ------------------------------------------------------------------

def errors_of(response, field_id):
    """The error list rendered under one field (by its id), as text."""
    html = response.content.decode()
    marker = f'id="{field_id}_errors"'
    assert marker in html, f"no errors at {field_id}"
    start = html.index(marker)
    return html[start:html.index("</ul>", start)]


@pytest.mark.parametrize("fields, source, field_id, words", [
    ({"title": "A pilot"}, {"sources-0-url": ""}, "id_sources-0-url", "blank"),
    ({"title": "A pilot"}, {"sources-0-quote": "  "}, "id_sources-0-quote", "exact words"),
    ({"title": "A pilot", "announced": "2026-13"}, {}, "id_announced", ""),
    ({"title": "A pilot", "awarding_agency": "no-such-agency"}, {}, "id_awarding_agency", "no-such-agency"),
    ({"title": "A pilot", "summary": "x" * 20001}, {}, "id_summary", "20,000"),
    ({"title": "A pilot", "status": "bogus"}, {}, "id_status", ""),
    ({"title": "A pilot"}, {"sources-0-claims": ["ceiling", "not-a-claim"]}, "id_sources-0-claims", ""),
    ({"title": ""}, {}, "id_title", ""),
])
def test_each_error_is_shown_at_its_field_and_nothing_is_stored(alice_client, fields, source, field_id, words):
    response = alice_client.post("/submit/agreements/", post_data(fields, {**source_row(), **source}))

    assert response.status_code == 400
    assert words in errors_of(response, field_id)
    assert not Submission.objects.exists()


def test_no_source_is_an_error_of_the_sources(alice_client):
    data = post_data({"title": "A pilot"})
    data = {key: value for key, value in data.items() if not key.startswith("sources-0-")}

    response = alice_client.post("/submit/agreements/", data)

    assert response.status_code == 400 and "at least one source" in errors_of(response, "sources")
    assert not Submission.objects.exists()


def test_a_missing_rationale_is_an_error_of_the_rationale(alice_client):
    response = alice_client.post("/submit/agreements/", post_data({"title": "A pilot"}, rationale=" "))

    assert "Say why" in errors_of(response, "id_rationale")


def test_the_quota_is_refused_with_a_clear_message_and_nothing_stored(alice_client, alice, settings):
    settings.SUBMISSION_DAILY_QUOTA = 0

    response = alice_client.post("/submit/agreements/", post_data({"title": "A pilot"}))

    assert response.status_code == 429 and b"Limit reached" in response.content
    assert not Submission.objects.exists()


# --- corrections, updates, retractions ---------------------------------------------------------

def test_a_correction_starts_from_the_record_and_stores_only_the_changed_fields(alice_client):
    agreement = make_agreement(title="Old title", status="announced", summary="Same summary")
    base = services.latest_history_id(agreement)
    url = f"/submit/agreements/{agreement.slug}/correction/"

    form = alice_client.get(url)
    assert b'value="Old title"' in form.content and f'value="{base}"'.encode() in form.content
    assert b"the record was wrong" in form.content
    fields = {name: ("on" if value is True else value)
              for name, value in form.context["record_form"].initial.items() if value is not False}
    data = post_data({**fields, "title": "New title", "base_history_id": str(base)}, source_row(claims=["title"]))

    preview, sent = send(alice_client, url, data)

    diff = preview.context["diff"]
    assert [(c.field, c.before, c.after) for c in diff] == [("title", "Old title", "New title")]
    assert b"<del>Old title</del>" in preview.content and b"<ins>New title</ins>" in preview.content
    submission = Submission.objects.get()
    assert submission.kind == "correction" and submission.target_slug == agreement.slug
    assert submission.payload == {"title": "New title"}
    assert submission.base_history_id == base


def test_the_base_history_id_is_the_one_read_when_the_form_was_shown(alice_client):
    agreement = make_agreement(title="Old title")
    base = services.latest_history_id(agreement)
    data = post_data({"title": "New title", "base_history_id": str(base)}, source_row(claims=["title"]))
    agreement.summary = "changed meanwhile"
    from registry.services import apply_change
    apply_change(agreement, user=None, reason="meanwhile")
    assert services.latest_history_id(agreement) != base

    send(alice_client, f"/submit/agreements/{agreement.slug}/update/", data)

    assert Submission.objects.get().base_history_id == base


def test_an_update_says_the_world_changed(alice_client):
    agreement = make_agreement()

    response = alice_client.get(f"/submit/agreements/{agreement.slug}/update/")

    assert b"the world changed" in response.content


def test_a_correction_changing_nothing_is_refused(alice_client):
    designation = make_designation(title="Same")
    form = alice_client.get(f"/submit/designations/{designation.slug}/correction/")
    fields = {k: v for k, v in form.context["record_form"].initial.items() if v is not False}

    response = alice_client.post(f"/submit/designations/{designation.slug}/correction/",
                                 post_data(fields, source_row(claims=["title"])))

    assert response.status_code == 400 and b"Change at least one field" in response.content
    assert not Submission.objects.exists()


def test_a_retraction_by_form_needs_only_a_rationale_and_sources(alice_client):
    agreement = make_agreement()
    url = f"/submit/agreements/{agreement.slug}/retraction/"
    assert b"sources-0-claims" not in alice_client.get(url).content
    row = {k: v for k, v in source_row().items() if not k.endswith("claims")}

    send(alice_client, url, post_data({}, row, rationale="Never happened: the release was withdrawn."))

    submission = Submission.objects.get()
    assert (submission.kind, submission.payload, submission.target_slug) == ("retraction", {}, agreement.slug)
    assert submission.sources[0]["quote"] == "the exact words of the story"


def test_an_unknown_record_is_404(alice_client):
    assert alice_client.get("/submit/agreements/no-such-agreement/correction/").status_code == 404
    assert alice_client.get("/submit/no-such-type/").status_code == 404


# --- duplicates on the preview -------------------------------------------------------------------

def test_the_preview_shows_likely_duplicates_with_links_and_still_lets_send(alice_client):
    existing = make_agreement(title="Existing pilot", piid="HQ-1")
    data = post_data({"title": "Another pilot", "piid": "HQ-1"})

    preview, sent = send(alice_client, "/submit/agreements/", data)

    assert f'href="/agreements/{existing.slug}/"'.encode() in preview.content
    assert b"the same PIID" in preview.content
    assert sent.status_code == 302 and Submission.objects.count() == 1


# --- access -------------------------------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/submit/agreements/")

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/submit/agreements/"


def test_the_form_needs_its_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    make_agency()

    assert client.post("/submit/agreements/", post_data({"title": "A pilot"})).status_code == 403
    form = client.get("/submit/agreements/")
    token = form.context["csrf_token"]
    assert b'name="csrfmiddlewaretoken"' in form.content
    assert client.post("/submit/agreements/", {**post_data({"title": "A pilot"}),
                                                "csrfmiddlewaretoken": str(token)}).status_code == 200


def test_a_bob_cannot_act_for_alices_organisation(client, bob, org_a):
    client.force_login(bob)

    response = client.post("/submit/agreements/", post_data({"title": "A pilot"}, organization=str(org_a.pk)))

    assert response.status_code == 400 and "id_organization_errors" in response.content.decode()
    assert not Submission.objects.exists()


def test_the_preview_shows_a_duplicate_by_vendor_agency_and_title_and_by_source_url(alice_client):
    agency, vendor = make_agency(), make_vendor()
    similar = make_agreement(title="Frontier AI pilot with CDAO", awarding_agency=agency, vendors=[vendor])
    cited = make_agreement(title="Something else")
    make_citation(cited, source=make_source(url="https://news.example.org/a-story"))
    data = post_data({"title": "The frontier AI pilot with CDAO", "awarding_agency": agency.slug,
                      "parties": vendor.slug})

    preview = alice_client.post("/submit/agreements/", data)

    assert f'href="/agreements/{similar.slug}/"'.encode() in preview.content
    assert f'href="/agreements/{cited.slug}/"'.encode() in preview.content
    assert b"similar title" in preview.content and b"same address" in preview.content


@pytest.mark.parametrize("path, build", [
    ("agreements", lambda: make_agreement(vendors=[make_vendor()], ceiling_amount="200000000.00", summary="S.\nT.")),
    ("terms", make_term),
    ("addendum-markers", make_marker),
    ("designations", lambda: make_designation(affected=[make_agreement()])),
    ("testing-disclosures", lambda: make_testing_disclosure(vendors=[make_vendor()])),
    ("events", make_event),
    ("vendors", lambda: make_vendor(aliases=["One", "Two"])),
    ("agencies", make_agency),
    ("sources", make_source),
])
def test_a_correction_form_posted_back_unchanged_proposes_no_change(alice_client, path, build):
    record = build()
    url = f"/submit/{path}/{record.slug}/correction/"
    form = alice_client.get(url)
    assert form.status_code == 200
    fields = {name: ("on" if value is True else value.replace("\n", "\r\n") if isinstance(value, str) else value)
              for name, value in form.context["record_form"].initial.items() if value is not False}
    claims = {} if path == "sources" else {"sources-0-claims": [form.context["formset"].forms[0]
                                                                 .fields["claims"].choices[0][0]]}

    response = alice_client.post(url, post_data(fields, {**source_row(), **claims}))

    assert response.status_code == 400, response.context["unmapped"]
    assert b"Nothing differs" in response.content or b"Change at least" in response.content
    assert not Submission.objects.exists()


def test_edit_on_the_preview_returns_to_the_form_with_what_was_typed(alice_client):
    response = alice_client.post("/submit/agreements/", post_data({"title": "A pilot"}, step="edit", previewed="1"))

    assert response.status_code == 200 and b'value="A pilot"' in response.content
    assert b'value="the exact words of the story"' not in response.content  # a textarea, not an input
    assert b"the exact words of the story</textarea>" in response.content
    assert not Submission.objects.exists()
