"""Hostile parameters on every page and feed (schemathesis covers only /api/v1/): every list page, its CSV and
its feed, the other feeds, /search/, /corrections/ and every kind of record page get control characters, invalid
UTF-8 percent-escapes, 3,000-character values, SQL-ish and traversal strings, unknown and repeated parameters,
and every known filter parameter with garbage. None may answer 5xx, and each answer must be well formed: HTML
that decodes as UTF-8 and ends its document, Atom that parses as XML, CSV that decodes and parses.

One test per address, which collects every failing request, so a failure names them all."""

import csv
import io
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.urls import resolve

from registry.interchange import record_types
from registry.models import Notice
from registry.page_parameters import NOT_HTML
from registry.services import apply_change, change_set, give_notice
from tests.builders import (
    builder_user,
    in_one_change,
    make_agency,
    make_agreement,
    make_amount,
    make_designation,
    make_event,
    make_marker,
    make_source,
    make_term,
    make_testing_disclosure,
    make_vendor,
)

pytestmark = pytest.mark.django_db

RAW = object()  # marks a value already written as it goes in the query string (invalid UTF-8 escapes)

# Every hostile value, each tried in ``q`` (always a valid field, so each reaches the query, the summary and the
# feed's title) and in every parameter at once. (Every C0 control character in ``q`` of every list, its feed and
# its CSV: test_feed_safety.py.)
VALUES = [
    "\x00", "\x01", "\x1f", "\x7f", "\x85", "\ufffe",
    (RAW, "%C0%AF"), (RAW, "%FF"), (RAW, "%ED%A0%80"), (RAW, "%F4%90%80%80"), (RAW, "%"), (RAW, "%zz"),
    "x" * 3000, "' OR 1=1 --", '"; DROP TABLE registry_changelog; --',
    "../../../etc/passwd", (RAW, "..%2F..%2Fetc%2Fpasswd"),
    "-1", "1e309", "18446744073709551616", "NaN", "9999-12-31", "0000-00-00",
    "2025-13", "2025-02-30", "null", ",", "-", "-id", "<script>x</script>",
    "\u202e\ufeff", "\U0001f4a3",
]  # (the other C0 characters in ``q``: test_feed_safety.py; long digits and the lowest integer: PROBES)
# For every parameter alone, values a field may accept and a query then mishandle: overflowing numbers (integer,
# decimal, negative), the last representable day (an inclusive ``*_before`` reaches past it). Control characters,
# invalid UTF-8, long, SQL-ish and traversal text go in every parameter at once and in ``q`` (VALUES).
PROBES = ["9" * 3000, "-9223372036854775809", "1e309", "9999-12-31"]
# A few of each kind: for pages that read no parameter but echo ``q`` in the site's search box (records,
# the other feeds, home), and for the CSVs (their FilterSet is the page's).
SHORT = ["\x00", "\x01", "\x1f", (RAW, "%C0%AF"), (RAW, "%FF"), "x" * 3000, "' OR 1=1 --", "../../etc/passwd", ","]
PAGING = ["cursor", "page_size"]


def encoded(value):
    if isinstance(value, tuple) and value[0] is RAW:
        return value[1]
    return quote(value, safe="")


def list_parameters(path):
    """Every parameter a list reads: its FilterSet's filters (ordering included) and paging."""
    view = resolve(f"/{path}/").func.view_class
    return [*view.filterset_class(None).filters, *PAGING]


def queries(parameters, *, alone=PROBES, together=VALUES):
    """Each parameter alone (and every one's ``__in`` alias at once) with each of ``alone``; ``q`` with an
    unknown parameter and a hostile key, and every parameter at once, with each of ``together``; repeated and
    broken keys."""
    for value in alone:
        for name in parameters:
            yield f"{name}={encoded(value)}"
        yield "&".join(f"{name}__in={encoded(value)}" for name in parameters)
    for value in together:
        yield f"q={encoded(value)}&utm_source={encoded(value)}&{encoded(value)}=1"
        yield "&".join(f"{name}={encoded(value)}" for name in parameters)
    yield from ("ordering=,", "ordering=,title", "ordering=-", "ordering=--title", "page_size=0", "cursor=%00")
    yield "q=a&q=b&ordering=title&ordering=-title&page_size=1&page_size=x&cursor=a&cursor=b"
    yield "&".join(f"{name}=1&{name}=2" for name in parameters)
    yield "&&&=&==&q"
    yield "q"


def check_html(response):
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    text = response.content.decode("utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>") and text.rstrip().endswith("</html>")
    unfit = NOT_HTML.search(text)
    assert not unfit, f"{unfit.group(0)!r} in the page"


def check_feed(response):
    if response.status_code == 200:
        assert response["Content-Type"].startswith("application/atom+xml")
        ET.fromstring(response.content)
    else:
        assert response["Content-Type"].startswith("text/plain")
        response.content.decode("utf-8")


def check_csv(response):
    if response.status_code == 200:
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows and all(len(row) == len(rows[0]) for row in rows)
    else:
        check_html(response)


def failures_of(client, url, query_strings, check):
    """Every request of ``url`` with each query string that answers 5xx or is not well formed."""
    failures = []
    for query in query_strings:
        target = f"{url}?{query}"
        try:
            response = client.get(target)
            assert response.status_code < 500, f"status {response.status_code}"
            check(response)
        except Exception as error:  # noqa: BLE001 - collect them all, to name every failing request
            failures.append(f"{target[:160]} → {type(error).__name__}: {str(error)[:160]}")
    return failures


@pytest.fixture
@in_one_change
def world():
    """One record of every type, linked as they are in the registry, with amounts, notices and a retraction."""
    agency = make_agency(slug="dod")
    vendor = make_vendor(slug="acme")
    deal = make_agreement(slug="deal", awarding_agency=agency, vendors=[vendor])
    make_amount(deal)
    make_term(slug="term", agreement=deal)
    make_marker(slug="marker", agreement=deal)
    make_designation(slug="designation", vendor=vendor, issuing_agency=agency, affected=[deal])
    make_testing_disclosure(slug="testing", agency=agency, vendors=[vendor], agreements=[deal])
    make_event(slug="event", links=[("subject", "vendor", vendor), ("actor", "agency", agency)])
    make_source(slug="source")
    make_agreement(retracted=True, awarding_agency=agency)
    with change_set(user=builder_user(), reason="corrected"):
        apply_change(deal)
        give_notice(deal, kind=Notice.Kind.CORRECTION, text="fixed")
    return {"slugs": {"agreement": "deal", "term": "term", "addendum-marker": "marker", "vendor": "acme",
                      "agency": "dod", "designation": "designation", "testing-disclosure": "testing",
                      "event": "event", "source": "source"}}


PATHS = [t.path for t in record_types()]


@pytest.mark.parametrize("path", PATHS)
def test_a_list_its_feed_and_its_csv_answer_every_hostile_query_without_a_5xx_and_well_formed(client, world, path):
    parameters = list_parameters(path)
    failures = [
        *failures_of(client, f"/{path}/", queries(parameters), check_html),
        *failures_of(client, f"/{path}/feed/", queries(parameters, alone=["9999-12-31"]), check_feed),
        *failures_of(client, f"/{path}/csv/", queries(parameters, alone=["9" * 3000], together=SHORT), check_csv),
    ]

    assert not failures, "\n".join(failures)


def test_the_other_feeds_answer_every_hostile_query_with_well_formed_atom_or_a_400(client, world):
    failures = failures_of(client, "/corrections/feed/", queries(["kind", "type", "q"]), check_feed)
    for url in ("/changes/feed/", "/agreements/new/feed/", "/vendors/acme/feed/", "/agencies/dod/feed/"):
        failures += failures_of(client, url, queries(["q", "after"], alone=[], together=SHORT), check_feed)

    assert not failures, "\n".join(failures)


def test_search_corrections_and_the_other_pages_answer_every_hostile_query_without_a_5xx(client, world):
    failures = [
        *failures_of(client, "/search/", queries(["q", "type", "page_size", "cursor"]), check_html),
        *failures_of(client, "/corrections/", queries(["kind", "type", "cursor", "page_size"]), check_html),
        *failures_of(client, "/", queries(["q"], alone=[], together=SHORT), check_html),
        *failures_of(client, "/about/", queries(["q"], alone=[], together=SHORT), check_html),
    ]

    assert not failures, "\n".join(failures)


def test_a_record_page_ignores_hostile_queries_and_a_hostile_slug_is_a_404(client, world):
    """Record pages read no parameter (``as_of`` is the API's): every value reaches only the search box; a hostile
    slug is a 404."""
    failures = failures_of(client, "/agreements/deal/", queries(["as_of", "q", "format", "cursor"]), check_html)
    for record_type in record_types():
        url = f"/{record_type.path}/{world['slugs'][record_type.name]}/"
        failures += failures_of(client, url, queries(["as_of", "q"], alone=[], together=SHORT), check_html)
        for slug in ("%C0%AF", "%FF", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "x" * 3000, "%01", "%00", "a%20b",
                     quote("' OR 1=1 --", safe=""), "new", "-", "_"):
            response = client.get(f"/{record_type.path}/{slug}/")
            if response.status_code != 404:
                failures.append(f"/{record_type.path}/{slug[:60]}/ → {response.status_code}")

    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("url", ["/agreements/?ordering=,-title", "/agreements/feed/?ordering=,-title",
                                 "/agreements/csv/?ordering=,-title", "/api/v1/agreements/?ordering=,-title"])
def test_an_empty_entry_in_ordering_is_skipped_as_django_filter_skips_it(client, url):
    """``?ordering=,-title`` sorts by -title (it was a KeyError: a 500 on every list, CSV, feed and API list)."""
    make_agreement(slug="alpha", title="Alpha")
    make_agreement(slug="omega", title="Omega")

    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content

    assert response.status_code == 200
    if "/feed/" not in url:
        assert body.index(b"Omega") < body.index(b"Alpha")
