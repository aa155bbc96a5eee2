"""The seed's stories read whole, source quality shown, and the December 2026 supplement loaded
(issue 9: "Linked stories", "Source quality shown", "The supplement")."""

import csv
import io
import json
import re
from pathlib import Path

import pytest

from contracts.models import Vendor
from disclosures.models import Event
from registry.interchange import record_types
from registry.models import Source
from registry.seed.convert_research import name_patterns
from tests.reading import main, words

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

ROOT = Path(__file__).resolve().parents[2]
SUPPLEMENT = json.loads((ROOT / "registry" / "seed" / "research" / "research-facts-2026-12-supplement.json").read_text())
SEED = json.loads((ROOT / "registry" / "seed" / "seed.json").read_text())
MAIN, FASCSA = "dow-2026-anthropic-scr-10usc3252", "dow-2026-anthropic-scr-41usc4713"


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def section(html, heading):
    start = html.index(f">{heading}</h2>")
    end = html.find("<h2", start)
    return html[start:end if end != -1 else None]


# --- linked stories ------------------------------------------------------------------------------

def test_the_two_anthropic_designations_link_each_other(client):
    for this, other in ((MAIN, FASCSA), (FASCSA, MAIN)):
        page = get(client, f"/designations/{this}/")
        assert f'href="/designations/{other}/"' in section(page, "Related designations")


def test_both_anthropic_designations_show_the_whole_court_history(client):
    injunction, stay = "ev-2026-03-26-preliminary-injunction", "ev-2026-04-08-dc-circuit-stay-denied"
    for slug in (MAIN, FASCSA):
        history = section(get(client, f"/designations/{slug}/"), "Legal history")
        assert f'href="/events/{injunction}/"' in history and f'href="/events/{stay}/"' in history
    # the history of the other track is marked as such
    main_history = words(section(get(client, f"/designations/{MAIN}/"), "Legal history"))
    assert "on the related designation under 41 U.S.C. § 4713 (FASCSA)" in main_history
    # the statute's caveat is on the related designation's own page, not repeated at each event
    assert "statute number taken from secondary descriptions" not in main_history
    assert "(per Anthropic's" not in words(section(get(client, f"/designations/{FASCSA}/"), "Legal history"))


def test_anthropics_timeline_shows_every_event_of_its_agreements_designations_and_disclosures(client):
    anthropic = Vendor.objects.get(slug="anthropic")
    expected = set(Event.objects.public().with_vendor([anthropic], public_targets=True).values_list("slug", flat=True))
    page = get(client, "/vendors/anthropic/")
    shown = set(re.findall(r'href="/events/([^/"]+)/"', section(page, "Timeline")))
    assert expected <= shown
    # among them events linked only to Anthropic's designations or agreement, and the 8 June DoW filing
    indirect = {"ev-2026-02-27-presidential-directive", "ev-2026-03-12-pentagon-rules-out-talks",
                "ev-2026-06-08-dow-denies-retaliation", "ev-2026-04-08-dc-circuit-stay-denied",
                "ev-2026-05-19-dc-circuit-argument", "ev-2026-06-03-designation-reaffirmed"}
    assert indirect <= shown


def test_an_agencys_timeline_shows_the_events_of_the_designations_it_issued(client):
    page = get(client, "/agencies/dod/")
    assert 'href="/events/ev-2026-03-26-preliminary-injunction/"' in section(page, "Timeline")


def test_every_event_links_each_vendor_and_designation_its_quotes_name(client):
    patterns = name_patterns({"vendors": SEED["vendors"], "designations": SEED["designations"]})
    for event in Event.objects.public().prefetch_related("citations", "links__vendor", "links__designation"):
        linked = {(link.vendor or link.designation).slug for link in event.links.all() if link.vendor or link.designation}
        for _, slug, pattern in patterns:
            if any(pattern.search(citation.quote) for citation in event.citations.all()):
                assert slug in linked, (event.slug, slug)


def test_an_events_actors_are_links_on_its_page(client):
    page = get(client, "/events/ev-2026-03-09-anthropic-lawsuits/")
    assert 'href="/vendors/anthropic/"' in section(page, "Linked records")


def test_an_event_that_links_nothing_says_so(client):
    amicus = Event.objects.get(slug="ev-2026-03-amicus-ai-employees")
    assert not amicus.links.exists()
    assert "This event is not linked to any record in the registry." in words(main(get(client, amicus.get_absolute_url())))
    linked = get(client, "/events/ev-2026-06-08-dow-denies-retaliation/")
    assert "not linked to any record" not in linked and 'href="/vendors/anthropic/"' in linked


# --- source quality ------------------------------------------------------------------------------

def test_tiers_match_the_assessments_and_new_sources_are_not_assessed():
    assessed = {item["url"]: item["tier"] for item in SUPPLEMENT["source_assessments"]}
    counts = {tier: list(assessed.values()).count(tier) for tier in set(assessed.values())}
    for tier, count in counts.items():
        assert Source.objects.filter(tier=tier).count() == count
    assert Source.objects.get(url__contains="straitstimes.com").tier == Source.Tier.NOT_ASSESSED


def test_every_footnote_shows_its_sources_tier(client):
    page = get(client, f"/designations/{MAIN}/")
    footnotes = re.findall(r'<li id="fn-\d+".*?</li>', page, re.S)
    assert footnotes and all("Source tier:" in note for note in footnotes)
    assert "low quality or generated" in page  # Preseen, the machine-written forecast page


def test_the_research_weak_claims_show_on_their_page(client):
    page = words(main(get(client, f"/designations/{MAIN}/")))
    assert ("Weakly sourced: determined: 2026-03-03 (date of the formal determination/letter) — Cited only to The "
            "Chronicle Page (republisher).") in page
    assert "Confidence High" in page  # the research's rating stays as it was


def test_a_weak_claim_names_records_by_title_not_by_research_id(client):
    """The audit writes "status history [3]" and "ev-2026-06-03-designation-reaffirmed"; a reader gets words."""
    page = words(main(get(client, "/designations/dow-2026-anthropic-scr-41usc4713/")))
    assert ("Weakly sourced: status history: Hegseth denied internal reconsideration on 2026-06-03 (notice to the "
            "court 2026-06-04) — Same sources as “Pentagon decision reportedly reaffirms Anthropic supply-chain-risk "
            "finding, narrowing rationale to pre-deployment risks”: Newsbang and The Chronicle Page only.") in page
    assert "ev-2026-06-03" not in page and "[3]:" not in page


def test_a_record_resting_only_on_weak_sources_says_so(client):
    reported = "ev-2026-05-21-rival-model-trials-reported"  # cited only to a link log of an X post
    event = Event.objects.get(slug=reported)
    assert all(citation.source.is_weak for citation in event.citations.select_related("source"))
    assert "every source of this record is a republisher or aggregator" in words(main(get(client, f"/events/{reported}/")))
    strong = "ev-2026-03-09-anthropic-lawsuits"
    assert "every source of this record is" not in words(main(get(client, f"/events/{strong}/")))


def test_sources_filter_by_tier_on_the_page_the_api_and_the_csv(client):
    court = set(Source.objects.public().filter(tier="court_record").values_list("slug", flat=True))
    assert len(court) == 2
    page = get(client, "/sources/?tier=court_record")
    assert set(re.findall(r'href="/sources/([^/"]+)/"', page)) == court
    api = json.loads(get(client, "/api/v1/sources/?tier=court_record"))
    assert {row["slug"] for row in api["results"]} == court and all(r["tier"] == "court_record" for r in api["results"])
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get("/sources/csv/?tier=court_record").streaming_content)
                                           .decode())))
    assert {row["slug"] for row in rows} == court and {row["tier"] for row in rows} == {"court_record"}


def test_an_unknown_tier_is_a_400_in_the_api_and_a_form_error_on_the_page(client):
    assert client.get("/api/v1/sources/?tier=tabloid").status_code == 400
    page = get(client, "/sources/?tier=tabloid", status=400)  # the page shows the form error
    assert "tabloid" in page and "Tier" in page


def test_the_methodology_page_explains_the_tiers(client):
    page = words(main(get(client, "/about/")))
    assert "Source tiers and weakly sourced claims" in page
    assert "republisher_or_aggregator" in page and "not_assessed" in page


# --- the supplement ------------------------------------------------------------------------------

def test_the_supplements_records_are_loaded_with_their_exact_quotes(client):
    for key, model_path in (("events", "events"), ("public_terms", "terms")):
        for data in SUPPLEMENT[key]:
            page = get(client, f"/{model_path}/{data['id']}/")
            for source in data["sources"]:
                assert f"“{source['quote']}”" in page.replace("&#x27;", "'").replace("&quot;", '"').replace(
                    "&amp;", "&"), (data["id"], source["quote"])


def test_the_supplements_source_additions_are_citations_of_their_records():
    for addition in SUPPLEMENT["source_additions"]:
        record = next(t.model.objects.get(slug=addition["record_id"]) for t in record_types()
                      if t.name != "source" and t.model.objects.filter(slug=addition["record_id"]).exists())
        assert record.citations.filter(quote=addition["source"]["quote"]).exists(), addition["record_id"]


def test_an_event_actor_link_to_the_department_follows_the_naming_rule(client):
    """The first mention of the Department of Defense on an event page, an actor link, adds its other name."""
    page = get(client, "/events/ev-2026-06-08-dow-denies-retaliation/")
    actors = page[page.index("<h3>Actors</h3>"):]
    assert ('<a href="/agencies/dod/">U.S. Department of Defense<span class="name-note">, called Department of War '
            'since 5 September 2025 (executive order)</span></a>') in actors


def test_the_designations_csv_names_each_related_designation(client):
    response = client.get("/designations/csv/")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()
                                                                    if response.streaming else response.content.decode()))}
    assert rows[MAIN]["related_designations"] == FASCSA
    assert rows[FASCSA]["related_designations"] == MAIN
    assert rows["dod-2026-1260h-alibaba"]["related_designations"] == ""


def test_a_csv_lists_each_source_address_once(client):
    """The main Anthropic designation quotes KALW twice and Anthropic's statement three times: one address each."""
    response = client.get("/designations/csv/")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()
                                                                    if response.streaming else response.content.decode()))}
    urls = rows[MAIN]["source_urls"].split("; ")
    assert len(urls) == len(set(urls))
    assert "https://www.anthropic.com/news/where-stand-department-war" in urls


def test_a_vendor_page_names_the_issuing_department_by_the_naming_rule(client):
    """Anthropic's page first mentions the Department of Defense as the issuer of its designations: the full name,
    once with its other name; not the bare acronym."""
    page = words(main(get(client, "/vendors/anthropic/")))
    assert ("issued by U.S. Department of Defense, called Department of War since 5 September 2025 (executive order)"
            in page)
    assert "issued by DoD" not in page
    assert page.count("called Department of War since 5 September 2025") == 1
