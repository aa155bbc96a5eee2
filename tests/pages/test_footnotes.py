"""Footnotes at the facts they support, on every detail page; what each supports in words; a field's
own confidence beside it; the same claims and field confidence in the API (as of any time) and the
model's own checks."""

import pytest
from django.core.exceptions import ValidationError

from disclosures.models import EventLink
from registry.models import ChangeLog, Citation
from registry.services import apply_change
from tests.builders import (
    builder_user,
    make_agency,
    make_agreement,
    make_citation,
    make_designation,
    make_event,
    make_marker,
    make_source,
    make_term,
    make_testing_disclosure,
    make_vendor,
)
from tests.reading import facts, footnote_markers, words

pytestmark = pytest.mark.django_db


def html_of(client, record):
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# (builder, fields, claim key, the label of the fact it supports on the page, the words of the sources list)
CASES = [
    (make_agreement, {}, "announced", "Announced", "the announcement date"),
    (make_agreement, {}, "ceiling", 'Ceiling <span class="muted">(the most that may be spent)</span>', "the ceiling"),
    (make_agreement, {"piid": "HQ0883-25-9-0012"}, "piid", "Contract number (PIID)", "the contract number (PIID)"),
    (make_agreement, {}, "awarded", "Awarded or signed", "the award or signature date"),
    (make_term, {}, "effective", "Effective", "the effective date"),
    (make_marker, {}, "known_since", "Known to exist since", "since when it is known to exist"),
    (make_designation, {}, "determined", "Determined", "the determination date"),
    (make_testing_disclosure, {}, "disclosed", "First disclosed", "the disclosure date"),
    (make_testing_disclosure, {}, "tested_to", "Testing", "when testing ended"),
    (make_event, {}, "occurred", "Date", "the date"),
    (make_vendor, {"aliases": ["OpenAI Public Sector LLC"]}, "aliases", "Also known as", "the other names"),
    (make_agency, {}, "kind", "Kind", "the kind"),
]


@pytest.mark.parametrize(("builder", "fields", "key", "label", "supports"), CASES,
                         ids=[f"{case[0].__name__[5:]}-{case[2]}" for case in CASES])
def test_every_detail_page_puts_a_footnote_at_the_fact_its_claim_names(client, builder, fields, key, label,
                                                                      supports):
    record = builder(**fields)
    make_citation(record, quote="a quote stating the fact", claims=[key])

    html = html_of(client, record)
    citations = list(record.citations.order_by("position", "id"))
    general = [n for n, c in enumerate([c for c in citations if c.claims] + [c for c in citations if not c.claims],
                                       start=1) if not c.claims]

    [number] = footnote_markers(html, key)
    assert number == 1  # the attributed footnote comes first, the general sources after
    dd = html.split(f"<dt>{label}</dt>", 1)[1].split("</dd>", 1)[0]
    assert f'id="ref-1-{key}"' in dd  # beside that fact, not on the title
    assert footnote_markers(html.split("</h1>", 1)[0], "general") == general
    assert f"Supports: {supports}." in words(html)
    assert "A general source: supports the record as a whole." in words(html)


def test_a_footnote_of_several_claims_sits_at_each_and_names_them_all(client):
    agreement = make_agreement()
    make_citation(agreement, quote="On July 14, 2025, a $200 million ceiling", claims=["ceiling", "announced"])

    html = html_of(client, agreement)

    assert footnote_markers(html, "ceiling") == footnote_markers(html, "announced") == [1]
    assert "Supports: the ceiling and the announcement date." in words(html)


def test_a_field_confidence_is_shown_beside_its_field_only(client):
    agreement = make_agreement(piid="HQ0883-25-9-0012", field_confidence={"piid": "low"}, confidence="high")
    plain = make_agreement(piid="W911QX-24-D-0012")

    assert facts(html_of(client, agreement))["Contract number (PIID)"] == "HQ0883-25-9-0012 (low confidence)"
    assert facts(html_of(client, agreement))["Confidence"].startswith("High")
    assert facts(html_of(client, agreement))["Confidence"].endswith("; rated apart: the contract number (PIID): low")
    assert facts(html_of(client, plain))["Contract number (PIID)"] == "W911QX-24-D-0012"
    assert "rated apart" not in facts(html_of(client, plain))["Confidence"]


def test_the_source_page_says_in_words_what_each_citation_supports(client):
    source = make_source(title="A wire report")
    agreement = make_agreement(title="A deal")
    make_citation(agreement, source=source, quote="a $200 million ceiling", claims=["ceiling", "amount:ceiling_increase"])
    make_citation(agreement, source=source, quote="about the deal")

    page = words(html_of(client, source))

    assert "the ceiling and the ceiling increase “a $200 million ceiling”" in page
    assert "the record as a whole (a general source) “about the deal”" in page


# --- the API ----------------------------------------------------------------------------------------

def test_the_api_gives_claims_and_field_confidence_on_details_and_lists(client):
    agreement = make_agreement(slug="deal", piid="HQ0883-25-9-0012", field_confidence={"piid": "low"})
    make_citation(agreement, quote="a $200 million ceiling", claims=["ceiling"])

    detail = client.get("/api/v1/agreements/deal/").json()
    [listed] = client.get("/api/v1/agreements/?include=citations").json()["results"]
    source = client.get(f"/api/v1/sources/{agreement.citations.first().source.slug}/").json()

    assert detail["field_confidence"] == {"piid": "low"}
    assert [c["claims"] for c in detail["citations"]] == [[], ["ceiling"]]
    assert listed["field_confidence"] == {"piid": "low"} and listed["citations"] == detail["citations"]
    assert "field_confidence" not in source  # a source is not a cited record


def test_as_of_gives_the_claims_a_citation_had_then(client):
    agreement = make_agreement(slug="deal")
    citation = make_citation(agreement, quote="a $200 million ceiling")
    before = ChangeLog.objects.latest("id").at
    citation.claims = ["ceiling"]
    apply_change(citation, user=builder_user(), reason="claims attributed")

    moment = before.isoformat().replace("+00:00", "Z")
    then = client.get(f"/api/v1/agreements/deal/?as_of={moment}").json()
    now = client.get("/api/v1/agreements/deal/").json()

    assert [c["claims"] for c in then["citations"] if c["quote"] == "a $200 million ceiling"] == [[]]
    assert [c["claims"] for c in now["citations"] if c["quote"] == "a $200 million ceiling"] == [["ceiling"]]


# --- the model's own checks (admin, write path) -------------------------------------------------------

@pytest.mark.parametrize(("claims", "message"), [
    (["ceilng"], "“ceilng” is not a claim of an agreement"),
    (["amount:lunch"], "'lunch' is not a kind of amount"),
    (["term:Not a slug!"], "is not a term slug"),
    ("ceiling", "Claims are a list of claim keys"),
    (["status", "status"], "A claim is listed twice."),
])
def test_a_citation_refuses_claims_outside_its_records_vocabulary(claims, message):
    citation = Citation(target=make_agreement(), source=make_source(), quote="words", claims=claims)

    with pytest.raises(ValidationError) as error:
        citation.full_clean()

    assert any(message in text for text in error.value.message_dict["claims"])


def test_claims_are_checked_against_the_type_of_the_cited_record():
    event = make_event(links=[(EventLink.Role.SUBJECT, "vendor", make_vendor())])

    Citation(target=event, source=make_source(), quote="words", claims=["occurred", "links"]).full_clean()
    with pytest.raises(ValidationError):
        Citation(target=event, source=make_source(), quote="words", claims=["ceiling"]).full_clean()


@pytest.mark.parametrize(("levels", "message"), [
    ({"pid": "low"}, "“pid” is not a field of an agreement"),
    ({"piid": "shaky"}, "is high, medium or low, not 'shaky'"),
    (["piid"], "Field confidence is an object"),
])
def test_a_record_refuses_field_confidence_of_unknown_fields_or_levels(levels, message):
    agreement = make_agreement()
    agreement.field_confidence = levels

    with pytest.raises(ValidationError) as error:
        agreement.full_clean()

    assert any(message in text for text in error.value.message_dict["field_confidence"])
