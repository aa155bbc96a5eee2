"""The term comparison matrix: agreements (rows) × term category (columns).

A cell lists every effect of the agreement's current terms in that category (in force, or disputed and
shown as such), strongest first; terms asked for and refused, or only proposed, are listed after them
as such and are never counted; superseded and removed terms are left out. A cell with no current term
is "none known", which is not the effect ``silent`` (a public text that says nothing either way).
An agency's or vendor's own policy belongs to no agreement: ``policy_rows`` gives the separate band
the page shows below the agreements. ``headline`` gives the counts the matrix and the home page
state ("N of M agreements restrict or prohibit domestic surveillance; K say nothing public").
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from contracts.models import Agency, Agreement, PublicTerm
from registry.exports import neutralise

Effect, Status = PublicTerm.Effect, PublicTerm.Status

# Strongest first: the order a cell lists its effects in.
EFFECT_ORDER = (Effect.PROHIBITS, Effect.RESTRICTS, Effect.REQUIRES, Effect.PERMITS, Effect.SILENT, Effect.UNCLEAR)
RANK = {effect: n for n, effect in enumerate(EFFECT_ORDER)}
# What "restrict" means in a headline.
RESTRICTING = (Effect.PROHIBITS, Effect.RESTRICTS)
# Shown, but as what they are, never as terms in force, and never counted.
NOT_IN_FORCE = (Status.PROPOSED, Status.REQUESTED_AND_REFUSED)
SHOWN_STATUSES = (*PublicTerm.CURRENT_STATUSES, *NOT_IN_FORCE)
QUALIFIERS = {Status.DISPUTED: "disputed", Status.PROPOSED: "proposed",
              Status.REQUESTED_AND_REFUSED: "requested, refused"}
NONE_KNOWN = "none known"


def shown_terms():
    """The public terms a matrix cell may show (current, proposed, refused), with what a cell needs."""
    return (PublicTerm.objects.public().filter(status__in=SHOWN_STATUSES)
            .only("id", "slug", "title", "category", "effect", "status", "text_form", "agreement_id",
                  "agency_id", "vendor_id"))


def terms_prefetch(to_attr="matrix_terms"):
    """The shown terms of every agreement of a page (or a CSV chunk) in one query."""
    return Prefetch("terms", queryset=shown_terms().order_by("id"), to_attr=to_attr)


@dataclass(frozen=True)
class Entry:
    """One term in a cell: its effect, and what its status makes of it."""

    term: PublicTerm

    @property
    def current(self):
        return self.term.status in PublicTerm.CURRENT_STATUSES

    @property
    def effect(self):
        return self.term.get_effect_display().lower()

    @property
    def qualifier(self):
        """'' for a term in force; 'disputed', 'proposed' or 'requested, refused' otherwise."""
        return QUALIFIERS.get(self.term.status, "")

    @property
    def words(self):
        """'restricts', 'restricts — disputed', 'restricts — requested, refused' (the CSV's words too)."""
        return f"{self.effect} — {self.qualifier}" if self.qualifier else self.effect

    @property
    def verbatim(self):
        return self.term.text_form == PublicTerm.TextForm.VERBATIM

    def sort_key(self):
        return (not self.current, RANK.get(self.term.effect, len(RANK)), self.term.status == Status.DISPUTED,
                self.term.pk)


@dataclass
class Cell:
    category: str
    label: str
    entries: list = field(default_factory=list)

    @property
    def none_known(self):
        """No current term in the category (whatever was proposed or refused)."""
        return not any(entry.current for entry in self.entries)

    @property
    def words(self):
        """The cell in words, for the CSV: its entries, '; ' between them, 'none known' first when it is."""
        parts = [entry.words for entry in self.entries]
        return "; ".join([NONE_KNOWN, *parts] if self.none_known else parts)


def cells(terms):
    """One Cell per category, in the vocabulary's order, from a record's shown terms."""
    by_category = {value: Cell(value, label) for value, label in PublicTerm.Category.choices}
    for term in terms:
        if term.status in SHOWN_STATUSES and term.category in by_category:
            by_category[term.category].entries.append(Entry(term))
    for cell in by_category.values():
        cell.entries.sort(key=Entry.sort_key)
    return list(by_category.values())


def rows(agreements):
    """[(agreement, cells)] for agreements read with ``terms_prefetch()``."""
    return [(agreement, cells(agreement.matrix_terms)) for agreement in agreements]


@dataclass
class PolicyRow:
    owner: object  # Agency or Vendor
    kind: str  # "agency policy" or "vendor policy"
    cells: list


def policy_rows(*, vendors=None, agencies=None):
    """The band of own policies (terms of an agency or a vendor, with no agreement): one row per owner,
    agencies first then vendors, by name. ``vendors`` / ``agencies`` (querysets or lists) narrow it to
    those vendors' policies and those agencies' (and their sub-agencies') policies, as the agreement
    filters narrow the rows; neither given, every owner's. One query."""
    terms = shown_terms().filter(agreement__isnull=True).select_related("agency", "vendor")
    if vendors or agencies:
        condition = Q(pk__in=[])
        if vendors:
            condition |= Q(vendor__in=vendors)
        if agencies:
            condition |= Q(agency__in=Agency.objects.and_below(agencies).values("pk"))
        terms = terms.filter(condition)
    owners = {}
    for term in terms.order_by("id"):
        owner = term.agency or term.vendor
        key = ("agency" if term.agency_id else "vendor", owner.pk)
        owners.setdefault(key, (owner, []))[1].append(term)
    ordered = sorted(owners.items(), key=lambda item: (item[0][0], item[1][0].name.lower(), item[0][1]))
    return [PolicyRow(owner, f"{kind} policy", cells(terms)) for (kind, _), (owner, terms) in ordered]


def headline(category, agreements=None):
    """How the public top-level agreements stand on one term category, in one query.

    ``category``: a PublicTerm.Category value. ``agreements``: the agreements to count (e.g. those a
    filtered matrix shows), default every public agreement; only top-level ones are counted
    (modifications and task orders carry their own terms and are listed, not counted). Returns::

        {"category": "domestic_surveillance", "label": "Domestic surveillance",
         "agreements": M,      # top-level agreements counted
         "restricting": N,     # with a term IN FORCE in the category that prohibits or restricts
         "disputed": D,        # not restricting, but with such a term that is disputed
         "other_effects": O,   # with current terms in the category, none of them prohibiting or restricting
         "none_known": K}      # with no current term in the category (the filter's term_effect=none)

    N + D + O + K = M. Proposed or refused terms count nowhere (an agreement with only a refused
    restriction is "none known"); agencies' and vendors' own policies are never agreement terms.
    """
    label = PublicTerm.Category(category).label
    queryset = (Agreement.objects.public() if agreements is None else agreements).filter(parent__isnull=True).order_by()
    # Counted over the category's terms (distinct agreements), not an EXISTS per agreement in an aggregate (a
    # subplan per row: seconds at 100,000 agreements). Two queries: the agreements, then their terms.
    total = queryset.count()
    restricting_in_force = Q(status=Status.IN_FORCE, effect__in=RESTRICTING)
    counts = (PublicTerm.objects.public().filter(category=category, agreement__in=queryset.values("pk")).order_by()
              .aggregate(restricting=Count("agreement", distinct=True, filter=restricting_in_force),
                         restricting_or_disputed=Count("agreement", distinct=True, filter=Q(
                             status__in=(Status.IN_FORCE, Status.DISPUTED), effect__in=RESTRICTING)),
                         current=Count("agreement", distinct=True, filter=Q(status__in=PublicTerm.CURRENT_STATUSES))))
    restricting = counts["restricting"]
    disputed = counts["restricting_or_disputed"] - restricting  # a disputed restriction and none in force
    none_known = total - counts["current"]
    return {"category": category, "label": label, "agreements": total, "restricting": restricting,
            "disputed": disputed, "none_known": none_known,
            "other_effects": total - restricting - disputed - none_known}


# --- CSV -------------------------------------------------------------------------------------

def csv_headers():
    return ["slug", "url", "html_url", "title", "awarding_agency", "vendors", "status", "best_known", "parent",
            *PublicTerm.Category.values]


def csv_row(agreement, addresses):
    """One agreement's row: who and when, then each category's cell in words (read with
    ``terms_prefetch()``, parties with vendors, awarding agency and parent). ``addresses``: a
    registry.exports.Addresses, so that the links work outside the site (url: the API, html_url: the page,
    as in every CSV). Every cell is text: one a spreadsheet would run as a formula is neutralised."""
    best = agreement.best_known
    return [agreement.slug, addresses.api(agreement), addresses.page(agreement), neutralise(agreement.title),
            agreement.awarding_agency.slug if agreement.awarding_agency else "",
            "; ".join(party.vendor.slug for party in agreement.parties.all()), agreement.status,
            best.isoformat() if best else "", agreement.parent.slug if agreement.parent else "",
            *(cell.words for cell in cells(agreement.matrix_terms))]
