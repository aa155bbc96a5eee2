"""The home page's headline on terms: how many agreements restrict domestic surveillance or autonomous weapons,
how many have a current term about it with another effect, and how many have none the registry knows of.

The same reading as the agreements filter (contracts/filters.py ``term_category`` + ``term_effect``), so each
number links to the list that shows exactly those agreements: only a current term counts (in force, or in
force but disputed; proposed, refused, removed and superseded terms do not), one term carries both the
category and the effect, and "restrict" means prohibits or restricts. An agency's or vendor's own policy is
not a term of any agreement and is never counted. One query for all the categories asked.
"""

from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q

from contracts.models import Agreement, PublicTerm

RESTRICTING = (PublicTerm.Effect.PROHIBITS, PublicTerm.Effect.RESTRICTS)
HEADLINE_CATEGORIES = (PublicTerm.Category.DOMESTIC_SURVEILLANCE, PublicTerm.Category.AUTONOMOUS_WEAPONS)


def agreements_url(category, effects=()):
    return "/agreements/?" + urlencode([("term_category", category), *(("term_effect", e) for e in effects)])


def term_headlines(categories=HEADLINE_CATEGORIES):
    """[{category, label, restricting, other_effects, none_known, total, urls}] for each category: one query."""
    aggregates = {"total": Count("pk")}
    for category in categories:
        current = PublicTerm.objects.public().current().filter(agreement=OuterRef("pk"), category=category)
        aggregates[f"{category}__restricting"] = Count("pk", filter=Q(Exists(current.filter(effect__in=RESTRICTING))))
        aggregates[f"{category}__with_term"] = Count("pk", filter=Q(Exists(current)))
    counts = Agreement.objects.public().aggregate(**aggregates)
    headlines = []
    for category in categories:
        restricting, with_term = counts[f"{category}__restricting"], counts[f"{category}__with_term"]
        headlines.append({
            "category": category, "label": PublicTerm.Category(category).label,
            "restricting": restricting, "other_effects": with_term - restricting, "with_term": with_term,
            "none_known": counts["total"] - with_term, "total": counts["total"],
            "urls": {"restricting": agreements_url(category, RESTRICTING), "with_term": agreements_url(category),
                     "none_known": agreements_url(category, ["none"]), "total": "/agreements/",
                     "matrix": "/terms/matrix/?" + urlencode({"term_category": category})},
        })
    return headlines


def term_headline(category):
    """The headline of one category: {restricting, other_effects, none_known, total, …}."""
    return term_headlines([category])[0]
