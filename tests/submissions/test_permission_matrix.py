"""Who may do what, route by route: anonymous, alice (org A, credited), bob (org B), carol (org A's
administrator), mod (moderator) and staff, on every account, submission and moderation route and method.

Each case starts from the same world: alice's pending submission, her API token, a request to join
org A, a pending organisation, a failed decision email. Anonymous visitors are sent to log in; a
submission, an organisation page or a moderation page that a person may not see is a 404 (its
existence is not confirmed); the API answers 401 without a token.
"""

import pytest
from django.test import Client

from registry.models import ApiToken, Membership, Organization, Submission
from submissions import services
from submissions.models import OutgoingEmail
from tests.builders import make_agency, make_agreement, make_member, make_organization, make_user, offered_source

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "alice", "bob", "carol", "mod", "staff")
LOGIN = 302  # anonymous visitors are redirected to /account/login/?next=…


@pytest.fixture
def world(alice, bob, mod, staff, org_a):
    carol = make_user("carol")
    make_member(carol, org_a, role=Membership.Role.ADMIN)
    dan = make_user("dan")
    request = make_member(dan, org_a, status=Membership.Status.REQUESTED)
    make_organization("Watchdog C", status=Organization.Status.PENDING)
    agency = make_agency()
    agreement = make_agreement()
    pending = services.submit(user=alice, kind="create", record_type="agency", organization=org_a,
                              payload={"name": "Office of Tests", "kind": "office"},
                              sources=[offered_source(claims=["name"])], rationale="It exists.")
    token, key = ApiToken.objects.issue(alice, name="sync")
    tokens = {"alice": key, "bob": ApiToken.objects.issue(bob, name="b")[1],
              "carol": ApiToken.objects.issue(carol, name="c")[1], "mod": ApiToken.objects.issue(mod, name="m")[1],
              "staff": ApiToken.objects.issue(staff, name="s")[1]}
    email = OutgoingEmail.objects.create(submission=pending, decision="changes_requested", to="alice@example.org",
                                         subject="s", body="b", status=OutgoingEmail.Status.FAILED)
    return {"users": {"alice": alice, "bob": bob, "carol": carol, "mod": mod, "staff": staff},
            "sub": pending, "token": token, "request": request, "agreement": agreement, "agency": agency,
            "email": email, "tokens": tokens}


# (method, path template, data, expected statuses by actor). Templates take the world's ids.
EVERYONE_LOGGED_IN = {"anonymous": LOGIN, "alice": 200, "bob": 200, "carol": 200, "mod": 200, "staff": 200}
MODERATORS_ONLY = {"anonymous": LOGIN, "alice": 404, "bob": 404, "carol": 404, "mod": 200, "staff": 200}
MODERATORS_ACT = {"anonymous": LOGIN, "alice": 404, "bob": 404, "carol": 404, "mod": 302, "staff": 302}
# The accounts pages for moderators answer 403 to people who are logged in but not moderators: unlike a
# submission, the existence of the organisations' pages is no secret.
ORGANISATION_MODERATORS = {"anonymous": LOGIN, "alice": 403, "bob": 403, "carol": 403, "mod": 200, "staff": 200}
ORGANISATION_MODERATORS_ACT = {**ORGANISATION_MODERATORS, "mod": 302, "staff": 302}
SUBMISSION_READERS = {"anonymous": LOGIN, "alice": 200, "bob": 404, "carol": 200, "mod": 200, "staff": 200}

ROUTES = [
    ("get", "/account/", {}, EVERYONE_LOGGED_IN),
    ("post", "/account/tokens/", {"name": "new job"}, EVERYONE_LOGGED_IN),
    ("post", "/account/tokens/{token}/revoke/", {},
     {"anonymous": LOGIN, "alice": 200, "bob": 404, "carol": 404, "mod": 404, "staff": 404}),
    ("get", "/account/organisations/", {}, EVERYONE_LOGGED_IN),
    ("get", "/account/organisations/watchdog-a/", {},
     {"anonymous": LOGIN, "alice": 200, "bob": 404, "carol": 200, "mod": 200, "staff": 200}),
    ("post", "/account/organisations/watchdog-a/requests/{request}/accept/", {},
     {"anonymous": LOGIN, "alice": 403, "bob": 404, "carol": 302, "mod": 302, "staff": 302}),
    ("get", "/account/organisations/pending/", {}, ORGANISATION_MODERATORS),
    ("post", "/account/organisations/watchdog-c/verify/", {}, ORGANISATION_MODERATORS_ACT),
    ("get", "/submit/agreements/", {}, EVERYONE_LOGGED_IN),
    ("get", "/submit/agreements/{agreement}/correction/", {}, EVERYONE_LOGGED_IN),
    ("get", "/submit/agreements/{agreement}/retraction/", {}, EVERYONE_LOGGED_IN),
    ("get", "/submissions/", {}, EVERYONE_LOGGED_IN),
    ("get", "/submissions/{sub}/", {}, SUBMISSION_READERS),
    ("post", "/submissions/{sub}/withdraw/", {"confirm": "yes"},
     {"anonymous": LOGIN, "alice": 302, "bob": 404, "carol": 404, "mod": 404, "staff": 404}),
    ("get", "/moderation/", {}, MODERATORS_ONLY),
    ("get", "/moderation/emails/", {}, MODERATORS_ONLY),
    ("post", "/moderation/emails/{email}/resend/", {}, MODERATORS_ACT),
    ("get", "/moderation/{sub}/", {}, MODERATORS_ONLY),
    ("post", "/moderation/{sub}/approve/",
     {"approve-message": "Checked.", "approve-slug": "office-of-tests", "approve-confidence": "medium"},
     MODERATORS_ACT),
    ("post", "/moderation/{sub}/changes/", {"changes-message": "Add a date."}, MODERATORS_ACT),
    ("post", "/moderation/{sub}/reject/", {"reject-reason_code": "unsupported", "reject-message": "No."},
     MODERATORS_ACT),
]

API_ROUTES = [
    ("get", "/api/v1/submissions/", {"anonymous": 401, "alice": 200, "bob": 200, "carol": 200, "mod": 200, "staff": 200}),
    ("get", "/api/v1/submissions/{sub}/",
     {"anonymous": 401, "alice": 200, "bob": 404, "carol": 200, "mod": 200, "staff": 200}),
    ("post", "/api/v1/submissions/",
     {"anonymous": 401, "alice": 400, "bob": 400, "carol": 400, "mod": 400, "staff": 400}),
]


def fill(template, world):
    return template.format(sub=world["sub"].pk, token=world["token"].pk, request=world["request"].pk,
                           agreement=world["agreement"].slug, email=world["email"].pk)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("method, template, data, expected", ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_each_route_answers_each_actor_as_the_matrix_says(world, actor, method, template, data, expected):
    client = Client()
    if actor != "anonymous":
        client.force_login(world["users"][actor])
    path = fill(template, world)

    response = getattr(client, method)(path, data)

    assert response.status_code == expected[actor], (actor, method, path)
    if expected[actor] == LOGIN and actor == "anonymous":
        assert response["Location"].startswith("/account/login/?next=")


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("method, template, expected", API_ROUTES, ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_each_api_route_answers_each_token_as_the_matrix_says(world, actor, method, template, expected):
    headers = {} if actor == "anonymous" else {"HTTP_AUTHORIZATION": f"Token {world['tokens'][actor]}"}
    path = fill(template, world)

    response = getattr(Client(), method)(path, data="{}", content_type="application/json", **headers) \
        if method == "post" else Client().get(path, **headers)

    assert response.status_code == expected[actor], (actor, method, path)


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "alice"])
def test_only_the_submitter_changes_the_submission_whatever_others_try(world, actor):
    client = Client()
    if actor != "anonymous":
        client.force_login(world["users"][actor])

    client.post(fill("/submissions/{sub}/withdraw/", world), {"confirm": "yes"})

    assert Submission.objects.get(pk=world["sub"].pk).status == Submission.Status.PENDING


def test_a_submitter_cannot_set_status_reviewer_slug_times_or_credit_through_the_api(world):
    alice_key = world["tokens"]["alice"]
    body = {"kind": "create", "type": "agency", "record": {"name": "Office X", "kind": "office"},
            "sources": [offered_source(claims=["name"])], "rationale": "r",
            "status": "approved", "reviewer": "mod", "submitted_at": "2020-01-01T00:00:00Z",
            "credited_to": "Watchdog B"}

    response = Client().post("/api/v1/submissions/", body, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Token {alice_key}")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {"status", "reviewer", "submitted_at", "credited_to"}
    assert Submission.objects.count() == 1


OTHER_METHODS = ("put", "patch", "delete")


@pytest.mark.parametrize("actor", ["anonymous", "alice", "mod"])
def test_no_route_accepts_a_method_it_does_not_offer(world, actor):
    """PUT, PATCH and DELETE change nothing anywhere: 405 for people who may use the route (the login
    redirect or 404 for those who may not), never a 2xx or a 5xx."""
    client = Client()
    if actor != "anonymous":
        client.force_login(world["users"][actor])
    answers = {}
    for _, template, _data, _ in ROUTES:
        for method in OTHER_METHODS:
            answers[method, template] = getattr(client, method)(fill(template, world)).status_code

    wrong = {key: status for key, status in answers.items() if status not in (302, 403, 404, 405)}
    assert wrong == {}
    assert Submission.objects.get(pk=world["sub"].pk).status == Submission.Status.PENDING
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == len(world["tokens"])
