"""The submissions API: POST /api/v1/submissions/ (a token, the engine's checks, idempotency, limits),
GET of the caller's own, privacy (no cache, no cross-origin writes), and approval reaching the public API."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import ApiToken, Submission
from submissions import services
from tests.builders import make_agency, make_agreement, make_submission, make_vendor, offered_source
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions/"
# The token with its user (1); the rate limit window's counter (one upsert); the page with its organisations (1);
# the membership behind public credit, once per organisation (1).
EXPECTED_LIST_QUERIES = 4


@pytest.fixture
def alice_key(alice):
    return ApiToken.objects.issue(alice, name="newsroom sync")[1]


@pytest.fixture
def bob_key(bob):
    return ApiToken.objects.issue(bob, name="bob's tool")[1]


def post(client, key, body, **headers):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client.post(URL, data=data, content_type="application/json", **headers)


def get(client, key, url=URL):
    return client.get(url, HTTP_AUTHORIZATION=f"Token {key}")


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    return body["error"]


def agreement_body(**record):
    agency, vendor = make_agency(), make_vendor()
    return {
        "kind": "create", "type": "agreement",
        "record": {"title": "Model evaluation pilot", "awarding_agency": agency.slug,
                   "parties": [{"vendor": vendor.slug, "role": "prime"}], "status": "announced",
                   "announced": "2026-11", **record},
        "sources": [offered_source(claims=["title", "announced"])],
        "rationale": "Announced in a press release.",
        "organization": "watchdog-a",
    }


# --- creating ------------------------------------------------------------------------------------

def test_it_stores_a_pending_agreement_sent_with_a_token(client, alice, alice_key):
    response = post(client, alice_key, agreement_body())

    assert response.status_code == 201, response.json()
    body = response.json()
    submission = Submission.objects.get()
    assert body["id"] == submission.pk
    assert body["url"] == f"http://testserver/api/v1/submissions/{submission.pk}/" == response["Location"]
    assert body["html_url"] == f"http://testserver/submissions/{submission.pk}/"
    assert (body["kind"], body["type"], body["status"], body["target"]) == ("create", "agreement", "pending", None)
    assert body["record"]["title"] == "Model evaluation pilot" == submission.payload["title"]
    assert body["sources"][0]["quote"] == "the exact words of the story"
    assert body["organization"] == {"slug": "watchdog-a", "name": "Watchdog A"}
    assert (body["credited_publicly"], body["public_credit"]) == (True, "Watchdog A")
    assert (body["published_url"], body["decided_at"], body["reason_code"]) == (None, None, None)
    assert submission.submitted_by == alice and submission.api_token.user == alice
    assert "alice" not in response.content.decode()


def test_it_stores_a_public_term_a_designation_and_a_testing_disclosure(client, alice_key):
    agreement, agency, vendor = make_agreement(), make_agency(), make_vendor()
    bodies = [
        {"kind": "create", "type": "term", "rationale": "In the vendor's statement.",
         "record": {"title": "No domestic surveillance", "agreement": agreement.slug,
                    "category": "domestic_surveillance", "effect": "prohibits", "text": "shall not be used for…",
                    "text_form": "verbatim", "binding": "vendor_statement", "status": "in_force"},
         "sources": [offered_source(claims=["text"])]},
        {"kind": "create", "type": "designation", "rationale": "Announced by the department.",
         "record": {"title": "Supply-chain-risk designation", "vendor": vendor.slug, "issuing_agency": agency.slug,
                    "kind": "supply_chain_risk_3252", "status": "reported", "announced": "2026-02-27"},
         "sources": [offered_source(claims=["announced"])]},
        {"kind": "create", "type": "testing-disclosure", "rationale": "Reported by the press.",
         "record": {"title": "Model testing at the agency", "agency": agency.slug, "vendors": [vendor.slug],
                    "models_tested": "a frontier model", "test_kind": "unknown", "tested_from": "2023", "disclosed": "2026-03-06",
                    "channel": "press_report", "confirmed_by_agency": "no"},
         "sources": [offered_source(claims=["disclosed"])]},
    ]

    for body in bodies:
        response = post(client, alice_key, body)
        assert response.status_code == 201, (body["type"], response.json())
        assert response.json()["status"] == "pending"

    stored = {s.record_type: s.payload for s in Submission.objects.all()}
    assert stored["term"]["category"] == "domestic_surveillance"
    assert stored["designation"]["vendor"] == vendor.slug
    assert stored["testing-disclosure"]["vendors"] == [vendor.slug]


def test_a_correction_names_its_target_and_stores_only_the_change(client, alice_key):
    agreement = make_agreement(title="Old title", status="announced")

    response = post(client, alice_key, {"kind": "correction", "type": "agreement", "target": agreement.slug,
                                        "record": {"title": "Old title", "status": "active"},
                                        "sources": [offered_source(claims=["status"])], "rationale": "Awarded."})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["target"], body["record"]) == (agreement.slug, {"status": "active"})
    assert body["base_history_id"] == agreement.history.latest().history_id


# --- who sees what ------------------------------------------------------------------------------

def test_the_list_holds_only_the_callers_own_newest_first(client, alice, bob, alice_key):
    first = make_submission(by=alice, title="first")
    second = make_submission(by=alice, title="second")
    make_submission(by=bob, title="bob's")

    body = get(client, alice_key).json()

    assert [s["id"] for s in body["results"]] == [second.pk, first.pk]
    assert body["next"] is None


def test_the_list_pages_with_a_cursor(client, alice, alice_key):
    made = [make_submission(by=alice, title=f"n{n}") for n in range(3)]

    first = get(client, alice_key, URL + "?page_size=2").json()
    rest = get(client, alice_key, first["next"]).json()

    assert [s["id"] for s in first["results"] + rest["results"]] == [s.pk for s in reversed(made)]
    assert error_of(get(client, alice_key, URL + "?cursor=nonsense"))["fields"]["cursor"]
    assert error_of(get(client, alice_key, URL + "?colour=red"))["fields"] == {"colour": ["Unknown parameter."]}


def test_bob_gets_a_404_for_alices_submission_and_alice_reads_it(client, alice, alice_key, bob_key):
    submission = make_submission(by=alice)

    assert get(client, alice_key, f"{URL}{submission.pk}/").json()["id"] == submission.pk
    response = get(client, bob_key, f"{URL}{submission.pk}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert get(client, alice_key, f"{URL}99999999999999999999999/").status_code == 404


def test_without_a_token_every_operation_is_a_401_in_the_error_shape(client, alice):
    submission = make_submission(by=alice)
    client.force_login(alice)  # a session is not a token: the API never reads cookies

    for response in (client.get(URL), client.get(f"{URL}{submission.pk}/"), post(client, None, agreement_body())):
        assert response.status_code == 401
        assert error_of(response)["code"] == "not_authenticated"
        assert "Authorization: Token" in error_of(response)["message"]
        assert response["WWW-Authenticate"]
    assert Submission.objects.count() == 1


def test_an_unsupported_method_is_a_405_even_without_a_token(client):
    response = client.delete(URL)

    assert response.status_code == 405
    assert "POST" in response["Allow"]


# --- bad submissions: every field named, nothing stored -------------------------------------------

def assert_refused(response, *fields):
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid_submission"
    for field in fields:
        assert field in error["fields"], (field, error["fields"])
    assert not Submission.objects.exists()
    return error


@pytest.mark.parametrize("change, fields", [
    ({"sources": []}, ["sources"]),
    ({"sources": [offered_source(quote=" ")]}, ["sources[0].quote"]),
    ({"sources": [offered_source(url="ftp://x", published="soon"), offered_source(claims=["nonsense"])]},
     ["sources[0].url", "sources[0].published", "sources[1].claims"]),
    ({"record": {"title": "x", "announced": "2026-13", "status": "bogus", "awarding_agency": "nope"}},
     ["record.announced", "record.status", "record.awarding_agency"]),
    ({"record": {"title": "x" * 30_000}}, ["record.title"]),
    ({"record": {"title": "x", "published_at": "2026-01-01T00:00:00Z", "confidence": "high",
                 "last_verified_on": "2026-01-01"}},
     ["record.published_at", "record.confidence", "record.last_verified_on"]),
    ({"record": ["not", "an", "object"], "sources": "one", "rationale": 5, "credited_publicly": "maybe"},
     ["record", "sources", "credited_publicly"]),
    ({"kind": "merge", "type": "spaceship", "colour": "red"}, ["kind", "type", "colour"]),
    ({"kind": "correction"}, ["target"]),
    ({"kind": "update", "type": "agreement", "target": "no-such-deal"}, ["target"]),
    ({"rationale": " ", "organization": "no-such-org"}, ["rationale", "organization"]),
])
def test_every_bad_field_is_named_and_nothing_is_stored(client, alice_key, change, fields):
    assert_refused(post(client, alice_key, {**agreement_body(), **change}), *fields)


def test_bad_envelope_fields_and_bad_record_fields_are_named_together(client, alice_key):
    body = {**agreement_body(), "organization": "no-such-org", "sources": [offered_source(url="ftp://x")]}
    body["record"]["status"] = "bogus"

    assert_refused(post(client, alice_key, body), "organization", "sources[0].url", "record.status")


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe", b"", b"null", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_a_400(client, alice_key, raw):
    response = post(client, alice_key, raw)

    assert response.status_code == 400
    assert "body" in error_of(response)["fields"]
    assert not Submission.objects.exists()


def test_a_body_over_the_byte_cap_is_a_413_before_it_is_read(client, alice_key, settings):
    settings.SUBMISSION_MAX_PAYLOAD_BYTES = 2_000
    body = agreement_body(summary="words " * 400)

    response = post(client, alice_key, body)

    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"
    assert not Submission.objects.exists()


def test_the_daily_quota_is_a_429_with_a_clear_message(client, alice, alice_key, settings):
    settings.SUBMISSION_DAILY_QUOTA = 1
    assert post(client, alice_key, agreement_body()).status_code == 201

    response = post(client, alice_key, agreement_body(title="Another"))

    assert response.status_code == 429
    error = error_of(response)
    assert error["code"] == "quota_exceeded"
    assert "24 hours" in error["message"]
    assert Submission.objects.count() == 1


# --- idempotency ---------------------------------------------------------------------------------

def test_a_retry_with_the_same_key_and_body_returns_the_first_submission(client, alice_key):
    body = json.dumps(agreement_body())

    first = post(client, alice_key, body, HTTP_IDEMPOTENCY_KEY="7f0c-retry")
    again = post(client, alice_key, body, HTTP_IDEMPOTENCY_KEY="7f0c-retry")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    submission = Submission.objects.get()
    assert (submission.idempotency_key, len(submission.body_sha256)) == ("7f0c-retry", 64)


def test_the_same_key_with_another_body_is_a_422(client, alice_key):
    body = agreement_body()
    post(client, alice_key, body, HTTP_IDEMPOTENCY_KEY="key-1")

    response = post(client, alice_key, {**body, "rationale": "Something else."}, HTTP_IDEMPOTENCY_KEY="key-1")

    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert Submission.objects.count() == 1


def test_a_key_is_scoped_to_its_token(client, alice, alice_key):
    other_key = ApiToken.objects.issue(alice, name="second tool")[1]
    body = json.dumps(agreement_body())

    post(client, alice_key, body, HTTP_IDEMPOTENCY_KEY="shared")
    response = post(client, other_key, body, HTTP_IDEMPOTENCY_KEY="shared")

    assert response.status_code == 201
    assert Submission.objects.count() == 2


def test_a_key_expires_after_24_hours(client, alice_key):
    body = json.dumps(agreement_body())
    post(client, alice_key, body, HTTP_IDEMPOTENCY_KEY="old")
    Submission.objects.update(submitted_at=Submission.objects.get().submitted_at - services.datetime.timedelta(
        hours=25))

    assert post(client, alice_key, body, HTTP_IDEMPOTENCY_KEY="old").status_code == 201
    assert Submission.objects.count() == 2


def test_an_unusable_idempotency_key_is_a_400(client, alice_key):
    response = post(client, alice_key, agreement_body(), HTTP_IDEMPOTENCY_KEY="x" * 201)

    assert response.status_code == 400
    assert "Idempotency-Key" in error_of(response)["fields"]


# --- privacy -------------------------------------------------------------------------------------

def test_answers_are_private_and_never_cached(client, alice, alice_key):
    submission = make_submission(by=alice)

    for response in (post(client, alice_key, agreement_body()), get(client, alice_key),
                     get(client, alice_key, f"{URL}{submission.pk}/"), client.get(URL)):
        assert response["Cache-Control"] == "private, no-store"
        assert "Authorization" in response["Vary"]
        assert not response.has_header("ETag")
    assert get(client, alice_key)["RateLimit-Limit"]


def test_another_origin_may_not_post(client):
    preflight = client.options(URL, HTTP_ORIGIN="https://elsewhere.example",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                               HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type")

    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "content-type" not in preflight["Access-Control-Allow-Headers"].lower()
    assert not preflight.has_header("Access-Control-Allow-Credentials")


# --- approval reaches the public API ---------------------------------------------------------------

def test_an_approved_api_submission_is_in_the_public_api_and_the_change_feed(client, alice_key, mod):
    created = post(client, alice_key, agreement_body()).json()
    submission = Submission.objects.get(pk=created["id"])

    services.approve(submission, moderator=mod, message="Checked against the release.")

    slug = Submission.objects.get().published_slug
    record = client.get(f"/api/v1/agreements/{slug}/")
    assert record.status_code == 200
    assert record.json()["title"] == "Model evaluation pilot"
    changes = client.get("/api/v1/changes/").json()["results"]
    assert {"type": "agreement", "slug": slug, "action": "created"}.items() <= changes[-1].items()
    mine = get(client, alice_key, created["url"]).json()
    assert (mine["status"], mine["published_url"]) == ("approved", f"http://testserver/api/v1/agreements/{slug}/")
    assert mine["decision_reason"] == "Checked against the release."


def test_the_api_guide_explains_submitting_with_the_limits(client, settings):
    settings.SUBMISSION_DAILY_QUOTA = 7

    page = client.get("/about/api/").content.decode()

    assert 'id="submitting"' in page
    assert "curl -X POST &#x27;http://testserver/api/v1/submissions/&#x27;" in page or \
        "curl -X POST 'http://testserver/api/v1/submissions/'" in page
    assert "Idempotency-Key" in page and "7 submissions per 24 hours" in page


@two_world_sizes
def test_the_list_runs_the_same_queries_for_any_number_of_submissions(client, alice, org_a, alice_key, mod, rows):
    for n in range(rows):
        make_submission(by=alice, organization=org_a, credited_publicly=bool(n % 2), title=f"n{n}",
                        status="approved" if n % 3 == 0 else "pending", published_slug=f"deal-{n}",
                        decision_reason="ok" if n % 3 == 0 else "", reviewer=mod if n % 3 == 0 else None)
    get(client, alice_key)  # warms the token's rate limit window

    with CaptureQueriesContext(connection) as context:
        response = get(client, alice_key)

    assert len(response.json()["results"]) == rows
    queries = [query["sql"] for query in context.captured_queries]
    assert len(queries) == EXPECTED_LIST_QUERIES, "\n".join(queries)
