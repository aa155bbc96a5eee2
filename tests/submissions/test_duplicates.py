"""Likely duplicates (submissions/duplicates.py), shown to the submitter before sending."""

import pytest

from submissions.duplicates import likely_duplicates, similar
from tests.builders import (
    make_agency,
    make_agreement,
    make_citation,
    make_designation,
    make_source,
    make_testing_disclosure,
    make_vendor,
)

pytestmark = pytest.mark.django_db


def test_the_same_piid_is_a_likely_duplicate():
    existing = make_agreement(piid="HQ0034-26-9-0001")
    make_agreement(piid="OTHER")

    found = likely_duplicates("agreement", {"title": "Anything", "piid": "hq0034-26-9-0001"})

    assert [(record, "PIID" in why) for record, why in found] == [(existing, True)]


def test_the_same_usaspending_award_id_is_a_likely_duplicate():
    existing = make_agreement(usaspending_award_id="CONT_AWD_1")

    assert [r for r, _ in likely_duplicates("agreement", {"usaspending_award_id": "CONT_AWD_1"})] == [existing]


def test_the_same_vendor_and_agency_with_a_similar_title_is_a_likely_duplicate():
    agency, vendor, other_vendor = make_agency(), make_vendor(), make_vendor()
    existing = make_agreement(title="Frontier AI prototype agreement with CDAO", awarding_agency=agency,
                              vendors=[vendor])
    make_agreement(title="Frontier AI prototype agreement with CDAO", awarding_agency=agency,
                   vendors=[other_vendor])  # another vendor
    make_agreement(title="Cloud hosting for logistics", awarding_agency=agency, vendors=[vendor])  # not similar

    found = likely_duplicates("agreement", {"title": "The frontier AI prototype with CDAO",
                                            "awarding_agency": agency.slug,
                                            "parties": [{"vendor": vendor.slug, "role": "prime"}]})

    assert [record for record, _ in found] == [existing]
    assert "similar title" in found[0][1]


def test_a_designation_and_a_testing_disclosure_match_on_their_vendor_and_agency():
    agency, vendor = make_agency(), make_vendor()
    designation = make_designation(title="Supply chain risk designation", vendor=vendor, issuing_agency=agency)
    disclosure = make_testing_disclosure(title="Red team of models", agency=agency, vendors=[vendor])

    assert [r for r, _ in likely_duplicates("designation", {
        "title": "Supply-chain risk designation", "vendor": vendor.slug, "issuing_agency": agency.slug})] == [designation]
    assert [r for r, _ in likely_duplicates("testing-disclosure", {
        "title": "Red team of the models", "agency": agency.slug, "vendors": [vendor.slug]})] == [disclosure]


def test_titles_are_compared_without_case_punctuation_or_stop_words():
    assert similar("The Frontier-AI Pilot", "frontier AI pilot")
    assert not similar("Frontier AI pilot", "Cloud hosting for logistics")
    assert not similar("", "")


def test_a_record_citing_a_source_at_the_same_address_is_a_likely_duplicate():
    source = make_source(url="https://news.example.org/story")
    existing = make_agreement()
    make_citation(existing, source=source, claims=["title"])

    found = likely_duplicates("agreement", {"title": "Unrelated"},
                              [{"url": "HTTPS://News.Example.org:443/story#top"}])

    assert [record for record, _ in found] == [existing]
    assert "same address" in found[0][1]


def test_unpublished_records_and_the_record_itself_are_not_duplicates():
    make_agreement(piid="P-1", published=False)
    itself = make_agreement(piid="P-2")

    assert likely_duplicates("agreement", {"piid": "P-1"}) == []
    assert likely_duplicates("agreement", {"piid": "P-2"}, exclude_slug=itself.slug) == []


def test_each_record_is_listed_once_with_every_reason():
    source = make_source(url="https://news.example.org/both")
    existing = make_agreement(piid="P-3")
    make_citation(existing, source=source)

    found = likely_duplicates("agreement", {"piid": "P-3"}, [{"url": "https://news.example.org/both"}])

    assert len(found) == 1 and "PIID" in found[0][1] and "same address" in found[0][1]
