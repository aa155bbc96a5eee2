"""A version of a record in words, for the revision and diff pages: one reading for every record type,
driven by its write serializer's fields (registry/history.py gives the version in the interchange shape).

Each field becomes a ``Fact``: its label and its items, each item a list of ``Piece``s (text, and a link
for a record it names). Partial dates read as pages write them ("July 2025"), money as "$200,000,000"
("undisclosed" when null), vocabulary values by their labels, references by the named record's name
(as read with the version) linked to its page.
"""

import datetime
import functools
from dataclasses import dataclass

from django.utils.text import capfirst
from rest_framework import serializers

from registry.claims import BOOKKEEPING, claim_label, claims_in_words
from registry.fields import Money, PartialDate, parse_amount
from registry.interchange import by_name
from registry.write_serializers import MoneyField, PartialDateField, SlugReference

# Shown apart (the banner, the identifier, the footnotes) or not facts a reader needs on a revision.
APART = frozenset({"slug", "published_at", "created_at", "retracted_at", "retraction_reason", "citations"})
LABELS = {
    "confidence": "Confidence", "notes": "Registry notes", "last_verified_on": "Facts checked",
    "disputed_facts": "Facts on which sources differ", "weakly_sourced_claims": "Claims resting on weak sources",
    "field_confidence": "Confidence of single fields", "piid": "Contract number (PIID)",
    "usaspending_award_id": "USAspending award id", "uei": "UEI", "cage_code": "CAGE code",
    "amounts": "Reported amounts", "citations": "Sources (citations)", "published_at": "Published",
    "retracted_at": "Retracted", "retraction_reason": "Why it was retracted",
}
MARKDOWN = frozenset({"notes", "summary"})
# The key of an item that says what it is about: shown first, the other keys after it.
HEADS = ("source", "vendor", "agreement", "kind", "slug", "title", "field", "claim", "value")


@dataclass
class Piece:
    text: str
    url: str = ""
    quote: bool = False  # verbatim words from a source (styled as a quotation)
    markdown: bool = False  # the registry's Markdown (notes, summaries), rendered by the sanitiser


@dataclass
class Fact:
    name: str
    label: str
    items: list  # each a list of Pieces


def label(name):
    if name in LABELS:
        return LABELS[name]
    if name in child_plurals():  # the records shown through another (an agreement's terms), by their type
        return child_plurals()[name].label
    words = claim_label(name)
    return capfirst(words[4:] if words.startswith("the ") else words)


class Reader:
    """Reads versions of one record type; ``loaded`` maps (model, slug) to the records they name."""

    def __init__(self, record_type, loaded=None):
        self.record_type = record_type
        self.fields = record_type.write_serializer().fields
        self.loaded = loaded or {}

    def facts(self, statement):
        """The facts of a version (``Version.statement``), empty ones left out except undisclosed money: the
        record's own first, then the registry's bookkeeping (confidence, notes, when checked)."""
        facts = []
        own = [name for name in statement if name not in BOOKKEEPING]
        for name in [*own, *(name for name in statement if name in BOOKKEEPING)]:
            value = statement[name]
            if name in APART:
                continue
            items = self.items(name, value)
            if value is None and isinstance(self.fields.get(name), MoneyField) and reported_apart(statement, name):
                items = [[Piece("see the reported amounts")]]  # as the record's page says: not "undisclosed"
            if items:
                facts.append(Fact(name, label(name), items))
        return facts

    def items(self, name, value, fields=None):
        """A field's value as items of pieces: one item for a single value, one per element of a list."""
        field = (fields if fields is not None else self.fields).get(name)
        if isinstance(field, MoneyField) and value is None:
            return [[Piece("undisclosed")]]
        if value is None or value == "" or value == [] or value == {}:
            return []
        if isinstance(value, list):
            child = getattr(field, "child", None) or getattr(field, "child_relation", None)
            return [self.element(name, element, child) for element in value]
        if isinstance(value, dict) and not isinstance(field, MoneyField):
            return [[Piece(f"{label(key)}: {item}")] for key, item in value.items()]
        if name in MARKDOWN:
            return [[Piece(str(value), markdown=True)]]
        return [self.scalar(field, value)]

    def element(self, name, element, child=None):
        """One element of a list field (a slug, a name, or an object such as a party or an amount)."""
        if child is None:
            field = self.fields.get(name)
            child = getattr(field, "child", None) or getattr(field, "child_relation", None)
        if isinstance(element, dict):
            return self.item(name, element)
        return self.scalar(child, element)

    def scalar(self, field, value):
        """One value, read by its serializer field (as text when it cannot be read so)."""
        try:
            return self.read(field, value)
        except (ValueError, KeyError, TypeError, ArithmeticError):
            return [Piece(str(value))]

    def read(self, field, value):
        if isinstance(field, SlugReference):
            return [self.reference(field.get_queryset().model, value)]
        if isinstance(field, PartialDateField):
            return [Piece(read_partial_date(value))]
        if isinstance(field, MoneyField):
            return [Piece(money(value).humanize())]
        if isinstance(field, serializers.ChoiceField):
            return [Piece(str(field.choices.get(value, value)))]
        if isinstance(field, serializers.BooleanField) or isinstance(value, bool):
            return [Piece("yes" if value else "no")]
        if isinstance(field, (serializers.DateField, serializers.DateTimeField)):
            return [Piece(read_day(value))]
        return [Piece(str(value))]

    def item(self, name, item):
        """An element of a part: what it is about first (a source, a vendor, a kind), then the rest."""
        if name == "citations":
            return self.citation(item)
        if name == "disputed_facts":  # the values only: their sources' words are on the record's page
            field = self.fields.get(item.get("field"))
            values = " or ".join(" ".join(piece.text for piece in self.scalar(field, value.get("value")))
                                 for value in item.get("values", []))
            about = f" ({item['about']})" if item.get("about") else ""
            note = f" — {item['note']}" if item.get("note") else ""
            return [Piece(f"{label(item.get('field', ''))}{about}: the sources give {values}{note}")]
        nested = self.nested_fields(name)
        if {"type", "slug"} <= item.keys() and item["type"] in known_types():  # a link to a record of any type
            head = [self.reference(by_name(item["type"]).model, item["slug"])]
            rest = {key: value for key, value in item.items() if key not in ("type", "slug")}
        elif "amount" in item and "currency" in item:
            head = [Piece(f"{self.text('kind', item.get('kind'), nested)}: "
                          f"{money(item).humanize()}")]
            rest = {key: value for key, value in item.items() if key not in ("kind", "amount", "currency")}
        elif "slug" in item and name in child_plurals():  # a term or marker shown through this record
            child = child_plurals()[name]
            head = [Piece(item.get("title") or item["slug"], f"/{child.path}/{item['slug']}/")]
            nested = child.write_serializer().fields
            rest = {key: value for key, value in item.items() if key not in ("slug", "title")}
        else:
            key = next((key for key in HEADS if key in item), next(iter(item), None))
            head = self.scalar(nested.get(key), item[key]) if key is not None else []
            rest = {k: v for k, v in item.items() if k != key}
        words = [f"{label(key).lower()}: {self.text(key, value, nested)}" for key, value in rest.items()
                 if value not in (None, "", [], {})]
        return head + ([Piece(" — " + "; ".join(words))] if words else [])

    def citation(self, item):
        """A footnote: the source (linked), its exact words as a quotation, where, and what they support."""
        pieces = [self.reference(source_model(), item["source"]), Piece(item["quote"], quote=True)]
        if item.get("locator"):
            pieces.append(Piece(f" ({item['locator']})"))
        if item.get("claims"):
            pieces.append(Piece(f" — supports {claims_in_words(item['claims'])}"))
        return pieces

    def text(self, name, value, fields):
        """A value as plain text (inside an item)."""
        return " ".join(piece.text for item in self.items(name, value, fields) for piece in item)

    def nested_fields(self, name):
        field = self.fields.get(name)
        child = getattr(field, "child", None)
        return getattr(child, "fields", {}) if child is not None else {}

    def reference(self, model, slug):
        """A named record: its name (as read with the version) linked to its page."""
        record = self.loaded.get((model, slug))
        if record is not None and record.published_at is None:
            return Piece("a record that is not public")
        path = f"/{by_name(model.record_type).path}/{slug}/"
        return Piece(str(record) if record is not None else slug, path)


def reported_apart(statement, kind):
    """Whether a list of the version holds an amount of this kind (an agreement's dated ceilings)."""
    return any(isinstance(item, dict) and item.get("kind") == kind
               for value in statement.values() if isinstance(value, list) for item in value)


def money(value):
    """{"amount": "…", "currency": "USD"} as Money."""
    return Money(parse_amount(value["amount"]), value.get("currency") or "USD")


def read_partial_date(value):
    try:
        return PartialDate.parse(value).humanize()
    except ValueError:
        return str(value)


def read_day(value):
    """An ISO date or time as a day in words ("6 December 2026")."""
    try:
        day = datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"


def known_types():
    from registry.interchange import record_types

    return {record_type.name for record_type in record_types()}


@functools.cache
def child_plurals():
    """{plural: record type} of the records shown through another's page (terms, markers)."""
    from registry.history import child_relations
    from registry.interchange import record_types

    return {child.plural: child for record_type in record_types() for child, _ in child_relations(record_type.model)}


def source_model():
    return by_name("source").model


@dataclass
class ItemRow:
    kind: str  # added, removed, changed
    before: list  # pieces
    after: list
    changed: list  # labels of the fields of a changed item that differ


@dataclass
class DiffRow:
    """One field that differs, in words: its values before and after (items of pieces), and for a list the
    items added, removed or changed."""

    name: str
    label: str
    before: list
    after: list
    items: list  # ItemRow


def describe(differences, reader):
    """registry.diff.version_diff's differences in words, for the diff page."""
    rows = []
    for difference in differences:
        name = difference.field
        items = []
        for change in difference.items:
            items.append(ItemRow(
                change.kind,
                reader.element(name, change.before) if change.before is not None else [],
                reader.element(name, change.after) if change.after is not None else [],
                [label(key).lower() for key in change.fields]))
        rows.append(DiffRow(name, label(name), [] if difference.is_list else reader.items(name, difference.before),
                            [] if difference.is_list else reader.items(name, difference.after), items))
    return rows
