"""Every change set is a row; every ChangeLog row names it; public changes take gapless ids from
their own counter, so the public feed says nothing about drafts."""

import pytest
from django.core.exceptions import ValidationError

from contracts.models import Agreement
from registry.loader import load_records
from registry.models import ChangeLog, ChangeSet
from registry.services import RESERVED_SLUGS, apply_change, change_set
from tests.builders import make_agreement, make_citation, make_source
from tests.registry.test_loader import small_document

pytestmark = pytest.mark.django_db


def test_every_change_log_row_names_its_change_set_with_reason_credit_user_and_time(staff):
    source = make_source()
    with change_set(user=staff, reason="two records at once", credited_to="Watchdog A"):
        apply_change(Agreement(slug="one", title="One"))
        apply_change(Agreement(slug="two", title="Two"))

    [one, two] = ChangeLog.objects.filter(slug__in=["one", "two"]).order_by("id")
    assert one.change_set_id == two.change_set_id
    changes = ChangeSet.objects.get(pk=one.change_set_id)
    assert (changes.reason, changes.credited_to, changes.user) == ("two records at once", "Watchdog A", staff)
    assert changes.at is not None
    assert source.history.exists()


def test_a_load_is_one_change_set():
    load_records(small_document())

    assert ChangeSet.objects.count() == 1
    assert ChangeLog.objects.count() == ChangeSet.objects.get().changes.count() == 13


def test_public_change_ids_are_gapless_whatever_drafts_change_in_between(staff, client):
    first = make_agreement()
    draft = make_agreement(published=False)
    draft.title = "A draft, edited"
    apply_change(draft, user=staff, reason="draft edit")
    second = make_agreement()

    public = list(ChangeLog.objects.public().order_by("public_id").values_list("public_id", flat=True))
    assert public == list(range(public[0], public[0] + len(public)))
    assert ChangeLog.objects.filter(public=False).exists()
    assert not ChangeLog.objects.filter(public=False, public_id__isnull=False).exists()
    feed = client.get("/api/v1/changes/").json()["results"]
    ids = [change["id"] for change in feed]
    assert ids == list(range(1, len(ids) + 1))
    assert {change["slug"] for change in feed} >= {first.slug, second.slug}
    assert draft.slug not in {change["slug"] for change in feed}
    after = client.get(f"/api/v1/changes/?after={ids[-2]}").json()["results"]
    assert [change["id"] for change in after] == [ids[-1]]


def test_a_draft_published_later_takes_the_next_public_id_and_is_announced_as_created(staff):
    draft = make_agreement(published=False)
    last = ChangeLog.objects.public().order_by("-public_id").values_list("public_id", flat=True).first() or 0
    from tests.builders import PUBLISHED

    with change_set(user=staff, reason="publish"):
        draft.published_at = PUBLISHED
        apply_change(draft)
        make_citation(draft)

    change = ChangeLog.objects.filter(slug=draft.slug).order_by("-id").first()
    assert (change.action, change.public, change.public_id) == ("created", True, last + 1)


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS))
def test_the_write_path_refuses_a_slug_that_is_a_page_address(slug, staff):
    with pytest.raises(ValidationError) as error:
        apply_change(Agreement(slug=slug, title="Collides"), user=staff, reason="test")

    assert "slug" in error.value.message_dict
    assert not Agreement.objects.filter(slug=slug).exists()


def test_the_loader_refuses_a_reserved_slug_naming_the_record_and_field():
    from registry.loader import LoadError

    document = small_document()
    document["vendors"][0]["slug"] = "compare"
    for item in document["agreements"]:
        for party in item.get("parties", []):
            party["vendor"] = "compare"
    for item in document["terms"] + document["designations"] + document["testing_disclosures"]:
        for key in ("vendor",):
            if item.get(key) == "acme-ai":
                item[key] = "compare"

    with pytest.raises(LoadError, match=r"vendors\[0\] \(compare\): slug: “compare” is reserved"):
        load_records(document)


def test_each_change_set_keeps_its_public_summary_as_its_changes_count_it(staff, client):
    """/changes/ and the home page read a set's first public id and counts from the set itself (no count over
    its changes): what is kept must equal what its ChangeLog rows say, for loads, edits, drafts and retractions."""
    load_records(small_document())
    make_agreement(published=False)
    make_agreement(retracted=True)
    edited = make_agreement()
    edited.title = "Edited once"
    apply_change(edited, user=staff, reason="an edit")

    for change_set_row in ChangeSet.objects.all():
        public = ChangeLog.objects.public().filter(change_set=change_set_row)
        first = public.order_by("public_id").values_list("public_id", flat=True).first()
        assert (change_set_row.first_public_id, change_set_row.public_records, change_set_row.public_created,
                change_set_row.public_retracted) == (
            first, public.count(), public.filter(action=ChangeLog.Action.CREATED).count(),
            public.filter(action=ChangeLog.Action.RETRACTED).count()), change_set_row.reason
    drafts_only = ChangeSet.objects.filter(first_public_id__isnull=True)
    assert drafts_only.exists() and not drafts_only.filter(public_records__gt=0).exists()
    assert ChangeSet.objects.filter(public_retracted=1).exists()

    page = client.get("/changes/").content.decode()
    assert "13 records loaded" in page
    shown = ChangeSet.objects.filter(first_public_id__isnull=False).count()
    assert page.count('href="/changes/') >= shown
