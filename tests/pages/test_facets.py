"""The lists' filters as facets (registry/facets.py): each value's count is the number of results it gives
under the OTHER active filters (ticking it gives exactly that many), one GROUP BY per group; vendors and
agencies show their top 10 with a text field for any other; long groups fold in <details>; applied filters
are removable chips."""

import re
from html import unescape
from urllib.parse import parse_qsl, urlencode

import pytest
from django.urls import resolve

from registry import facets
from registry.facets import count_label
from registry.interchange import record_types
from tests.builders import (
    in_one_change,
    make_agency,
    make_agreement,
    make_amount,
    make_designation,
    make_event,
    make_term,
    make_testing_disclosure,
    make_vendor,
)
from tests.queries import queries_of

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<input type="checkbox" name="(\w+)" value="([^"]*)" id="[^"]+"( checked)?><label[^>]*>(.*?)'
                    r'(?: <span class="count"><span class="visually-hidden">: </span>([\d,+]+)<span.*?)?</label>', re.S)
RESULTS = re.compile(r'<p class="summary"[^>]*><strong>(\d+)</strong>')


def options(html, name=None):
    """[(name, value, checked, label, count)] of the page's facet checkboxes."""
    found = [(n, unescape(v), bool(c), unescape(label).strip(), count) for n, v, c, label, count in OPTION.findall(html)]
    # the agreements list's rows have checkboxes too ("a": compare these), which are not a facet
    return [option for option in found if option[0] != "a" and (name is None or option[0] == name)]


def counts(html, name):
    return {value: int(count.replace(",", "")) for _, value, _, _, count in options(html, name)}


def result_count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return int(RESULTS.search(response.content.decode()).group(1))


@pytest.fixture
@in_one_change
def world():
    """Agreements of two vendors under a department and its office, in several statuses."""
    department = make_agency(slug="department", name="Department of Examples", acronym="DOE", kind="department")
    office = make_agency(slug="office", name="Office of Samples", parent=department)
    other = make_agency(slug="other-agency", name="Other Agency")
    alpha, bravo = make_vendor(slug="alpha", name="Alpha Labs"), make_vendor(slug="bravo", name="Bravo Systems")
    rows = [
        make_agreement(vendors=[alpha], awarding_agency=office, status="active"),
        make_agreement(vendors=[alpha, bravo], awarding_agency=department, status="active"),
        make_agreement(vendors=[bravo], awarding_agency=other, status="announced", participating=[office]),
        make_agreement(vendors=[alpha], awarding_agency=other, status="terminated"),
        make_agreement(vendors=[], awarding_agency=office, status="announced", ceiling_amount="1000.00"),
    ]
    make_amount(rows[0], "reported_award_value")
    make_agreement(vendors=[alpha], awarding_agency=office, status="active", retracted=True)  # never counted
    return rows


def test_it_counts_each_value_under_the_other_filters(client, world):
    html = client.get("/agreements/?status=active").content.decode()

    # two active agreements: alpha is a party to both, bravo to one
    assert counts(html, "vendor") == {"alpha": 2, "bravo": 1}
    # the status group ignores its own selection: every status, as if none were ticked
    assert counts(html, "status") == {"active": 2, "announced": 2, "terminated": 1}
    assert [(value, checked) for _, value, checked, _, _ in options(html, "status")] == [
        ("announced", False), ("active", True), ("terminated", False)]


def test_an_agency_counts_the_agreements_of_its_sub_agencies(client, world):
    html = client.get("/agreements/").content.decode()

    # the department: its own agreement and its office's three (awarded or joined); the office: its three
    assert counts(html, "agency") == {"department": 4, "office": 3, "other-agency": 2}
    assert counts(html, "awarding_agency") == {"department": 3, "office": 2, "other-agency": 2}


@pytest.mark.parametrize("query", ["", "status=active", "vendor=alpha", "agency=office&status=announced",
                                   "vendor=bravo&amount_kind=ceiling", "q=Agreement&confidence=medium"])
def test_ticking_a_value_gives_exactly_its_count(client, world, query):
    html = client.get(f"/agreements/?{query}").content.decode()
    shown = options(html)
    assert shown

    for name, value, _, _, count in shown:
        kept = [(key, item) for key, item in parse_qsl(query) if key != name]
        assert result_count(client, f"/agreements/?{urlencode([*kept, (name, value)])}") == int(count), (name, value)


def test_other_lists_count_through_their_links(client, world):
    department, alpha = world[1].awarding_agency, world[0].parties.get().vendor
    make_term(agreement=world[0], category="domestic_surveillance")
    make_term(agency=department, category="lawful_use_scope")
    make_term(vendor=alpha, category="acceptable_use_policy")
    make_designation(vendor=alpha, issuing_agency=world[0].awarding_agency)
    make_testing_disclosure(agency=world[0].awarding_agency, vendors=[alpha], agreements=[world[3]])
    make_event(links=[("subject", "agreement", world[2])])

    terms = client.get("/terms/").content.decode()
    assert counts(terms, "vendor") == {"alpha": 2}  # its own policy and a term of its agreement
    assert counts(terms, "agency")["department"] == 2  # its policy and its office's agreement's term
    assert counts(client.get("/designations/").content.decode(), "issuing_agency") == {"department": 1, "office": 1}
    testing = client.get("/testing-disclosures/").content.decode()
    assert counts(testing, "vendor") == {"alpha": 1} and counts(testing, "agreement") == {world[3].slug: 1}
    events = client.get("/events/").content.decode()
    # the event links the agreement awarded by "other" that the office takes part in: so the department too
    assert counts(events, "vendor") == {"bravo": 1}
    assert counts(events, "agency") == {"department": 1, "office": 1, "other-agency": 1}
    assert counts(client.get("/agencies/").content.decode(), "parent") == {"department": 1}


def test_a_list_runs_one_group_by_per_facet_group(client, world):
    for record_type in record_types():
        view = resolve(f"/{record_type.path}/").func.view_class
        sql = queries_of(client, f"/{record_type.path}/")

        # (the agreements page's own term counts are a GROUP BY too, over its rows: not a facet's)
        facet_queries = [query for query in sql if "GROUP BY" in query and "facet_" in query]
        if record_type.model.objects.public().exists():
            assert len(facet_queries) == len(view.facets), record_type.path
        else:  # nothing to count: no group runs a query
            assert facet_queries == [], record_type.path
        # the groups' bases are read as lists of ids, once per base: never a subquery in a facet's GROUP BY
        assert not [query for query in facet_queries if "LIMIT" in query.split("GROUP BY")[0]], record_type.path


def test_no_list_renders_a_multiple_select(client, world):
    for record_type in record_types():
        html = client.get(f"/{record_type.path}/").content.decode()

        assert not re.search(r"<select[^>]*multiple", html), record_type.path


# --- vendors and agencies: the top 10 and a text field -------------------------------------------

@pytest.fixture
@in_one_change
def twelve_vendors():
    """Twelve vendors: vendor-01 with 12 agreements … vendor-12 with 1 (one agreement per vendor per round)."""
    vendors = [make_vendor(slug=f"vendor-{n:02}", name=f"Vendor number {n}") for n in range(1, 13)]
    for count in range(1, 13):
        make_agreement(vendors=vendors[: 13 - count])
    return vendors


def test_vendors_show_the_top_10_by_count_and_a_text_field(client, twelve_vendors):
    html = client.get("/agreements/").content.decode()

    assert [value for _, value, _, _, _ in options(html, "vendor")] == [f"vendor-{n:02}" for n in range(1, 11)]
    assert counts(html, "vendor")["vendor-01"] == 12 and counts(html, "vendor")["vendor-10"] == 3
    assert re.search(r'<label for="id_vendor_text">Any vendor, by name or slug</label>\s*<input type="text" '
                     r'name="vendor_text"', html)


def test_a_chosen_vendor_outside_the_top_10_is_listed_ticked(client, twelve_vendors):
    html = client.get("/agreements/?vendor=vendor-12").content.decode()

    listed = options(html, "vendor")
    assert ("vendor", "vendor-12", True, "Vendor number 12", "1") in listed
    assert len(listed) == 11


@pytest.mark.parametrize("typed", ["Vendor number 12", "vendor number 12", "vendor-12", "  Vendor number 12 "])
def test_a_vendor_typed_by_name_or_slug_leads_to_the_list_with_its_slug(client, twelve_vendors, typed):
    response = client.get("/agreements/", {"status": "unknown", "vendor": "vendor-01", "vendor_text": typed})

    assert response.status_code == 302
    assert response["Location"] == "/agreements/?status=unknown&vendor=vendor-01&vendor=vendor-12"


def test_an_empty_text_field_is_dropped_from_the_address(client, twelve_vendors):
    response = client.get("/agreements/", {"vendor_text": "", "agency_text": "", "q": ""})

    assert response.status_code == 302 and response["Location"] == "/agreements/"


def test_a_name_that_matches_no_vendor_is_a_form_error(client, twelve_vendors):
    response = client.get("/agreements/", {"vendor_text": "Nobody <b>Inc</b>"})
    html = response.content.decode()

    assert response.status_code == 400
    assert "No vendor has the name or slug “Nobody &lt;b&gt;Inc&lt;/b&gt;”." in html
    assert 'value="Nobody &lt;b&gt;Inc&lt;/b&gt;" aria-invalid="true" aria-describedby="id_vendor_text_error"' in html
    assert '<p class="summary"' not in html


def test_an_agency_is_found_by_its_acronym(client, world):
    response = client.get("/agreements/", {"agency_text": "doe"})

    assert response["Location"] == "/agreements/?agency=department"


def test_a_name_two_vendors_share_asks_for_a_slug(client):
    make_vendor(slug="acme-one", name="Acme"), make_vendor(slug="acme-two", name="Acme")

    html = client.get("/agreements/", {"vendor_text": "acme"}).content.decode()

    assert "Several vendors are named “acme”: type the slug of one (acme-one, acme-two)." in html


# --- folding, chips, counts above 1,000 --------------------------------------------------------------

def test_a_long_group_is_folded_and_opens_when_a_value_in_it_is_chosen(client, twelve_vendors):
    folded = client.get("/agreements/").content.decode()
    chosen = client.get("/agreements/?vendor=vendor-03").content.decode()

    vendor_group = re.compile(r'<details class="facet-fold"( open)?>\s*<summary>Vendor( <span class="muted">'
                              r'\((\d) chosen\)</span>)?</summary>')
    assert vendor_group.search(folded).groups() == (None, None, None)
    assert vendor_group.search(chosen).groups()[0] == " open" and vendor_group.search(chosen).group(3) == "1"


def test_a_short_group_is_not_folded(client, world):
    html = client.get("/agreements/").content.decode()

    assert re.search(r'<fieldset>\s*<legend>Status</legend>', html)


CHIP = re.compile(r'<a class="chip" href="([^"]*)" aria-label="([^"]*)">')


def test_each_applied_filter_is_a_chip_linking_to_the_list_without_it(client, world):
    html = client.get("/agreements/?vendor=alpha&vendor=bravo&status=active&announced_after=2025-07").content.decode()

    chips = {unescape(name): unescape(href) for href, name in CHIP.findall(html)}
    assert chips == {
        "Remove filter: vendor Alpha Labs": "?vendor=bravo&status=active&announced_after=2025-07",
        "Remove filter: vendor Bravo Systems": "?vendor=alpha&status=active&announced_after=2025-07",
        "Remove filter: status Active": "?vendor=alpha&vendor=bravo&announced_after=2025-07",
        "Remove filter: announced on or after July 2025": "?vendor=alpha&vendor=bravo&status=active",
    }
    # following a chip shows the list without that value: alpha's or bravo's active agreements
    assert result_count(client, "/agreements/" + chips["Remove filter: announced on or after July 2025"]) == 2


def test_chips_read_in_aliases_and_drop_the_cursor(client, world):
    first = client.get("/agreements/?vendor__in=alpha,bravo&page_size=1").content.decode()
    second = client.get("/agreements/" + unescape(re.search(r'rel="next" href="([^"]+)"', first).group(1)))

    chips = {unescape(name): sorted(parse_qsl(unescape(href)[1:])) for href, name in CHIP.findall(second.content.decode())}
    assert "cursor=" in second.request["QUERY_STRING"]
    assert chips == {"Remove filter: vendor Alpha Labs": [("page_size", "1"), ("vendor", "bravo")],
                     "Remove filter: vendor Bravo Systems": [("page_size", "1"), ("vendor", "alpha")]}


@pytest.mark.parametrize(("count", "label"), [(0, "0"), (7, "7"), (999, "999"), (1000, "1,000"), (1001, "1,000+"),
                                              (250_000, "1,000+")])
def test_counts_above_1000_are_shown_as_1000_plus(count, label):
    assert count_label(count) == label


def test_the_page_shows_a_capped_count(client, world, monkeypatch):
    monkeypatch.setattr(facets, "CAP", 2)

    html = client.get("/agreements/").content.decode()

    assert counts_text(html, "status") == {"active": "2", "announced": "2", "terminated": "1"}
    assert counts_text(html, "vendor")["alpha"] == "2+"


def counts_text(html, name):
    return {value: count for _, value, _, _, count in options(html, name)}


def test_a_bad_parameter_lists_the_groups_without_counts(client, world):
    response = client.get("/agreements/?status=nonsense&vendor=alpha")
    html = response.content.decode()

    assert response.status_code == 400
    assert ("status", "active", False, "Active", "") in options(html, "status")
    assert ("vendor", "alpha", True, "Alpha Labs", "") in options(html, "vendor")  # named: the form read it
    assert not any("GROUP BY" in query for query in queries_of(client, "/agreements/?status=x", status=400))


TEXT_FIELDS = {t.path: [facets.as_facet(f).text_name for f in resolve(f"/{t.path}/").func.view_class.facets
                        if facets.as_facet(f).text_name] for t in record_types()}


@pytest.mark.parametrize("path", [path for path, names in TEXT_FIELDS.items() if names])
def test_hostile_text_in_every_text_field_is_a_form_error_never_a_500(client, path):
    make_vendor(slug="alpha", name="Alpha Labs")
    # (control characters and noncharacters read as spaces on every page: the field is then empty, and dropped)
    assert client.get(f"/{path}/", dict.fromkeys(TEXT_FIELDS[path], "\x00\ufffe")).status_code == 302
    for value in ["x" * 3000, "' OR 1=1 --", "%", "_", "<script>x</script>", "%FF", "alpha%"]:
        response = client.get(f"/{path}/", dict.fromkeys(TEXT_FIELDS[path], value))
        assert response.status_code == 400, (path, value)
        assert "No " in response.content.decode() and "<script>x" not in response.content.decode()
    raw = client.get(f"/{path}/?{TEXT_FIELDS[path][0]}=%FF%C0%AF")
    assert raw.status_code == 400
