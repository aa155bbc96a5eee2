"""Claims and field confidence: the one vocabulary of "which fact of a record".

A citation's ``claims`` name the facts of its record that its quote supports; a record's
``field_confidence`` rates single facts apart from the record. Both use the same keys
(docs/interchange.md, "Claims"):

- a field name of the record's type, as the interchange shape writes it (``announced``,
  ``ceiling``, ``status``, ``piid``, ``known_since``…): the fields of the type's write serializer
  minus the bookkeeping every record has (slug, confidence, notes, times, citations);
- for claims only, ``<prefix>:<value>`` keys a type declares on its write serializer as
  ``claim_prefixes = {prefix: (check, words)}``: an agreement's ``amount:<kind>`` and
  ``term:<slug>`` (the wording of one of its terms).

The core names no app's fields: it reads each type's write serializer from the registry of
record types (registry/interchange.py).
"""

import re

from registry.interchange import by_name

# Fields every record has that are not facts a source states.
BOOKKEEPING = frozenset({
    "slug", "confidence", "notes", "published_at", "last_verified_on", "retracted_at", "retraction_reason",
    "created_at", "citations", "field_confidence", "weakly_sourced_claims", "disputed_facts",
})
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")
LEVELS = ("high", "medium", "low")

# How the sources list says what a footnote supports, where the field name alone reads badly.
LABELS = {
    "announced": "the announcement date", "awarded": "the award or signature date", "start": "the start date",
    "first_reported": "the date it was first reported",
    "end": "the end date", "effective": "the effective date", "determined": "the determination date",
    "noticed": "the date of formal notice", "ended": "the end date", "occurred": "the date",
    "disclosed": "the disclosure date", "tested_from": "when testing began", "tested_to": "when testing ended",
    "known_since": "since when it is known to exist", "ceiling": "the ceiling", "obligated": "the amount obligated",
    "status": "the status", "piid": "the contract number (PIID)", "vehicle": "the contract vehicle",
    "awarding_agency": "the awarding agency", "parties": "the vendors and their roles", "text": "the wording",
    "issuing_agency": "the issuing agency", "authority_cited": "the authority cited", "kind": "the kind",
    "public_reason": "the public reason", "scope": "the scope", "vendor": "the vendor", "agency": "the agency",
    "aliases": "the other names", "name": "the name", "title": "the title", "summary": "the summary",
}


def write_serializer(model):
    return by_name(model.record_type).write_serializer


def field_names(model):
    """The fields of ``model``'s type a source can state, by their interchange names."""
    return [name for name in write_serializer(model).Meta.fields if name not in BOOKKEEPING]


def claim_prefixes(model):
    return getattr(write_serializer(model), "claim_prefixes", {})


def vocabulary(model):
    """The claim keys of ``model``'s type, for error messages and docs: field names, then prefixed keys."""
    return [*field_names(model), *(f"{prefix}:<{words}>" for prefix, (_, words) in claim_prefixes(model).items())]


def a_record(model):
    name = model.record_type.replace("-", " ")
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def claim_key_error(model, key):
    """Why ``key`` is not a claim of ``model``'s type, or None when it is one."""
    if not isinstance(key, str) or not key:
        return f"A claim is a non-empty string, not {key!r}."
    if key in field_names(model):
        return None
    prefix, colon, value = key.partition(":")
    prefixes = claim_prefixes(model)
    if colon and prefix in prefixes:
        check, words = prefixes[prefix]
        return None if check(value) else f"“{key}”: {value!r} is not a {words}."
    return f"“{key}” is not a claim of {a_record(model)}; use one of: {', '.join(vocabulary(model))}."


def claim_errors(model, claims):
    """Every problem with a citation's ``claims`` for a record of ``model``: [] when none."""
    if not isinstance(claims, list):
        return ["Claims are a list of claim keys, e.g. [\"ceiling\", \"announced\"]."]
    problems = [error for error in (claim_key_error(model, key) for key in claims) if error]
    if len(set(map(str, claims))) != len(claims):
        problems.append("A claim is listed twice.")
    return problems


def field_confidence_errors(model, levels):
    """Every problem with a record's ``field_confidence``: [] when none."""
    if not isinstance(levels, dict):
        return ['Field confidence is an object {field: "high"/"medium"/"low"}.']
    fields = field_names(model)
    problems = []
    for field, level in levels.items():
        if field not in fields:
            problems.append(f"“{field}” is not a field of {a_record(model)}; use one of: {', '.join(fields)}.")
        elif level not in LEVELS:
            problems.append(f"The confidence of “{field}” is high, medium or low, not {level!r}.")
    return problems


def is_slug(value):
    return bool(SLUG.fullmatch(value))


def claim_label(key, term_titles=None):
    """What a claim key supports, in words: 'the announcement date', 'the reported award value'."""
    prefix, colon, value = key.partition(":")
    if colon and prefix == "amount":
        return LABELS.get(value, f"the {value.replace('_', ' ')}")
    if colon and prefix == "term":
        title = (term_titles or {}).get(value)
        return f"the wording of the term “{title}”" if title else f"the wording of the term {value}"
    return LABELS.get(key, f"the {key.replace('_', ' ')}")


def claims_in_words(claims, term_titles=None):
    """'the ceiling and the announcement date'; '' for a general source."""
    labels = [claim_label(key, term_titles) for key in claims]
    if len(labels) <= 1:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} and {labels[-1]}"
