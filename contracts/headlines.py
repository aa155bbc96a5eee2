"""The home page's headline on terms: how many agreements restrict domestic surveillance or autonomous weapons,
how many have a current term about it with another effect, and how many have none the registry knows of.

The same reading as the agreements filter (contracts/filters.py ``term_category`` + ``term_effect``), so each
number links to the list that shows exactly those agreements: only a current term counts (in force, or in
force but disputed; proposed, refused, removed and superseded terms do not), one term carries both the
category and the effect, and "restrict" means prohibits or restricts. An agency's or vendor's own policy is
not a term of any agreement and is never counted. Two queries for all the categories asked.
"""

from urllib.parse import urlencode

from django.db.models import Count, Q

from contracts.models import Agreement, PublicTerm
from registry.pages import as_of_latest_change

RESTRICTING = (PublicTerm.Effect.PROHIBITS, PublicTerm.Effect.RESTRICTS)
HEADLINE_CATEGORIES = (PublicTerm.Category.DOMESTIC_SURVEILLANCE, PublicTerm.Category.AUTONOMOUS_WEAPONS)


def agreements_url(category, effects=()):
    return "/agreements/?" + urlencode([("term_category", category), *(("term_effect", e) for e in effects)])


def term_headlines(categories=HEADLINE_CATEGORIES):
    """``counted_term_headlines`` as of the latest public change (counted once per change, not per request: the
    home page's counts read every term). Two queries on a hit: the latest change id and the cache."""
    return as_of_latest_change(f"term-headlines:{','.join(categories)}", lambda: counted_term_headlines(categories))


def counted_term_headlines(categories=HEADLINE_CATEGORIES):
    """[{category, label, restricting, other_effects, none_known, total, urls}] for each category: two queries.

    Counted over the terms (distinct agreements of the current public terms, by category), not as an EXISTS per
    agreement (a subplan per row in an aggregate: seconds at 100,000 agreements). The same agreements either
    way: a public term's agreement is public, and Agreement.public() asks nothing more."""
    total = Agreement.objects.public().count()
    terms = PublicTerm.objects.public().current().filter(agreement__isnull=False, category__in=categories)
    counts = {row["category"]: row for row in terms.values("category").annotate(
        with_term=Count("agreement", distinct=True),
        restricting=Count("agreement", distinct=True, filter=Q(effect__in=RESTRICTING))).order_by()}
    headlines = []
    for category in categories:
        row = counts.get(category, {"with_term": 0, "restricting": 0})
        restricting, with_term = row["restricting"], row["with_term"]
        headlines.append({
            "category": category, "label": PublicTerm.Category(category).label,
            "restricting": restricting, "other_effects": with_term - restricting, "with_term": with_term,
            "none_known": total - with_term, "total": total,
            "urls": {"restricting": agreements_url(category, RESTRICTING), "with_term": agreements_url(category),
                     "none_known": agreements_url(category, ["none"]), "total": "/agreements/",
                     "matrix": "/terms/matrix/?" + urlencode({"term_category": category})},
        })
    return headlines


def term_headline(category):
    """The headline of one category: {restricting, other_effects, none_known, total, …}."""
    return term_headlines([category])[0]
