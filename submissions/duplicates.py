"""Records a submission may duplicate, shown to the submitter before sending (they may still send).

Three signs, each said in words: the same PIID or USAspending award id; the same vendor and agency
with a similar title (the titles, lower-cased and without stop words, match with a difflib ratio of
at least 0.8); a source at the same address (normalised as the registry stores URLs).
"""

import re
from difflib import SequenceMatcher

from django.db.models import Q

from registry.interchange import by_name
from registry.models import Citation, Source
from registry.normalize import normalize_url

SIMILAR_TITLE = 0.8
STOP_WORDS = frozenset({"a", "an", "and", "the", "of", "for", "to", "in", "on", "at", "by", "with", "from", "as",
                        "or", "is", "are", "be", "its", "it", "this", "that", "agreement", "contract", "award",
                        "awarded", "deal", "new"})

# How each type names its vendors and agencies: (payload vendors, payload agencies, vendor lookup, agency lookups).
PEOPLE = {
    "agreement": (lambda p: [party.get("vendor") for party in p.get("parties") or [] if isinstance(party, dict)],
                  lambda p: [p.get("awarding_agency"), *(p.get("participating_agencies") or [])],
                  "parties__vendor__slug__in", ("awarding_agency__slug__in", "participating__agency__slug__in")),
    "term": (lambda p: [p.get("vendor")], lambda p: [p.get("agency")], "vendor__slug__in", ("agency__slug__in",)),
    "designation": (lambda p: [p.get("vendor")], lambda p: [p.get("issuing_agency")], "vendor__slug__in",
                    ("issuing_agency__slug__in",)),
    "testing-disclosure": (lambda p: list(p.get("vendors") or []), lambda p: [p.get("agency")],
                           "vendor_links__vendor__slug__in", ("agency__slug__in",)),
}


def normalised_title(title):
    return " ".join(word for word in re.findall(r"\w+", (title or "").lower()) if word not in STOP_WORDS)


def similar(a, b):
    a, b = normalised_title(a), normalised_title(b)
    return bool(a and b) and SequenceMatcher(None, a, b).ratio() >= SIMILAR_TITLE


def slugs(values):
    return sorted({value for value in values if isinstance(value, str) and value})


def likely_duplicates(record_type, payload, sources=(), *, exclude_slug=""):
    """[(record, why)] of published records of the type the submission may duplicate, each once."""
    record_type = by_name(record_type) if isinstance(record_type, str) else record_type
    model = record_type.model
    payload = payload or {}
    records = model.objects.published().exclude(slug=exclude_slug or None)
    found = {}

    def add(record, why):
        found.setdefault(record.pk, (record, []))[1].append(why)

    field_names = {field.name for field in model._meta.get_fields()}
    for name, words in (("piid", "the same PIID"), ("usaspending_award_id", "the same USAspending award id")):
        value = (payload.get(name) or "").strip() if isinstance(payload.get(name), str) else ""
        if value and name in field_names:
            for record in records.filter(**{f"{name}__iexact": value}):
                add(record, f"{words} ({value})")

    title = payload.get("title") or payload.get("name")
    if record_type.name in PEOPLE and title:
        vendors_of, agencies_of, vendor_lookup, agency_lookups = PEOPLE[record_type.name]
        vendors, agencies = slugs(vendors_of(payload)), slugs(agencies_of(payload))
        if vendors and agencies:
            agency_q = Q()
            for lookup in agency_lookups:
                agency_q |= Q(**{lookup: agencies})
            candidates = records.filter(Q(**{vendor_lookup: vendors}) & agency_q).distinct()
            for record in candidates:
                if similar(title, record.title):
                    add(record, f"the same vendor and agency, and a similar title (“{record.title}”)")

    urls = {normalize_url(source.get("url")) for source in sources or () if isinstance(source, dict)
            and isinstance(source.get("url"), str) and source.get("url").strip()}
    if urls:
        if model is Source:
            for record in records.filter(url__in=urls):
                add(record, f"a source at the same address ({record.url})")
        else:
            cited = Citation.objects.filter(source__url__in=urls, target_type__model=model._meta.model_name,
                                            target_type__app_label=model._meta.app_label)
            by_id = dict(cited.values_list("target_id", "source__url"))
            for record in records.filter(pk__in=list(by_id)):
                add(record, f"it cites a source at the same address ({by_id[record.pk]})")
    return [(record, "; ".join(whys)) for record, whys in found.values()]
