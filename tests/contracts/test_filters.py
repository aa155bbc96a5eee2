"""Every filter of the agreement, term, marker, vendor and agency lists narrows correctly, alone and
combined; malformed values are form errors (400), never a 500; unknown parameters are ignored.

The FilterSets are the ones the pages, the API and the CSV share, so most tests ask the FilterSet
directly; the page tests check that the page applies them and answers bad input with a 400."""

import datetime
import re
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import transaction
from django.http import QueryDict

from contracts.filters import (
    AgencyFilterSet,
    AgreementFilterSet,
    ClassifiedAddendumMarkerFilterSet,
    PublicTermFilterSet,
    VendorFilterSet,
)
from contracts.models import Agreement, ClassifiedAddendumMarker
from disclosures.models import Designation
from tests.builders import (
    PUBLISHED,
    _save,
    make_agency,
    make_agreement,
    make_amount,
    make_party,
    make_term,
    make_vendor,
    one_change,
    unique,
)

pytestmark = pytest.mark.django_db


def day(text):
    """(date, precision) keyword pair of a partial date field, from 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'."""
    parts = [int(p) for p in text.split("-")]
    precision = {1: "year", 2: "month", 3: "day"}[len(parts)]
    return datetime.date(*(parts + [1] * (3 - len(parts)))), precision


def dated(field, text):
    value, precision = day(text) if text else (None, "")
    return {field: value, f"{field}_precision": precision}


def found(filterset_class, query):
    """Slugs the FilterSet selects from the public records for a query string; the query must be valid."""
    model = filterset_class._meta.model
    filterset = filterset_class(QueryDict(query), queryset=model.objects.public())
    assert filterset.is_valid(), filterset.errors
    return {record.slug for record in filterset.qs}


def errors_of(filterset_class, query):
    model = filterset_class._meta.model
    filterset = filterset_class(QueryDict(query), queryset=model.objects.public())
    assert not filterset.is_valid()
    return filterset.errors


def listed(client, url):
    """Slugs of the rows a list page shows (one page of up to 500)."""
    response = client.get(url + ("&" if "?" in url else "?") + "page_size=500")
    assert response.status_code == 200, response.content.decode()[:500]
    return set(re.findall(r'<th scope="row"><a href="/[a-z-]+/([^/"]+)/">', response.content.decode()))


# tests.builders.make_marker and make_designation build a default agreement / vendor even when one is
# given (``fields.setdefault(key, make_…())`` runs the builder first); these two build only what is asked.

def make_marker(*, agreement, published=True, retracted=False, **fields):
    fields.setdefault("title", "Marker")
    fields.setdefault("existence", ClassifiedAddendumMarker.Existence.REPORTED_BY_ONE_SOURCE)
    marker = ClassifiedAddendumMarker(slug=fields.pop("slug", unique("marker")), agreement=agreement,
                                      published_at=PUBLISHED if published else None, **fields)
    return _save(marker, retracted=retracted)


def make_designation(*, vendor, published=True, retracted=False):
    designation = Designation(slug=unique("designation"), vendor=vendor, title="Designation",
                              kind=Designation.Kind.SUPPLY_CHAIN_RISK_3252, status=Designation.Status.IN_EFFECT,
                              published_at=PUBLISHED if published else None)
    return _save(designation, retracted=retracted)


# --- the world the tests filter ------------------------------------------------------------

@contextmanager
def built_once(django_db_blocker):
    """Build a world once for a class of tests and roll it back afterwards (each test still runs in
    its own savepoint), like the seeded fixture does for the seed."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def build_agencies():
    dod = make_agency(slug="dod", name="Department of Defense", acronym="DoD", kind="department")
    cdao = make_agency(slug="cdao", name="Chief Digital and AI Office", acronym="CDAO", parent=dod)
    army = make_agency(slug="army", name="U.S. Army", parent=dod)
    army_lab = make_agency(slug="army-lab", name="Army Research Laboratory", parent=army, kind="office")
    uk = make_agency(slug="uk-mod", name="UK Ministry of Defence", country="GB", kind="department")
    return {"dod": dod, "cdao": cdao, "army": army, "army-lab": army_lab, "uk-mod": uk}


def build_vendors():
    return {
        "openai": make_vendor(slug="openai", name="OpenAI"),
        "anthropic": make_vendor(slug="anthropic", name="Anthropic PBC"),
        "palantir": make_vendor(slug="palantir", name="Palantir", kind="defense_technology"),
        "aws": make_vendor(slug="aws", name="Amazon Web Services", kind="cloud_provider"),
    }


@pytest.fixture(scope="class")
def deals(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        with one_change():
            built = build_deals()
        yield built


def build_deals():
    """Four public agreements, one retracted and one draft that would match everything."""
    a, v = build_agencies(), build_vendors()
    pilot = make_agreement(
        slug="pilot", title="Frontier pilot", awarding_agency=a["cdao"], vendors=[v["openai"]],
        vehicle="ot_prototype", status="active", terms_disclosure="summary", federal_data_status="found",
        confidence="high", ceiling_amount=Decimal("200000000"), **dated("announced_on", "2025-07-31"))
    make_term(agreement=pilot, category="domestic_surveillance", effect="prohibits")
    make_marker(agreement=pilot)

    enterprise = make_agreement(
        slug="enterprise", title="Enterprise licence", awarding_agency=a["army-lab"], vehicle="enterprise_agreement",
        status="announced", terms_disclosure="summary", federal_data_status="not_found", confidence="medium",
        **dated("announced_on", "2025-07"))
    make_party(enterprise, v["anthropic"], role="partner")
    make_amount(enterprise, "reported_award_value", "642000000.00")
    # A prohibiting surveillance term and a SEPARATE permitting weapons term.
    make_term(agreement=enterprise, category="domestic_surveillance", effect="prohibits")
    make_term(agreement=enterprise, category="autonomous_weapons", effect="permits")
    make_marker(agreement=enterprise, retracted=True)

    strategic = make_agreement(
        slug="strategic", title="Strategic partnership", awarding_agency=a["uk-mod"], participating=[a["cdao"]],
        vehicle="partnership", status="disputed", terms_disclosure="partial", confidence="low",
        ceiling_amount=Decimal("10000000"), **dated("first_reported_on", "2025-03"))
    make_party(strategic, v["palantir"], role="subcontractor")
    make_term(agreement=strategic, category="domestic_surveillance", effect="permits")
    make_term(agreement=strategic, category="autonomous_weapons", effect="prohibits", retracted=True)
    make_term(agreement=strategic, category="autonomous_weapons", effect="prohibits", published=False)

    alliance = make_agreement(
        slug="alliance", title="Cloud alliance", awarding_agency=None, vehicle="other", status="completed",
        terms_disclosure="full_text", confidence="medium", ceiling_amount=Decimal("50000000"),
        **dated("announced_on", "2024"))
    make_party(alliance, v["aws"], role="cloud_provider")
    make_party(alliance, v["anthropic"], role="reseller")
    make_term(agreement=alliance, category="domestic_surveillance", effect="permits", status="removed")
    make_term(agreement=alliance, category="autonomous_weapons", effect="silent")

    for slug, extra in (("withdrawn", {"retracted": True}), ("draft", {"published": False})):
        hidden = make_agreement(
            slug=slug, title="Frontier pilot strategic", awarding_agency=a["cdao"], vendors=list(v.values()),
            vehicle="ot_prototype", status="active", confidence="high", ceiling_amount=Decimal("50000000"),
            **dated("announced_on", "2025-07-15"), **extra)
        make_marker(agreement=hidden, published="published" not in extra)  # a draft shows no public part
    return {"pilot": pilot, "enterprise": enterprise, "strategic": strategic, "alliance": alliance}


ALL_DEALS = {"pilot", "enterprise", "strategic", "alliance"}


# --- agreements ----------------------------------------------------------------------------

AGREEMENT_CASES = {
    # agency: awarding or participating, sub-agencies at any depth included
    "agency=dod": {"pilot", "enterprise", "strategic"},
    "agency=cdao": {"pilot", "strategic"},
    "agency=army": {"enterprise"},
    "agency=uk-mod": {"strategic"},
    "agency=uk-mod&agency=army": {"strategic", "enterprise"},
    "agency__in=uk-mod,army": {"strategic", "enterprise"},
    "awarding_agency=cdao": {"pilot"},
    "awarding_agency=dod": {"pilot", "enterprise"},
    # vendor: a party in any role
    "vendor=anthropic": {"enterprise", "alliance"},
    "vendor=palantir": {"strategic"},
    "vendor=aws": {"alliance"},
    "vendor=openai&vendor=palantir": {"pilot", "strategic"},
    "vendor__in=openai,palantir": {"pilot", "strategic"},
    "vendor=openai&vendor__in=aws": {"pilot", "alliance"},
    "vehicle=ot_prototype": {"pilot"},
    "vehicle=ot_prototype&vehicle=partnership": {"pilot", "strategic"},
    "vehicle__in=ot_prototype,partnership": {"pilot", "strategic"},
    "status=disputed": {"strategic"},
    "status=active&status=completed": {"pilot", "alliance"},
    "terms_disclosure=summary": {"pilot", "enterprise"},
    "terms_disclosure=none": set(),  # every deal has a public term in force: none may say "none"
    "federal_data_status=found": {"pilot"},
    "federal_data_status=not_checked": {"strategic", "alliance"},
    "confidence=low": {"strategic"},
    "confidence=medium": {"enterprise", "alliance"},
    # terms: current (in force or disputed), public terms only
    "term_category=domestic_surveillance": {"pilot", "enterprise", "strategic"},
    "term_category=domestic_surveillance&term_effect=prohibits": {"pilot", "enterprise"},
    "term_category=domestic_surveillance&term_effect=permits": {"strategic"},
    "term_category=autonomous_weapons&term_effect=prohibits": set(),  # retracted and draft terms don't count
    "term_category=autonomous_weapons&term_effect=none": {"pilot", "strategic"},
    "term_category=autonomous_weapons&term_effect=silent": {"alliance"},
    "term_category=domestic_surveillance&term_effect=none": {"alliance"},  # its only one was removed
    "term_effect=permits": {"enterprise", "strategic"},
    "has_addendum_marker=true": {"pilot"},  # the enterprise marker is retracted
    "has_addendum_marker=false": {"enterprise", "strategic", "alliance"},
    # dates: inclusive, the whole period; null dates never match
    "announced_after=2025-07": {"pilot", "enterprise"},
    "announced_before=2025-07": {"pilot", "enterprise", "alliance"},
    "announced_before=2025-07-30": {"enterprise", "alliance"},
    "announced_after=2025-07-31": {"pilot"},
    "announced_after=2024&announced_before=2024": {"alliance"},
    "announced_after=1900": {"pilot", "enterprise", "alliance"},
    # the best known date: announced, else awarded, else first reported (strategic: March 2025), else start
    "date_after=2025-07": {"pilot", "enterprise"},
    "date_before=2025-06": {"strategic", "alliance"},
    "date_after=2025-03&date_before=2025-03": {"strategic"},
    "ordering=-date": ALL_DEALS,
    # amounts: a kind in its own field (ceiling, obligated) or as a typed amount
    "amount_kind=reported_award_value": {"enterprise"},
    "amount_kind=ceiling": {"pilot", "strategic", "alliance"},
    "amount_kind=ceiling&amount_kind=reported_award_value": ALL_DEALS,
    "amount_kind=obligated": set(),
    # money: null (undisclosed) never matches
    "ceiling_min=50000000": {"pilot", "alliance"},
    "ceiling_max=50000000": {"strategic", "alliance"},
    "ceiling_min=10000000&ceiling_max=10000000": {"strategic"},
    "ceiling_min=0": {"pilot", "strategic", "alliance"},
    "q=frontier": {"pilot"},
    "q=partnership OR alliance": {"strategic", "alliance"},
    "ordering=-ceiling": ALL_DEALS,
    # combined
    "vendor=anthropic&term_category=domestic_surveillance": {"enterprise"},
    "agency=dod&has_addendum_marker=false&status=announced": {"enterprise"},
    "agency=cdao&term_category=domestic_surveillance&term_effect=permits": {"strategic"},
    "vendor=anthropic&announced_before=2024-12": {"alliance"},
    "agency=dod&ceiling_min=1&confidence=high": {"pilot"},
    "vendor=anthropic&agency=dod&vehicle=partnership": set(),
    "": ALL_DEALS,
}


class TestAgreementFilters:
    """AgreementFilterSet over four public agreements (and a retracted and a draft one that match everything)."""

    @pytest.mark.parametrize("query", AGREEMENT_CASES)
    def test_agreement_filters_narrow_correctly(self, deals, query):
        assert found(AgreementFilterSet, query) == AGREEMENT_CASES[query]

    def test_one_term_must_have_both_the_category_and_the_effect(self, deals):
        # enterprise prohibits surveillance and, in another term, permits weapons: it is not an agreement
        # "whose surveillance term permits".
        assert "enterprise" not in found(AgreementFilterSet, "term_category=domestic_surveillance&term_effect=permits")
        assert "enterprise" in found(AgreementFilterSet, "term_category=domestic_surveillance")
        assert "enterprise" in found(AgreementFilterSet, "term_effect=permits")

    def test_term_effect_none_is_not_the_same_as_silent(self, deals):
        none = found(AgreementFilterSet, "term_category=autonomous_weapons&term_effect=none")
        silent = found(AgreementFilterSet, "term_category=autonomous_weapons&term_effect=silent")

        assert none.isdisjoint(silent)
        assert none | silent | {"enterprise"} == ALL_DEALS

    def test_term_effect_none_needs_a_category(self, deals):
        assert "needs a term category" in str(errors_of(AgreementFilterSet, "term_effect=none")["term_effect"])

    def test_the_term_filters_run_one_subquery_not_a_join(self, deals):
        filterset = AgreementFilterSet(QueryDict("term_category=domestic_surveillance&term_effect=prohibits"),
                                       queryset=Agreement.objects.public())
        sql = str(filterset.qs.query)

        assert sql.count("EXISTS") == 1
        assert "DISTINCT" not in sql
        assert len(list(filterset.qs)) == len(set(filterset.qs))

    @pytest.mark.parametrize("query", [
        "agency=dod", "vendor=anthropic", "term_category=domestic_surveillance&term_effect=permits",
        "announced_before=2025-07", "ceiling_min=50000000", "vendor__in=openai,palantir",
    ])
    def test_the_agreement_page_applies_the_same_filters(self, client, deals, query):
        assert listed(client, f"/agreements/?{query}") == AGREEMENT_CASES[query]

    def test_the_page_summarises_the_active_filters_and_counts_the_results(self, client, deals):
        html = client.get("/agreements/?vendor__in=openai,palantir&announced_before=2025-07&utm_source=x").content.decode()
        words = " ".join(re.sub(r"<[^>]+>", " ", html).split())

        assert "1 result where Vendor: OpenAI or Palantir; Announced on or before: July 2025." in words


# --- malformed values and unknown parameters -----------------------------------------------

MALFORMED = {
    "/agreements/?announced_after=2025-13": "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD.",
    "/agreements/?announced_before=July": "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD.",
    "/agreements/?announced_before=2025-02-30": "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD.",
    "/agreements/?vendor=no-such-vendor": "no-such-vendor",
    "/agreements/?vendor__in=openai,no-such-vendor": "no-such-vendor",
    "/agreements/?vendor=draft-vendor": "draft-vendor",
    "/agreements/?agency=no-such-agency": "no-such-agency",
    "/agreements/?vehicle=spaceship": "spaceship is not one of the available choices",
    "/agreements/?status=sideways": "sideways is not one of the available choices",
    "/agreements/?term_category=weather": "weather is not one of the available choices",
    "/agreements/?term_effect=maybe": "maybe is not one of the available choices",
    "/agreements/?term_effect=none": "needs a term category",
    "/agreements/?ceiling_min=-1": "greater than or equal to 0",
    "/agreements/?ceiling_max=-0.5": "greater than or equal to 0",
    "/agreements/?ceiling_min=lots": "Enter a number.",
    "/agreements/?ceiling_min=NaN": "Enter a number.",
    "/agreements/?has_addendum_marker=perhaps": "Use true or false.",
    "/agreements/?confidence=total": "total is not one of the available choices",
    "/agreements/?ordering=price": "price is not one of the available choices",
    "/agreements/?page_size=0": "page_size must be a whole number from 1 to 500.",
    "/agreements/?page_size=many": "page_size must be a whole number from 1 to 500.",
    "/terms/?category=weather": "weather is not one of the available choices",
    "/terms/?effective_after=20250": "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD.",
    "/terms/?agreement=no-such-agreement": "no-such-agreement",
    "/terms/?has_agreement=sometimes": "Use true or false.",
    "/terms/?text_form=poem": "poem is not one of the available choices",
    "/addendum-markers/?classification=ultra": "ultra is not one of the available choices",
    "/addendum-markers/?known_since_before=soon": "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD.",
    "/addendum-markers/?vendor=no-such-vendor": "no-such-vendor",
    "/vendors/?kind=bakery": "bakery is not one of the available choices",
    "/vendors/?country=USA": "at most 2 characters",
    "/vendors/?has_designation=2": "Use true or false.",
    "/agencies/?parent=no-such-agency": "no-such-agency",
    "/agencies/?kind=club": "club is not one of the available choices",
}


class TestMalformedValuesAndUnknownParameters:
    """Bad input is a form error with status 400, never a 500; unknown parameters change nothing."""

    @pytest.mark.parametrize("url", MALFORMED)
    def test_a_malformed_value_is_a_form_error_with_status_400(self, client, deals, url):
        make_vendor(slug="draft-vendor", published=False)

        response = client.get(url)
        html = response.content.decode()

        assert response.status_code == 400
        assert MALFORMED[url] in html.replace("&quot;", '"').replace("&#x27;", "'")
        assert 'role="alert"' in html
        assert '<table class="records">' not in html  # no results until the filters are fixed
        assert '<form class="filters"' in html  # the form is there to correct them

    @pytest.mark.parametrize("url", ["/agreements/", "/terms/", "/addendum-markers/", "/vendors/", "/agencies/"])
    def test_unknown_parameters_are_ignored(self, client, deals, url):
        plain = client.get(url)
        tracked = client.get(url + "?utm_source=newsletter&fbclid=abc&page=3&foo__in=a,b")

        assert tracked.status_code == 200
        assert listed(client, url + "?utm_source=newsletter&fbclid=abc") == listed(client, url)
        assert plain.status_code == 200


# --- terms ---------------------------------------------------------------------------------

@pytest.fixture(scope="class")
def terms(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        with one_change():
            built = build_terms()
        yield built


def build_terms():
    a, v = build_agencies(), build_vendors()
    pilot = make_agreement(slug="pilot", awarding_agency=a["cdao"], vendors=[v["openai"]])
    enterprise = make_agreement(slug="enterprise", awarding_agency=a["army-lab"])
    make_party(enterprise, v["anthropic"], role="partner")
    make_amount(enterprise, "reported_award_value", "642000000.00")
    strategic = make_agreement(slug="strategic", awarding_agency=a["uk-mod"], participating=[a["cdao"]],
                               vendors=[v["palantir"]])
    gone = make_agreement(slug="gone", awarding_agency=a["cdao"], vendors=[v["openai"]], retracted=True)
    make_term(slug="t-pilot", title="No mass surveillance", agreement=pilot, category="domestic_surveillance",
              effect="prohibits", binding="contract_clause", status="in_force", text_form="verbatim",
              confidence="high", **dated("effective_on", "2025-07-31"))
    make_term(slug="t-enterprise", title="Weapons allowed", text="Autonomous weapons may be developed.",
              agreement=enterprise, category="autonomous_weapons", effect="permits", binding="reported",
              status="proposed", text_form="paraphrase", **dated("effective_on", "2025-07"))
    make_term(slug="t-dod-policy", title="Any lawful use", text="Models may be used for any lawful purpose.",
              agency=a["dod"], category="lawful_use_scope", effect="permits", binding="official_statement",
              confidence="low")
    make_term(slug="t-anthropic-policy", title="Usage policy", text="Our models may not be used to harm people.",
              vendor=v["anthropic"], category="acceptable_use_policy", effect="restricts",
              binding="vendor_statement", text_form="verbatim", **dated("effective_on", "2024"))
    make_term(slug="t-strategic", title="Side letter on surveillance", agreement=strategic,
              category="domestic_surveillance", effect="prohibits", binding="side_letter", status="disputed")
    make_term(slug="t-retracted", agreement=pilot, retracted=True, **dated("effective_on", "2025-07-01"))
    make_term(slug="t-draft", agreement=pilot, published=False)
    make_term(slug="t-of-retracted-agreement", agreement=gone)


ALL_TERMS = {"t-pilot", "t-enterprise", "t-dod-policy", "t-anthropic-policy", "t-strategic"}

TERM_CASES = {
    "": ALL_TERMS,
    "agreement=pilot": {"t-pilot"},
    "agreement=pilot&agreement=strategic": {"t-pilot", "t-strategic"},
    "agreement__in=pilot,strategic": {"t-pilot", "t-strategic"},
    "vendor=anthropic": {"t-enterprise", "t-anthropic-policy"},  # a party, or its own policy
    "vendor=openai": {"t-pilot"},
    "vendor=palantir&vendor=openai": {"t-pilot", "t-strategic"},
    "agency=dod": {"t-pilot", "t-enterprise", "t-dod-policy", "t-strategic"},
    "agency=cdao": {"t-pilot", "t-strategic"},  # awarding, or participating
    "agency=army": {"t-enterprise"},
    "agency=uk-mod": {"t-strategic"},
    "category=domestic_surveillance": {"t-pilot", "t-strategic"},
    "category=lawful_use_scope&category=acceptable_use_policy": {"t-dod-policy", "t-anthropic-policy"},
    "effect=permits": {"t-enterprise", "t-dod-policy"},
    "binding=vendor_statement": {"t-anthropic-policy"},
    "binding=contract_clause&binding=side_letter": {"t-pilot", "t-strategic"},
    "status=proposed": {"t-enterprise"},
    "status=disputed": {"t-strategic"},
    "text_form=verbatim": {"t-pilot", "t-anthropic-policy"},
    "text_form=paraphrase": {"t-enterprise", "t-dod-policy", "t-strategic"},
    "has_agreement=true": {"t-pilot", "t-enterprise", "t-strategic"},
    "has_agreement=false": {"t-dod-policy", "t-anthropic-policy"},
    "effective_before=2025-07": {"t-pilot", "t-enterprise", "t-anthropic-policy"},
    "effective_after=2025-07": {"t-pilot", "t-enterprise"},
    "effective_after=2025-07-02": {"t-pilot"},
    "effective_before=2024-12-31": {"t-anthropic-policy"},
    "confidence=low": {"t-dod-policy"},
    "q=surveillance": {"t-pilot", "t-strategic"},
    "q=surveillance -letter": {"t-pilot"},
    "ordering=-effective": ALL_TERMS,
    "vendor=anthropic&has_agreement=false": {"t-anthropic-policy"},
    "category=domestic_surveillance&agency=cdao&status=disputed": {"t-strategic"},
    "agency=dod&effect=permits&effective_after=2025": {"t-enterprise"},
}


class TestTermFilters:
    """PublicTermFilterSet: terms of agreements, a department policy and a vendor's own policy."""

    @pytest.mark.parametrize("query", TERM_CASES)
    def test_term_filters_narrow_correctly(self, terms, query):
        assert found(PublicTermFilterSet, query) == TERM_CASES[query]

    @pytest.mark.parametrize("query", ["vendor=anthropic", "agency=cdao", "has_agreement=false", "effective_before=2025-07"])
    def test_the_term_page_applies_the_same_filters(self, client, terms, query):
        assert listed(client, f"/terms/?{query}") == TERM_CASES[query]


# --- markers -------------------------------------------------------------------------------

@pytest.fixture(scope="class")
def markers(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        with one_change():
            built = build_markers()
        yield built


def build_markers():
    a, v = build_agencies(), build_vendors()
    pilot = make_agreement(slug="pilot", awarding_agency=a["cdao"], vendors=[v["openai"]])
    enterprise = make_agreement(slug="enterprise", awarding_agency=a["army-lab"], vendors=[v["anthropic"]])
    strategic = make_agreement(slug="strategic", awarding_agency=a["uk-mod"], participating=[a["cdao"]])
    make_party(strategic, v["palantir"], role="subcontractor")
    gone = make_agreement(slug="gone", awarding_agency=a["cdao"], vendors=[v["openai"]], retracted=True)
    make_marker(slug="m-pilot", title="Classified annex", agreement=pilot, existence="acknowledged_by_agency",
                classification="secret", confidence="high", **dated("known_since", "2025-07-31"))
    make_marker(slug="m-enterprise", title="Undisclosed terms", agreement=enterprise, existence="inferred",
                **dated("known_since", "2025-07"))
    make_marker(slug="m-strategic", title="Side arrangements", agreement=strategic,
                existence="reported_by_one_source", classification="cui", confidence="low")
    make_marker(slug="m-retracted", agreement=pilot, retracted=True)
    make_marker(slug="m-draft", agreement=pilot, published=False)
    make_marker(slug="m-of-retracted-agreement", agreement=gone)


ALL_MARKERS = {"m-pilot", "m-enterprise", "m-strategic"}

MARKER_CASES = {
    "": ALL_MARKERS,
    "agreement=pilot": {"m-pilot"},
    "agreement__in=pilot,enterprise": {"m-pilot", "m-enterprise"},
    "vendor=anthropic": {"m-enterprise"},
    "vendor=palantir": {"m-strategic"},
    "vendor=openai&vendor=palantir": {"m-pilot", "m-strategic"},
    "agency=dod": ALL_MARKERS,  # strategic through its participating cdao
    "agency=cdao": {"m-pilot", "m-strategic"},
    "agency=army": {"m-enterprise"},
    "agency=uk-mod": {"m-strategic"},
    "existence=inferred": {"m-enterprise"},
    "existence=inferred&existence=acknowledged_by_agency": {"m-pilot", "m-enterprise"},
    "classification=secret&classification=cui": {"m-pilot", "m-strategic"},
    "classification=unknown": {"m-enterprise"},
    "known_since_before=2025-07": {"m-pilot", "m-enterprise"},
    "known_since_after=2025-07-15": {"m-pilot"},
    "known_since_before=2025-06": set(),
    "confidence=low": {"m-strategic"},
    "q=annex": {"m-pilot"},
    "ordering=-known_since": ALL_MARKERS,
    "agency=cdao&classification=cui": {"m-strategic"},
    "agency=dod&known_since_after=2025": {"m-pilot", "m-enterprise"},
}


class TestMarkerFilters:
    """ClassifiedAddendumMarkerFilterSet."""

    @pytest.mark.parametrize("query", MARKER_CASES)
    def test_marker_filters_narrow_correctly(self, markers, query):
        assert found(ClassifiedAddendumMarkerFilterSet, query) == MARKER_CASES[query]

    @pytest.mark.parametrize("query", ["agency=cdao", "known_since_before=2025-07"])
    def test_the_marker_page_applies_the_same_filters(self, client, markers, query):
        assert listed(client, f"/addendum-markers/?{query}") == MARKER_CASES[query]


# --- vendors -------------------------------------------------------------------------------

@pytest.fixture(scope="class")
def vendor_world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        with one_change():
            built = build_vendor_world()
        yield built


def build_vendor_world():
    vendors = build_vendors()
    make_vendor(slug="mistral", name="Mistral AI", country="FR", aliases=["Mistral"], confidence="low")
    make_vendor(slug="hidden", name="Hidden Labs", published=False)
    make_vendor(slug="withdrawn", name="Withdrawn Labs", retracted=True)
    make_designation(vendor=vendors["anthropic"])
    make_designation(vendor=vendors["palantir"], retracted=True)
    make_designation(vendor=vendors["aws"], published=False)


ALL_VENDORS = {"openai", "anthropic", "palantir", "aws", "mistral"}

VENDOR_CASES = {
    "": ALL_VENDORS,
    "kind=frontier_lab": {"openai", "anthropic", "mistral"},
    "kind=cloud_provider&kind=defense_technology": {"aws", "palantir"},
    "kind__in=cloud_provider,defense_technology": {"aws", "palantir"},
    "country=FR": {"mistral"},
    "country=fr": {"mistral"},
    "country=US": {"openai", "anthropic", "palantir", "aws"},
    "has_designation=true": {"anthropic"},  # retracted and draft designations don't count
    "has_designation=false": {"openai", "palantir", "aws", "mistral"},
    "confidence=low": {"mistral"},
    "q=mistral": {"mistral"},
    "q=Amazon": {"aws"},
    "ordering=-name": ALL_VENDORS,
    "kind=frontier_lab&country=US&has_designation=false": {"openai"},
}


class TestVendorFilters:
    """VendorFilterSet."""

    @pytest.mark.parametrize("query", VENDOR_CASES)
    def test_vendor_filters_narrow_correctly(self, vendor_world, query):
        assert found(VendorFilterSet, query) == VENDOR_CASES[query]

    def test_only_public_vendors_can_be_chosen_in_a_vendor_filter(self, vendor_world):
        choices = set(AgreementFilterSet(QueryDict("")).form.fields["vendor"].queryset.values_list("slug", flat=True))

        assert choices == ALL_VENDORS

    @pytest.mark.parametrize("query", ["has_designation=true", "kind=frontier_lab&country=US&has_designation=false"])
    def test_the_vendor_page_applies_the_same_filters(self, client, vendor_world, query):
        assert listed(client, f"/vendors/?{query}") == VENDOR_CASES[query]


# --- agencies ------------------------------------------------------------------------------

@pytest.fixture(scope="class")
def agency_world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        with one_change():
            built = build_agency_world()
        yield built


def build_agency_world():
    agencies = build_agencies()
    make_agency(slug="hidden", name="Hidden Office", parent=agencies["dod"], published=False)
    make_agency(slug="withdrawn", name="Withdrawn Office", parent=agencies["dod"], retracted=True)
    make_agency(slug="eop", name="Executive Office of the President", aliases=["White House"], kind="executive_office",
                confidence="high")


ALL_AGENCIES = {"dod", "cdao", "army", "army-lab", "uk-mod", "eop"}

AGENCY_CASES = {
    "": ALL_AGENCIES,
    "parent=dod": {"cdao", "army", "army-lab"},  # anywhere below, not itself
    "parent=army": {"army-lab"},
    "parent=army&parent=uk-mod": {"army-lab"},
    "parent__in=dod,army": {"cdao", "army", "army-lab"},
    "kind=department": {"dod", "uk-mod"},
    "kind=office&kind=executive_office": {"army-lab", "eop"},
    "country=GB": {"uk-mod"},
    "country=gb": {"uk-mod"},
    "confidence=high": {"eop"},
    "q=White House": {"eop"},
    "q=army": {"army", "army-lab"},
    "ordering=-name": ALL_AGENCIES,
    "parent=dod&kind=component": {"cdao", "army"},
    "country=US&kind=department": {"dod"},
}


class TestAgencyFilters:
    """AgencyFilterSet, over a three-level agency tree."""

    @pytest.mark.parametrize("query", AGENCY_CASES)
    def test_agency_filters_narrow_correctly(self, agency_world, query):
        assert found(AgencyFilterSet, query) == AGENCY_CASES[query]

    def test_only_public_agencies_can_be_chosen_in_an_agency_filter(self, agency_world):
        choices = set(AgreementFilterSet(QueryDict("")).form.fields["agency"].queryset.values_list("slug", flat=True))

        assert choices == ALL_AGENCIES

    @pytest.mark.parametrize("query", ["parent=dod", "country=gb"])
    def test_the_agency_page_applies_the_same_filters(self, client, agency_world, query):
        assert listed(client, f"/agencies/?{query}") == AGENCY_CASES[query]


def test_every_filter_of_every_list_is_covered_here():
    """A new filter must get a case above: this lists which parameters the cases exercise."""
    cases = {AgreementFilterSet: AGREEMENT_CASES, PublicTermFilterSet: TERM_CASES,
             ClassifiedAddendumMarkerFilterSet: MARKER_CASES, VendorFilterSet: VENDOR_CASES,
             AgencyFilterSet: AGENCY_CASES}
    for filterset_class, queries in cases.items():
        used = {pair.split("=")[0].removesuffix("__in") for query in queries for pair in query.split("&") if pair}
        declared = set(filterset_class(QueryDict(""), queryset=filterset_class._meta.model.objects.none()).filters)
        assert declared <= used, f"{filterset_class.__name__} misses cases for {declared - used}"
