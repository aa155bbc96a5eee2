"""/changes/: every public change set, newest first, folded into one line: a one-record set names its record
(linked, with its revision), a larger one says how many records and why ("3 records loaded: seed data") and
links its own page, /changes/<change id>/ (its first public change id; another id of the set redirects there),
which lists its records with their revisions. Pages go on with ?before= / ?after= (public change ids), link the
Atom feed, and never show a draft."""

import re

import pytest

from registry.loader import load_records
from registry.models import ChangeLog
from registry.services import change_set
from tests.builders import builder_user, make_agreement, make_vendor
from tests.pages.history_data import revision_ids
from tests.pages.test_revision_pages import text_of
from tests.pages.test_revisions_list import rename
from tests.queries import two_world_sizes
from tests.registry.test_loader import small_document

pytestmark = pytest.mark.django_db


def lines_of(page):
    return [text_of(line) for line in re.findall(r"<li><time.*?</li>", page, re.S)]


def test_a_one_record_change_names_its_record_and_links_its_revision(client):
    deal = make_agreement(title="Maven expansion")
    rename(deal, "Maven expansion, corrected", reason="the agency's wording", credited_to="Watchdog A")
    latest = revision_ids(deal)[-1]

    page = client.get("/changes/").content.decode()
    newest = re.findall(r"<li><time.*?</li>", page, re.S)[0]

    assert f'<a href="/agreements/{deal.slug}/">Maven expansion, corrected</a>' in newest
    assert "updated: the agency's wording" in text_of(newest) and "(credited to Watchdog A)" in newest
    assert f'href="/agreements/{deal.slug}/revisions/{latest}/">as it stood after it' in newest
    assert f'href="/changes/{latest}/">change {latest}</a>' in newest
    assert '<a href="/changes/feed/">' in page


def test_a_larger_change_is_folded_into_one_line_with_its_own_page(client):
    load_records(small_document(), user=builder_user(), reason="seed data")
    first = ChangeLog.objects.public().order_by("public_id").first().public_id

    line = lines_of(client.get("/changes/").content.decode())[0]
    set_page = client.get(f"/changes/{first}/").content.decode()

    assert line.endswith("13 records loaded: seed data (credited to registry staff)")
    assert f'<a href="/changes/{first}/">13 records loaded</a>' in client.get("/changes/").content.decode()
    assert f"Change {first}: seed data" in text_of(set_page) and "13 records loaded" in set_page
    assert len(re.findall(r'<th scope="row">', set_page)) == 13
    assert '<a href="/agreements/base-deal/">Base deal</a>' in set_page
    base_deal = ChangeLog.objects.public().get(record_type="agreement", slug="base-deal").public_id
    assert f'href="/agreements/base-deal/revisions/{base_deal}/">as it stood after this change' in set_page


def test_a_mixed_change_says_what_it_did(client):
    deal = make_agreement()
    with change_set(user=builder_user(), reason="a batch of fixes"):
        rename(deal, "Renamed", reason="joined")
        make_vendor(name="New vendor")

    # the rename, and the new vendor with the source its citation names
    assert "3 records changed (2 added): a batch of fixes" in lines_of(client.get("/changes/").content.decode())[0]


def test_another_id_of_a_change_set_redirects_to_its_first(client):
    load_records(small_document(), user=builder_user(), reason="seed data")
    ids = list(ChangeLog.objects.public().order_by("public_id").values_list("public_id", flat=True))

    response = client.get(f"/changes/{ids[5]}/")

    assert response.status_code == 301 and response["Location"] == f"/changes/{ids[0]}/"
    assert client.get("/changes/99999/").status_code == 404
    assert client.get("/changes/abc/").status_code == 404


def test_drafts_are_never_listed(client):
    rename(make_agreement(), "Public deal", reason="renamed")
    draft = make_agreement(published=False, title="Secret draft")
    rename(draft, "Still secret", reason="a private edit")
    public_ids = ChangeLog.objects.public().values_list("public_id", flat=True)

    pages = [client.get("/changes/").content.decode(),
             *(client.get(f"/changes/{change_id}/", follow=True).content.decode() for change_id in public_ids)]

    assert "Public deal" in pages[0]
    assert not any("secret" in page.lower() or "a private edit" in page for page in pages)
    assert not ChangeLog.objects.public().filter(slug=draft.slug).exists()


def test_the_changes_are_paginated_by_public_change_id(client, monkeypatch):
    monkeypatch.setattr("registry.views.history.CHANGES_PAGE_SIZE", 2)
    deal = make_agreement(title="Paged deal")
    for number in range(3):
        rename(deal, f"Paged deal {number}", reason=f"change {number}")

    first = client.get("/changes/").content.decode()
    following = re.search(r'href="\?before=(\d+)">Older changes', first)
    second = client.get(f"/changes/?before={following.group(1)}").content.decode()

    assert [re.search(r"updated: (change \d)", line).group(1) for line in lines_of(first)] == ["change 2", "change 1"]
    assert "updated: change 0" in lines_of(second)[0] and len(lines_of(second)) == 2
    assert '<a href="/changes/">Newest changes</a>' in second


@pytest.mark.parametrize("query", ["before=abc", "before=0", "before=-2"])
def test_a_bad_page_is_a_400_naming_its_parameter(client, query):
    response = client.get(f"/changes/?{query}")

    assert response.status_code == 400 and "<strong>before</strong>:" in response.content.decode()


def test_a_change_set_page_is_paginated(client, monkeypatch):
    monkeypatch.setattr("registry.views.history.CHANGE_SET_PAGE_SIZE", 5)
    load_records(small_document(), user=builder_user(), reason="seed data")
    first = ChangeLog.objects.public().order_by("public_id").first().public_id

    page = client.get(f"/changes/{first}/").content.decode()
    after = re.search(r'href="\?after=(\d+)">More records', page).group(1)
    last = client.get(f"/changes/{first}/?after={int(after) + 5}").content.decode()

    assert len(re.findall(r'<th scope="row">', page)) == 5 and "(some of 13)" in page
    assert len(re.findall(r'<th scope="row">', last)) == 3
    assert client.get(f"/changes/{first}/?after=x").status_code == 400


@two_world_sizes
def test_the_changes_pages_cost_the_same_queries_whatever_their_length(client, django_assert_num_queries, rows):
    deals = [make_agreement(title=f"Deal {number}") for number in range(rows)]
    for deal in deals:  # one-record change sets
        rename(deal, f"{deal.title} renamed", reason="renamed")
    with change_set(user=builder_user(), reason="a batch"):
        for deal in deals:
            rename(deal, f"{deal.title} again", reason="joined")
    batch_id = revision_ids(deals[0])[-1]

    # change sets (one line each) · the changes of one-record sets · their agreements · latest change (footer)
    with django_assert_num_queries(4):
        page = client.get("/changes/").content.decode()
    # the change with its set · a page of its changes · their agreements · the set's counts · latest change (footer)
    with django_assert_num_queries(5):
        assert client.get(f"/changes/{batch_id}/").status_code == 200

    assert f"{rows} records changed: a batch" in text_of(page)
    assert text_of(page).count("(agreement) updated: renamed") == min(rows, 49)
