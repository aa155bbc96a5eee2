"""A source's tier: filterable (one FilterSet for page, API and CSV), shown beside every footnote, and
the computed "weakly sourced" note of a record whose sources are all in the lowest tiers."""

import pytest

from registry.filters import SourceFilterSet
from registry.models import Source
from tests.builders import make_citation, make_event, make_source

pytestmark = pytest.mark.django_db


def test_the_filterset_selects_sources_by_tier_with_repeated_keys():
    court = make_source(tier=Source.Tier.COURT_RECORD)
    outlet = make_source(tier=Source.Tier.MAJOR_OUTLET)
    make_source(tier=Source.Tier.COMMENTARY)
    found = SourceFilterSet({"tier": ["court_record", "major_outlet"]}, queryset=Source.objects.public()).qs
    assert set(found) == {court, outlet}
    assert not SourceFilterSet({"tier": ["tabloid"]}, queryset=Source.objects.public()).is_valid()


def test_every_footnote_shows_the_tier_of_its_source(client):
    event = make_event()
    make_citation(event, source=make_source(tier=Source.Tier.TRADE_PRESS), quote="trade words")
    make_citation(event, source=make_source(tier=Source.Tier.COMMENTARY), quote="blog words")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Source tier: <a href=\"/about/#source-tiers\">trade press</a>." in page
    assert "commentary</a> (weak)." in page


@pytest.mark.parametrize(("tiers", "weak"), [
    ((Source.Tier.COMMENTARY, Source.Tier.NOT_ASSESSED), True),
    ((Source.Tier.REPUBLISHER_OR_AGGREGATOR, Source.Tier.LOW_QUALITY_OR_GENERATED), True),
    ((Source.Tier.COMMENTARY, Source.Tier.MAJOR_OUTLET), False),
    ((Source.Tier.PRIMARY_OFFICIAL,), False),
])
def test_a_record_whose_sources_are_all_weak_says_so_and_keeps_its_confidence(client, tiers, weak):
    event = make_event(confidence="high")
    for tier in tiers:
        make_citation(event, source=make_source(tier=tier))
    page = client.get(event.get_absolute_url()).content.decode()
    assert ("every source of this record is a republisher or" in page) is weak
    assert "High — primary source read" in page


def test_the_sources_list_and_csv_show_the_tier(client):
    make_source(tier=Source.Tier.COURT_RECORD, tier_reason="")
    make_source(tier=Source.Tier.LOW_QUALITY_OR_GENERATED, tier_reason="a forecast page")
    page = client.get("/sources/?tier=low_quality_or_generated").content.decode()
    assert "Low quality or generated" in page and "Court record" not in page.split("<tbody>")[1]
    rows = b"".join(client.get("/sources/csv/").streaming_content).decode().splitlines()
    assert "tier,tier_reason" in rows[0] and any("low_quality_or_generated,a forecast page" in row for row in rows)


def test_a_weak_sources_own_page_shows_its_tier_but_no_weakly_sourced_note(client):
    source = make_source(tier=Source.Tier.COMMENTARY, tier_reason="a law-firm blog")
    make_citation(make_event(), source=source)
    page = client.get(source.get_absolute_url()).content.decode()
    assert "Commentary</a> (weak) — a law-firm blog" in page
    assert "every source of this record is" not in page
