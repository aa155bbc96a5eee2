"""The account page: my submissions (newest first), my organisations with the public-credit toggle, and the
same queries whatever the number of rows."""

import datetime

import pytest
from django.utils import timezone

from registry.models import ApiToken, Membership, Organization
from tests.builders import make_member, make_organization, make_submission
from tests.queries import queries_of, two_world_sizes

pytestmark = pytest.mark.django_db


def test_alice_sees_her_submissions_newest_first_with_links(client, alice, bob):
    now = timezone.now()
    older = make_submission(by=alice, title="Older agreement", submitted_at=now - datetime.timedelta(days=2))
    newer = make_submission(by=alice, kind="correction", target_slug="acme-deal", record_type="designation",
                            title="A correction", submitted_at=now)
    make_submission(by=bob, title="Bob's proposal")
    client.force_login(alice)

    page = client.get("/account/").content.decode()

    assert page.index("A correction") < page.index("Older agreement")
    assert f'<a href="/submissions/{newer.pk}/">{newer.pk}</a>' in page
    assert f'href="/submissions/{older.pk}/"' in page
    assert "Correction</td>" in page and "designation</td>" in page and "Pending review</td>" in page
    assert "Bob's proposal" not in page


def test_alice_sees_her_organisations_role_status_and_credit(client, alice, org_a):
    pending_request = make_organization("Open Watch")
    pending_request.status = Organization.Status.VERIFIED
    pending_request.save()
    make_member(alice, pending_request, status=Membership.Status.REQUESTED)
    client.force_login(alice)

    page = client.get("/account/").content.decode()

    assert '<a href="/account/organisations/watchdog-a/">Watchdog A</a>' in page
    assert "Verified</td>" in page and "Asked to join</td>" in page
    membership = Membership.objects.get(user=alice, organization=org_a)
    assert f'action="/account/memberships/{membership.pk}/credit/"' in page
    assert f'name="credited_publicly" id="credit-{membership.pk}" checked' in page


def test_alice_turns_public_credit_off_and_on(client, alice, org_a):
    membership = Membership.objects.get(user=alice, organization=org_a)
    client.force_login(alice)

    off = client.post(f"/account/memberships/{membership.pk}/credit/", {})
    membership.refresh_from_db()
    assert off["Location"] == "/account/" and membership.credited_publicly is False

    client.post(f"/account/memberships/{membership.pk}/credit/", {"credited_publicly": "on"})
    membership.refresh_from_db()
    assert membership.credited_publicly is True


def test_bob_cannot_change_alices_credit(client, alice, bob, org_a):
    membership = Membership.objects.get(user=alice, organization=org_a)
    client.force_login(bob)

    assert client.post(f"/account/memberships/{membership.pk}/credit/", {}).status_code == 404
    membership.refresh_from_db()
    assert membership.credited_publicly is True


@two_world_sizes
def test_the_account_page_runs_the_same_queries_for_any_number_of_rows(client, alice, rows):
    for n in range(rows):
        make_submission(by=alice, title=f"Proposal {n}")
        make_member(alice, make_organization(f"Group {n}"))
        ApiToken.objects.issue(alice, name=f"job {n}")
    client.force_login(alice)

    queries = queries_of(client, "/account/")

    # session · user · submissions · memberships with their organisations · tokens · the user's permissions and
    # its groups' (can_verify; the header's moderator link reuses them) · latest change (footer)
    assert len(queries) == 8, "\n".join(queries)


def test_the_account_page_is_private_and_never_cached(client, alice):
    client.force_login(alice)

    response = client.get("/account/")

    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
