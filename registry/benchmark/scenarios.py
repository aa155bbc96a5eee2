"""The benchmark's fixed mix, and the URLs each scenario cycles through.

Filter values are drawn from the database with a seeded random generator, so the same database and seed
give the same URLs. They are chosen so that every request returns the same number of rows at any size of
registry (a full page): a vendor and a status that share at least a page of agreements, a word that
matches at least a page of them, a change id with at least a page of changes before or after it. Then a
growth in latency between two sizes is the cost of the larger tables, not of larger answers.
"""

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Max, Min

from registry.pagination import DEFAULT_PAGE_SIZE
from registry.views.search import SEARCH_RESULTS_PER_TYPE

URLS_PER_SCENARIO = 200  # the wrk script cycles through them; more than a run's distinct requests at 4 clients
SEARCH_SAMPLE = 2000  # agreements whose titles and summaries propose the search words
SEARCH_WORDS = 12
COMMON_WORD = re.compile(r"[a-z]{5,}")
STOP_WORDS = {"about", "after", "their", "there", "these", "those", "which", "where", "while", "under", "other"}


@dataclass(frozen=True)
class Scenario:
    name: str
    label: str
    kind: str = "load"  # "load": wrk; "csv": one request for everything; "command": a management command
    paged: bool = False  # a list with pages: its p95 may grow at most 1.5x from 10k to 100k agreements
    api_list: bool = False  # an API list: with the response cache on it must reach 2x (others 3x)


SCENARIOS = [
    Scenario("api-list", "API list, vendor + status, 50 rows", paged=True, api_list=True),
    Scenario("api-detail", "API detail with citations"),
    Scenario("api-search", "API q search", paged=True, api_list=True),
    Scenario("api-changes", "API change feed", paged=True, api_list=True),
    Scenario("agreements", "agreements page, vendor + status", paged=True),
    Scenario("changes", "change feed page", paged=True),
    Scenario("term-matrix", "term matrix, vendor + status", paged=True),
    Scenario("agreement", "agreement page"),
    Scenario("home", "home page"),
    Scenario("timeline", "timeline", paged=True),
    Scenario("search", "search page, all types", paged=True),
    Scenario("api-csv", "API ?format=csv, all agreements", kind="csv"),
    Scenario("page-csv", "agreements CSV page, all", kind="csv"),
    Scenario("export-bulk", "export_bulk (bulk snapshot)", kind="command"),
]
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


@dataclass
class UrlSet:
    """The paths one scenario requests, in order, and how many rows each answer holds (None: not a list)."""

    paths: list
    result_size: int | None = None
    note: str = ""
    values: list = field(default_factory=list)  # the distinct filter values drawn, for the report


def chosen(names):
    """The scenarios named (all when none), in the mix's order; an unknown name is an error."""
    if not names:
        return list(SCENARIOS)
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        raise ValueError(f"Unknown scenario(s): {', '.join(unknown)}. Known: {', '.join(BY_NAME)}.")
    return [scenario for scenario in SCENARIOS if scenario.name in names]


def rng_for(seed, scenario_name):
    """Each scenario its own generator, so that choosing a subset of scenarios changes no scenario's URLs."""
    return random.Random(f"{seed}:{scenario_name}")  # noqa: S311 - seeded on purpose: reproducible bench URLs, not a secret


def draw(values, rng, count=URLS_PER_SCENARIO):
    """``count`` values drawn with replacement from ``values`` (in a fixed order), the same for the same seed."""
    values = sorted(values)
    return [rng.choice(values) for _ in range(count)] if values else []


def with_query(path, **params):
    return f"{path}?{urlencode(params)}" if params else path


# --- filter values from the database -----------------------------------------------------------

def vendor_status_pairs(minimum=DEFAULT_PAGE_SIZE):
    """(vendor slug, status, agreements) for every public vendor and status shared by at least ``minimum``
    public agreements; when none is that large, the ten largest, so a small registry still runs."""
    from contracts.models import Agreement, AgreementParty, Vendor

    counts = (AgreementParty.objects
              .filter(agreement__in=Agreement.objects.public().values("pk"), vendor__in=Vendor.objects.public().values("pk"))
              .values_list("vendor__slug", "agreement__status")
              .annotate(agreements=Count("agreement", distinct=True))
              .order_by("-agreements", "vendor__slug", "agreement__status"))
    pairs = [(vendor, status, n) for vendor, status, n in counts]
    full = [pair for pair in pairs if pair[2] >= minimum]
    return full or pairs[:10]


def search_words(minimum=DEFAULT_PAGE_SIZE, limit=SEARCH_WORDS):
    """Common words of agreement titles and summaries (in 2–50% of a sample of them), each matching at
    least ``minimum`` public agreements through the API's own ``q`` filter, with their counts."""
    from contracts.filters import AgreementFilterSet
    from contracts.models import Agreement

    sample = Agreement.objects.public().order_by("id").values_list("title", "summary")[:SEARCH_SAMPLE]
    counts = Counter()
    texts = 0
    for title, summary in sample:
        texts += 1
        counts.update(set(COMMON_WORD.findall(f"{title} {summary}".lower())) - STOP_WORDS)
    candidates = sorted(word for word, n in counts.items() if 0.02 * texts <= n <= 0.5 * texts)
    words = []
    for word in candidates:
        matches = AgreementFilterSet({"q": word}, queryset=Agreement.objects.listed()).qs.count()
        if matches >= minimum:
            words.append((word, matches))
        if len(words) == limit:
            break
    return words


def public_slugs(model):
    return list(model.objects.public().order_by("slug").values_list("slug", flat=True))


def latest_public_change():
    from registry.models import ChangeLog

    return ChangeLog.objects.public().aggregate(latest=Max("public_id"))["latest"] or 0


# --- the URL sets ------------------------------------------------------------------------------

def build_url_sets(scenarios, seed, count=URLS_PER_SCENARIO, page=DEFAULT_PAGE_SIZE):
    """{scenario name: UrlSet} for the load scenarios among ``scenarios``, drawn with ``seed``; lists are drawn
    to fill a ``page`` of rows (the API's and the pages' page size)."""
    from contracts.models import Agreement

    cache = {}

    def once(key, compute):
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    sets = {}
    for scenario in scenarios:
        if scenario.kind != "load":
            continue
        rng = rng_for(seed, scenario.name)
        name = scenario.name
        if name in ("api-list", "agreements", "term-matrix"):
            base = {"api-list": "/api/v1/agreements/", "agreements": "/agreements/",
                    "term-matrix": "/terms/matrix/"}[name]
            sets[name] = pair_urls(base, once("pairs", lambda: vendor_status_pairs(page)), rng, count, page)
        elif name in ("api-search", "search"):
            base = "/api/v1/agreements/" if name == "api-search" else "/search/"
            sets[name] = word_urls(base, once("words", lambda: search_words(page)), rng, count, page)
            if name == "search":  # the page shows the first few of each type
                sets[name].result_size = min(sets[name].result_size, SEARCH_RESULTS_PER_TYPE)
        elif name in ("api-detail", "agreement"):
            base = "/api/v1/agreements/{}/" if name == "api-detail" else "/agreements/{}/"
            slugs = once("slugs", lambda: public_slugs(Agreement))
            sets[name] = UrlSet([base.format(slug) for slug in draw(slugs, rng, count)], result_size=1)
        elif name == "api-changes":
            sets[name] = change_urls(once("latest", latest_public_change), rng, count, page)
        elif name == "changes":
            sets[name] = change_set_urls(change_set_firsts(), once("latest", latest_public_change), rng, count, page)
        else:
            sets[name] = UrlSet([{"home": "/", "timeline": "/timeline/"}[name]])
    return sets


def pair_urls(base, pairs, rng, count, page=DEFAULT_PAGE_SIZE):
    picked = draw([(vendor, status) for vendor, status, _ in pairs], rng, count)
    sizes = {(vendor, status): n for vendor, status, n in pairs}
    used = sorted(set(picked))
    result_size = min([min(sizes[pair], page) for pair in used], default=0)
    note = "" if result_size >= page else f"fewer than {page} agreements for some vendor + status: partial pages"
    return UrlSet([with_query(base, vendor=vendor, status=status) for vendor, status in picked],
                  result_size=result_size, note=note, values=[f"{v}+{s}" for v, s in used])


def word_urls(base, words, rng, count, page=DEFAULT_PAGE_SIZE):
    picked = draw([word for word, _ in words], rng, count)
    sizes = dict(words)
    result_size = min([min(sizes[word], page) for word in set(picked)], default=0)
    note = "" if picked else f"no common word matches {page} agreements: the scenario is skipped"
    return UrlSet([with_query(base, q=word) for word in picked], result_size=result_size, note=note,
                  values=sorted(set(picked)))


def change_urls(latest, rng, count, page=DEFAULT_PAGE_SIZE):
    """The API's change feed (oldest first) ``after`` a change id with at least a page of changes after it."""
    ids = range(0, latest - page + 1) if latest > page else [0]
    picked = [rng.choice(ids) for _ in range(count)]
    return UrlSet([with_query("/api/v1/changes/", after=after) for after in picked], result_size=min(latest, page))


def change_set_firsts():
    """Each public change set's first public change id, oldest first (/changes/ lists change sets)."""
    from registry.models import ChangeLog

    return sorted(ChangeLog.objects.public().values("change_set_id").annotate(first=Min("public_id"))
                  .values_list("first", flat=True))


def change_set_urls(firsts, latest, rng, count, page=DEFAULT_PAGE_SIZE):
    """/changes/ ``before`` a change id with a full page of change sets before it (``before=B`` lists the sets
    whose first change is older than B); with fewer sets than a page, all of them."""
    if not firsts:
        return UrlSet(["/changes/"], result_size=0)
    lowest = firsts[min(page, len(firsts)) - 1] + 1
    picked = [rng.randint(lowest, latest + 1) for _ in range(count)]
    return UrlSet([with_query("/changes/", before=before) for before in picked], result_size=min(page, len(firsts)),
                  note="" if len(firsts) >= page else f"only {len(firsts)} change sets")
