"""Every record's page lists its revisions: each public change of the record or its parts, newest first,
with its time, action, reason and credit (never an account name), linking to the record as it stood then
(the API's ``as_of``: record pages have no ``as_of``), at most the 20 newest with the total."""

import re
from urllib.parse import unquote

import pytest

from registry.interchange import by_name
from registry.models import ChangeLog
from registry.pages import REVISIONS_SHOWN
from registry.services import apply_change, change_set, retract
from tests.builders import builder_user, make_agreement, make_citation, make_user
from tests.pages.notice_data import MAKERS
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db


def revisions_of(client, record):
    page = client.get(record.get_absolute_url()).content.decode()
    section = re.search(r'<section class="revisions".*?</section>', page, re.S).group(0)
    return section, re.findall(r"<li>(.*?)</li>", section, re.S)


def rename(record, title, *, reason, credited_to="registry staff", user=None):
    field = "title" if hasattr(record, "title") else "name"
    setattr(record, field, title)
    with change_set(user=user or builder_user(), reason=reason, credited_to=credited_to):
        apply_change(record)


@pytest.mark.parametrize("record_type", MAKERS)
def test_it_lists_every_public_change_of_every_kind_of_record_newest_first(client, record_type):
    record = MAKERS[record_type]()
    rename(record, "A better title", reason="the title as the agency wrote it", credited_to="Watchdog A")

    section, rows = revisions_of(client, record)

    assert "updated: the title as the agency wrote it" in rows[0]
    assert "(credited to Watchdog A)" in rows[0]
    assert re.search(r'<time datetime="[^"]+">\d{1,2} \w+ \d{4}, \d\d:\d\d UTC</time>', rows[0])
    assert "created: test data" in rows[-1]
    path = by_name(record_type).path
    assert all(f'href="/api/v1/{path}/{record.slug}/?as_of=' in row for row in rows)
    assert "as it stood then (JSON)" in rows[0]


def test_it_names_the_credit_never_the_account(client):
    editor = make_user("jsmith-editor", staff=True)
    deal = make_agreement()
    rename(deal, "Renamed", reason="typo", user=editor)

    section, _ = revisions_of(client, deal)

    assert "jsmith-editor" not in section and "builder" not in section
    assert "registry staff" in section


def test_each_revision_links_to_the_record_as_it_stood_just_after_that_change(client):
    deal = make_agreement(title="First title")
    rename(deal, "Second title", reason="renamed")
    rename(deal, "Third title", reason="renamed again")

    _, rows = revisions_of(client, deal)
    links = [unquote(re.search(r'href="([^"]+as_of=[^"]+)"', row).group(1)) for row in rows]
    titles = [client.get(link.replace("&amp;", "&")).json()["title"] for link in links]

    assert titles[:2] == ["Third title", "Second title"]
    assert titles[-1] == "First title"


def test_a_change_to_a_part_is_a_revision_of_its_record(client):
    deal = make_agreement()
    make_citation(deal, quote="a newer quote")

    _, rows = revisions_of(client, deal)

    assert "updated: test citation" in rows[0]


def test_the_retraction_is_a_revision(client):
    deal = make_agreement()
    retract(deal, user=builder_user(), reason="never existed")

    _, rows = revisions_of(client, deal)

    assert "retracted: retracted: never existed" in rows[0]


def test_changes_made_while_a_draft_are_not_listed(client):
    deal = make_agreement(published=False, title="Draft title")
    rename(deal, "Still a draft", reason="a private edit")
    make_citation(deal, quote="a quote")
    deal.published_at = deal.created_at
    rename(deal, "Published title", reason="published")

    _, rows = revisions_of(client, deal)

    assert len(rows) == 1
    assert "created: published" in rows[0]
    assert "a private edit" not in "".join(rows)


def test_it_shows_the_twenty_newest_and_says_how_many_there_are(client):
    deal = make_agreement()
    for number in range(REVISIONS_SHOWN + 3):
        rename(deal, f"Title {number}", reason=f"change {number}")

    section, rows = revisions_of(client, deal)

    total = REVISIONS_SHOWN + 3 + 1  # the renames, and its creation with its citation (one change set)
    assert ChangeLog.objects.public().filter(record_type="agreement", slug=deal.slug).count() == total
    assert len(rows) == REVISIONS_SHOWN
    assert f"The {REVISIONS_SHOWN} newest of {total} changes" in section
    assert f'start="{total}"' in section
    assert f"change {REVISIONS_SHOWN + 2}" in rows[0]


@two_world_sizes
def test_the_revisions_cost_one_query_whatever_their_number(client, django_assert_num_queries, rows):
    deal = make_agreement()
    for number in range(rows):
        rename(deal, f"Title {number}", reason=f"change {number}")
    client.get(deal.get_absolute_url())  # warm the per-process caches (content types)

    # agreement · parties · participating · amounts · public children · terms · markers · citations · sources ·
    # designation, testing and event links · notices · revisions with their total (a window count) ·
    # latest change (footer)
    with django_assert_num_queries(15):
        response = client.get(deal.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count('as it stood then (JSON)') == min(rows + 1, REVISIONS_SHOWN)
