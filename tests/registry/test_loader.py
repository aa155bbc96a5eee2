"""The loader shared by load_seed and import_bulk: atomic, idempotent, through the write path."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Agreement, PublicTerm
from disclosures.models import Event, TestingDisclosure
from registry.loader import LoadError, load_records
from registry.models import ChangeLog, Citation, Source

pytestmark = pytest.mark.django_db

PUBLISHED = "2026-11-28T00:00:00Z"


def cite(quote="an exact quote"):
    return [{"source": "example-report", "quote": quote}]


def small_document():
    return {
        "meta": {"title": "test"},
        "sources": [{"slug": "example-report", "url": "https://News.Example.org/report#top", "title": "Report",
                     "publisher": "Example News", "published": "2025-07", "kind": "news_report",
                     "published_at": PUBLISHED}],
        "agencies": [
            {"slug": "dod", "name": "Department of Defense", "aliases": ["Department of War"], "kind": "department",
             "published_at": PUBLISHED, "citations": cite("secondary title")},
            {"slug": "cdao", "name": "CDAO", "kind": "office", "parent": "dod", "published_at": PUBLISHED,
             "citations": cite()},
        ],
        "vendors": [{"slug": "acme-ai", "name": "Acme AI", "kind": "frontier_lab", "published_at": PUBLISHED,
                     "citations": cite()}],
        "agreements": [
            {"slug": "task-order", "title": "Task order", "parent": "base-deal", "awarding_agency": "cdao",
             "published_at": PUBLISHED, "citations": cite()},
            {"slug": "base-deal", "title": "Base deal", "awarding_agency": "cdao", "participating_agencies": ["dod"],
             "parties": [{"vendor": "acme-ai", "role": "prime"}], "vehicle": "ot_prototype", "announced": "2025-07",
             "ceiling": {"amount": "200000000.00", "currency": "USD"}, "obligated": None, "status": "active",
             "terms_disclosure": "summary", "confidence": "high", "published_at": PUBLISHED,
             "citations": cite("a ceiling of $200 million")},
        ],
        "terms": [{"slug": "no-surveillance", "agreement": "base-deal", "title": "No domestic surveillance",
                   "category": "domestic_surveillance", "effect": "prohibits", "text": "shall not be used for …",
                   "published_at": PUBLISHED, "citations": cite()},
                  {"slug": "vendor-policy", "vendor": "acme-ai", "title": "Usage policy", "category": "acceptable_use_policy",
                   "effect": "restricts", "text": "Our policy", "published_at": PUBLISHED, "citations": cite()}],
        "addendum_markers": [{"slug": "annex", "agreement": "base-deal", "title": "Non-public annex",
                              "existence": "reported_by_one_source", "known_since": "2026",
                              "published_at": PUBLISHED, "citations": cite()}],
        "designations": [{"slug": "scr", "title": "Supply-chain risk", "vendor": "acme-ai", "issuing_agency": "dod",
                          "kind": "supply_chain_risk_3252", "status": "enjoined", "announced": "2026-02-27",
                          "affected_agreements": [{"agreement": "base-deal"}], "published_at": PUBLISHED,
                          "citations": cite()}],
        "testing_disclosures": [{"slug": "td", "title": "Testing", "agency": "dod", "vendors": ["acme-ai"],
                                 "models_tested": "Acme-1", "tested_from": "2023", "disclosed": "2026-03-06",
                                 "channel": "press_report", "confirmed_by_agency": "no", "published_at": PUBLISHED,
                                 "citations": cite()}],
        "events": [
            {"slug": "injunction", "title": "Injunction", "kind": "court_order", "occurred": "2026-03-26",
             "links": [{"role": "subject", "type": "designation", "slug": "scr"},
                       {"role": "subject", "type": "event", "slug": "lawsuit"}],
             "published_at": PUBLISHED, "citations": cite()},
            {"slug": "lawsuit", "title": "Lawsuit", "kind": "lawsuit", "occurred": "2026-03-09",
             "links": [{"role": "actor", "type": "vendor", "slug": "acme-ai"}], "published_at": PUBLISHED,
             "citations": cite()},
        ],
    }


def counts():
    return (ChangeLog.objects.count(), Agreement.history.count(), Citation.history.count())


def test_it_loads_every_type_with_parts_and_one_change_per_record():
    report = load_records(small_document())

    assert report.created == {"source": 1, "agency": 2, "vendor": 1, "agreement": 2, "term": 2,
                              "addendum-marker": 1, "designation": 1, "testing-disclosure": 1, "event": 2}
    deal = Agreement.objects.get(slug="base-deal")
    assert deal.announced.isoformat() == "2025-07"
    assert deal.ceiling.as_json() == {"amount": "200000000.00", "currency": "USD"}
    assert deal.obligated is None
    assert [p.vendor.slug for p in deal.parties.all()] == ["acme-ai"]
    assert Agreement.objects.get(slug="task-order").parent == deal
    assert Source.objects.get().url == "https://news.example.org/report"
    assert deal.citations.get().quote == "a ceiling of $200 million"
    assert PublicTerm.objects.get(slug="vendor-policy").agreement is None
    assert TestingDisclosure.objects.get().tested_start.isoformat() == "2023"
    assert {link.target.slug for link in Event.objects.get(slug="injunction").links.all()} == {"scr", "lawsuit"}
    assert ChangeLog.objects.count() == 13
    assert set(ChangeLog.objects.values_list("reason", flat=True)) == {"seed data"}
    assert Agreement.objects.public().count() == 2


def test_parts_may_point_at_records_later_in_the_file_even_in_a_cycle():
    document = small_document()
    document["events"][1]["links"].append({"role": "subject", "type": "event", "slug": "injunction"})

    load_records(document)

    assert Event.objects.get(slug="lawsuit").links.filter(related_event__slug="injunction").exists()
    assert Event.objects.get(slug="injunction").links.filter(related_event__slug="lawsuit").exists()


def test_a_second_load_changes_nothing_and_says_so():
    load_records(small_document())
    before = counts()

    report = load_records(small_document())

    assert counts() == before
    assert not report.changed
    assert report.lines()[0].startswith("Nothing changed")


def test_a_changed_file_updates_only_what_changed():
    load_records(small_document())
    document = small_document()
    document["agreements"][1]["status"] = "terminated"
    document["vendors"][0]["citations"].append({"source": "example-report", "quote": "a second quote"})
    before = ChangeLog.objects.count()

    report = load_records(document, reason="correction")

    assert report.updated == {"agreement": 1, "vendor": 1}
    assert Agreement.objects.get(slug="base-deal").status == "terminated"
    assert sorted((c.slug, c.action) for c in ChangeLog.objects.filter(id__gt=before)) == [
        ("acme-ai", "updated"), ("base-deal", "updated")]


@pytest.mark.parametrize(("breakage", "expected"), [
    (lambda d: d["agreements"][1].update(announced="2025-13"), "agreements[1] (base-deal): announced:"),
    (lambda d: d["agreements"][1].update(awarding_agency="no-such-agency"), "awarding_agency: Object with slug=no-such-agency"),
    (lambda d: d["vendors"][0].pop("name"), "vendors[0] (acme-ai): name: This field is required."),
    (lambda d: d["agreements"][1].update(vehicle="handshake"), "vehicle: \"handshake\" is not a valid choice."),
    (lambda d: d["agreements"][1].update(ceiling={"amount": "-1", "currency": "USD"}), "ceiling: An amount cannot be negative"),
    (lambda d: d["agreements"][1]["citations"][0].update(source="unknown-source"), "citations[0].source"),
    (lambda d: d["agreements"][1].update(colour="blue"), "colour: Unknown field."),
    (lambda d: d["events"][0]["links"].append({"type": "vendor", "slug": "nobody"}), "No vendor has the slug 'nobody'"),
    (lambda d: d["terms"][0].update(agreement=None), "terms[0] (no-surveillance): agreement: A term belongs to"),
    (lambda d: d["agreements"][0].update(citations=[]), "is published but has no citation"),
    (lambda d: d.update(widgets=[]), "widgets: unknown record type"),
    (lambda d: d["agreements"][1]["citations"][0].update(claims=["ceilng"]),
     "citations[0].claims: “ceilng” is not a claim of an agreement; use one of: title, summary, awarding_agency"),
    (lambda d: d["agreements"][1]["citations"][0].update(claims=["amount:lunch_money"]),
     "“amount:lunch_money”: 'lunch_money' is not a kind of amount (ceiling, obligated"),
    (lambda d: d["events"][0]["citations"][0].update(claims=["ceiling"]), "“ceiling” is not a claim of an event"),
    (lambda d: d["agreements"][1]["citations"][0].update(claims=["ceiling", "ceiling"]), "A claim is listed twice."),
    (lambda d: d["agreements"][1]["citations"][0].update(claim="ceiling"), "claim: Replaced by “claims”"),
    (lambda d: d["terms"][0].update(text_form="verbatim"), "text_form: A verbatim term is quoted with its footnote"),
    (lambda d: d["agreements"][1].update(field_confidence={"pid": "low"}), "field_confidence: “pid” is not a field"),
    (lambda d: d["agreements"][1].update(field_confidence={"piid": "shaky"}),
     'field_confidence.piid: "shaky" is not a valid choice.'),
])
def test_a_broken_file_loads_nothing_and_names_the_problem(breakage, expected):
    document = small_document()
    breakage(document)

    with pytest.raises(LoadError) as error:
        load_records(document)

    assert expected in str(error.value)
    assert ChangeLog.objects.count() == 0
    assert not Agreement.objects.exists()
    assert not Source.objects.exists()


def test_the_command_loads_a_file_and_reports_and_refuses_a_broken_one(tmp_path, capsys):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(small_document()))
    broken = copy.deepcopy(small_document())
    broken["agreements"][1]["end"] = "someday"
    bad.write_text(json.dumps(broken))

    with pytest.raises(CommandError, match=r"(?s)Nothing was loaded.*agreements\[1\] \(base-deal\): end"):
        call_command("load_seed", file=bad)
    assert not Agreement.objects.exists()

    call_command("load_seed", file=good)
    assert "agreement: 2 created, 0 updated, 0 unchanged" in capsys.readouterr().out

    call_command("load_seed", file=good, if_empty=True)
    assert "already holds records" in capsys.readouterr().out


def test_claims_and_field_confidence_load_as_written():
    document = small_document()
    base = document["agreements"][1]
    base["citations"] = [{"source": "example-report", "quote": "a ceiling of $200 million",
                          "claims": ["ceiling", "amount:ceiling", "term:no-surveillance"]},
                         {"source": "example-report", "quote": "a general quote"}]
    base["piid"], base["field_confidence"] = "HQ0883-25-9-0012", {"piid": "low"}

    load_records(document)

    agreement = Agreement.objects.get(slug="base-deal")
    assert [c.claims for c in agreement.citations.order_by("position")] == [
        ["ceiling", "amount:ceiling", "term:no-surveillance"], []]
    assert agreement.field_confidence == {"piid": "low"}
    assert Agreement.objects.get(slug="task-order").field_confidence == {}
    assert not load_records(document).changed  # claims compare as written: a second load changes nothing


def test_a_verbatim_term_loads_with_the_citation_that_quotes_it():
    document = small_document()
    document["terms"][0].update(text_form="verbatim", text="shall not be used", citations=[
        {"source": "example-report", "quote": "the models shall not be used for surveillance", "claims": ["text"]}])

    load_records(document)

    assert PublicTerm.objects.get(slug="no-surveillance").citations.get().claims == ["text"]


def test_a_changed_claim_updates_the_citation_with_history():
    document = small_document()
    load_records(document)
    before = Citation.history.count()
    document["agreements"][1]["citations"][0]["claims"] = ["ceiling"]

    load_records(document, reason="claims attributed")

    assert Agreement.objects.get(slug="base-deal").citations.get().claims == ["ceiling"]
    assert Citation.history.count() > before
