"""An axe-core scan (WCAG 2.0/2.1/2.2, A and AA) of every kind of page finds no violation: lists (plain and
filtered), every record type's page, a retracted record, search, the about pages, forms, the account and
moderation pages, the error page, at a desk width and at a phone width."""

import datetime

import pytest

from contracts.models import AgreementParty, PublicTerm
from disclosures.models import Event
from registry.models import ChangeLog
from tests.browser.conftest import axe_violations, needs_browser, session_cookie
from tests.builders import (
    make_agency,
    make_agreement,
    make_amount,
    make_designation,
    make_event,
    make_marker,
    make_party,
    make_source,
    make_term,
    make_testing_disclosure,
    make_vendor,
)
from tests.snapshots import write_snapshot

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def one_of_each_record():
    """A small registry with one record of every type, linked as real records are."""
    department = make_agency(name="Department of Defense", acronym="DOD")
    agency = make_agency(name="Chief Digital and AI Office", acronym="CDAO", parent=department)
    vendor = make_vendor(name="Example AI")
    partner = make_vendor(name="Example Cloud")
    agreement = make_agreement(title="Frontier AI prototype agreement", awarding_agency=agency,
                               vendors=[vendor], announced_on=datetime.date(2025, 7, 14), announced_on_precision="day")
    make_party(agreement, partner, role=AgreementParty.Role.CLOUD_PROVIDER)
    make_amount(agreement, kind="reported_award_value", amount="200000000.00")
    term = make_term(agreement=agreement, category=PublicTerm.Category.DOMESTIC_SURVEILLANCE,
                     effect=PublicTerm.Effect.RESTRICTS)
    marker = make_marker(agreement=agreement)
    designation = make_designation(vendor=vendor, affected=[agreement])
    testing = make_testing_disclosure(agency=agency, vendors=[vendor], agreements=[agreement])
    event = make_event(kind=Event.Kind.LAWSUIT, links=[("subject", "vendor", vendor)])
    source = make_source()
    retracted = make_agreement(title="A retracted agreement", retracted=True)
    second = make_agreement(title="Enterprise AI agreement", awarding_agency=department, vendors=[partner])
    return {"agreement": agreement, "second": second, "term": term, "marker": marker, "vendor": vendor, "agency": agency,
            "designation": designation, "testing": testing, "event": event, "source": source,
            "retracted": retracted}


def public_paths(records):
    lists = ["/agreements/", "/terms/", "/addendum-markers/", "/vendors/", "/agencies/", "/designations/",
             "/testing-disclosures/", "/events/", "/sources/"]
    details = [records[name].get_absolute_url() for name in
               ("agreement", "term", "marker", "vendor", "agency", "designation", "testing", "event", "source",
                "retracted")]
    return ["/", *lists, f"/agreements/?vendor={records['vendor'].slug}&status=nonsense", *details,
            "/search/?q=frontier", "/about/", "/data/", "/about/api/", "/about/submissions/",
            "/corrections/", "/account/login/", "/account/signup/", "/no-such-page/", *issue_11_paths(records)]


def issue_11_paths(records):
    """The matrix, comparison, timeline, charts, history, recent changes and feed previews."""
    agreement, second = records["agreement"], records["second"]
    revisions = list(ChangeLog.objects.public().filter(record_type="agreement", slug=agreement.slug)
                     .order_by("public_id").values_list("public_id", flat=True))
    base = agreement.get_absolute_url()
    return ["/terms/matrix/", "/terms/matrix/?term_category=domestic_surveillance&term_effect=restricts",
            f"/agreements/compare/?a={agreement.slug}&a={second.slug}", f"/agreements/compare/?a={agreement.slug}",
            "/timeline/", f"/timeline/?vendor={records['vendor'].slug}", "/charts/", "/changes/",
            f"/changes/{revisions[0]}/", f"{base}revisions/{revisions[-1]}/", f"{base}history/",
            f"{base}history/diff/?from={revisions[0]}&to={revisions[-1]}", f"{base}revisions/?as_of=2001-01-01",
            "/agreements/feed/preview/", "/timeline/feed/preview/", "/changes/feed/preview/"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@needs_browser
@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_it_finds_no_accessibility_violation_on_any_kind_of_page(live_server, chromium, alice, mod, viewport, settings,
                                                                 tmp_path):
    records = one_of_each_record()
    settings.EXPORT_ROOT = tmp_path
    write_snapshot(tmp_path)  # the data page with its files and columns
    pages = {None: public_paths(records),
             alice: ["/account/", "/submissions/", "/submit/agreements/",
                     f"/submit/agreements/{records['agreement'].slug}/correction/"],
             mod: ["/moderation/"]}
    cookies = {user: session_cookie(user, live_server) for user in pages if user is not None}
    problems = {}
    for user, paths in pages.items():
        context = chromium.new_context(bypass_csp=True, viewport=viewport)
        if user is not None:
            context.add_cookies([cookies[user]])
        page = context.new_page()
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            found = axe_violations(page)
            if found:
                problems[f"{path} at {viewport['width']} px"] = found
        context.close()
    assert problems == {}
