"""Designations of the same matter (one action on two statutory tracks) name each other: through the
interchange shape and the loader, in the API, and on both pages; a self-relation is refused."""

import copy

import pytest

from disclosures.models import Designation, DesignationRelation
from registry.loader import LoadError, load_records
from tests.registry.test_loader import PUBLISHED, cite, small_document

pytestmark = pytest.mark.django_db


def two_tracks(**second):
    document = small_document()
    document["designations"][0]["related_designations"] = ["scr-4713"]
    document["designations"].append({
        "slug": "scr-4713", "title": "Supply-chain risk (41 U.S.C. 4713)", "vendor": "acme-ai", "issuing_agency": "dod",
        "kind": "other", "authority_cited": "41 U.S.C. § 4713", "status": "in_effect", "published_at": PUBLISHED,
        "weakly_sourced_claims": [{"claim": "a four-page ruling", "why": "rests only on a low-quality page"}],
        "citations": cite(), **second})
    document["events"].append({"slug": "stay-denied", "title": "Stay denied", "kind": "court_order",
                               "occurred": "2026-04-08", "links": [{"type": "designation", "slug": "scr-4713"}],
                               "published_at": PUBLISHED, "citations": cite()})
    return document


def test_it_loads_a_relation_written_on_one_side_and_keeps_history():
    load_records(two_tracks())
    relation = DesignationRelation.objects.get()
    assert (relation.designation.slug, relation.related.slug) == ("scr", "scr-4713")
    assert DesignationRelation.history.count() == 1
    assert Designation.objects.get(slug="scr-4713").weakly_sourced_claims == [
        {"claim": "a four-page ruling", "why": "rests only on a low-quality page"}]


def test_a_second_load_changes_nothing_and_dropping_the_relation_removes_it():
    load_records(two_tracks())
    assert not load_records(two_tracks()).changed
    document = two_tracks()
    document["designations"][0]["related_designations"] = []
    load_records(document)
    assert not DesignationRelation.objects.exists()
    assert DesignationRelation.history.count() == 2  # added, then removed: both kept


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["designations"][0].update(related_designations=["scr"]), "not related to itself"),
    (lambda d: d["designations"][0].update(related_designations=["no-such-designation"]), "no-such-designation"),
    (lambda d: d["designations"][1].update(weakly_sourced_claims=[{"claim": "x", "because": "y"}]), "Unknown field"),
])
def test_a_bad_relation_or_weak_claim_loads_nothing_and_says_why(change, message):
    document = copy.deepcopy(two_tracks())
    change(document)
    with pytest.raises(LoadError) as error:
        load_records(document)
    assert message in str(error.value)
    assert not Designation.objects.exists()


def test_both_pages_link_the_other_and_show_the_whole_legal_history(client):
    load_records(two_tracks())
    first = client.get("/designations/scr/").content.decode()
    second = client.get("/designations/scr-4713/").content.decode()
    assert 'href="/designations/scr-4713/"' in first and 'href="/designations/scr/"' in second
    assert 'href="/events/stay-denied/"' in first and 'href="/events/injunction/"' in second
    assert "Weakly sourced: a four-page ruling — rests only on a low-quality page" in second


def test_the_api_names_related_designations_and_weak_claims(client):
    load_records(two_tracks())
    body = client.get("/api/v1/designations/scr/").json()
    assert [ref["slug"] for ref in body["related_designations"]] == ["scr-4713"]
    assert client.get("/api/v1/designations/scr-4713/").json()["weakly_sourced_claims"][0]["claim"] == \
        "a four-page ruling"
