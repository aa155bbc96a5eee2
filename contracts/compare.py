"""Two to four agreements side by side: which ones were asked for (``choose``), and their terms by
category (``category_rows``), the cells being the term matrix's (contracts/matrix.py).

The slugs come as repeated ``a`` parameters, in the reader's order, which the permalink keeps:
``/agreements/compare/?a=<slug>&a=<slug>``. Empty values are skipped (the form's unused fields); a
pasted page address counts as its slug. Fewer than two, more than four, the same agreement twice or a
slug of no public agreement (unknown, draft or retracted alike, so that a draft's existence is not
revealed) are all one answer: a 400 page naming each problem, with the form to choose again.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Prefetch

from contracts import matrix
from contracts.models import PublicTerm
from registry.models import Citation

MIN, MAX = 2, 4


@dataclass
class Choice:
    slugs: list  # as asked, in order (cleaned)
    agreements: list = field(default_factory=list)  # in the order asked, when there is no error
    errors: list = field(default_factory=list)

    @property
    def permalink(self):
        return "/agreements/compare/?" + urlencode([("a", slug) for slug in self.slugs])


def slug_of(value):
    """A slug from what a reader typed: the slug, or an agreement page's address ending in it."""
    value = value.strip()
    if "/" in value:
        value = next((part for part in reversed(value.split("?")[0].split("/")) if part), "")
    return value


def choose(values, queryset):
    """The agreements asked for (``values``: the ``a`` parameters), read from ``queryset`` in one query,
    or the errors that stop the comparison."""
    slugs = [slug for slug in (slug_of(value) for value in values) if slug]
    choice = Choice(slugs)
    if len(slugs) < MIN:
        choice.errors.append("Choose at least two agreements to compare." if not slugs else
                             "Choose at least one more agreement: a comparison needs two to four.")
    elif len(slugs) > MAX:
        choice.errors.append(f"Choose at most four agreements ({len(slugs)} were chosen).")
    repeated = list(dict.fromkeys(slug for slug in slugs if slugs.count(slug) > 1))
    choice.errors += [f"“{slug}” was chosen more than once." for slug in repeated]
    if not slugs or len(set(slugs)) > MAX:
        return choice
    found = {agreement.slug: agreement for agreement in queryset.filter(slug__in=set(slugs))}
    choice.errors += [f"No public agreement has the slug “{slug}”: check it on the agreements list."
                      for slug in dict.fromkeys(slugs) if slug not in found]
    if not choice.errors:
        choice.agreements = [found[slug] for slug in slugs]
    return choice


def slots(slugs):
    """The form's four text fields, filled with the slugs chosen (the first four)."""
    return (list(slugs[:MAX]) + [""] * MAX)[:MAX]


def terms_prefetch():
    """The agreements' shown terms (matrix.SHOWN_STATUSES) with their text and the citations of their
    text, with sources: a quoted excerpt is never shown without its source."""
    citations = Citation.objects.select_related("source")
    terms = (PublicTerm.objects.public().filter(status__in=matrix.SHOWN_STATUSES).order_by("id")
             .prefetch_related(Prefetch("citations", queryset=citations)))
    return Prefetch("terms", queryset=terms, to_attr="matrix_terms")


def text_sources(term):
    """The sources of a term's words (citations whose claims name ``text``), else all of its sources; once each."""
    citations = list(term.citations.all())
    chosen = [citation for citation in citations if "text" in (citation.claims or ())] or citations
    return list({citation.source_id: citation.source for citation in chosen}.values())


def category_rows(agreements):
    """[(category label, [the cell of each agreement, in order])], every category in the vocabulary's order.
    Each entry's term gets ``sources`` (text_sources) for the template."""
    per_agreement = [matrix.cells(agreement.matrix_terms) for agreement in agreements]
    for cells in per_agreement:
        for cell in cells:
            for entry in cell.entries:
                entry.term.sources = text_sources(entry.term)
    return [(label, [cells[n] for cells in per_agreement])
            for n, (_, label) in enumerate(PublicTerm.Category.choices)]
