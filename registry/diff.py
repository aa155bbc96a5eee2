"""Field-by-field differences between two versions of a record in the interchange shape.

``field_diff`` compares values as text (the submitter's preview and the moderator's review,
submissions/diff.py); ``version_diff`` compares two revisions for the history pages, parts included:
a list of parts (citations, parties, amounts, links, an agreement's terms) says which items were
added, removed or changed, and for a changed item which of its fields.
"""

import json
from dataclasses import dataclass, field

# The keys that say which thing an item of a part is about: two items with the same values for these
# are one item changed (an edited quote of the same source, a new amount of the same kind), not a
# removal and an addition.
IDENTITY_KEYS = ("source", "vendor", "agreement", "kind", "type", "slug", "field")


def display(value):
    """A value as text for a diff cell: empty for None, JSON for lists and objects (citations, parties)."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return str(value)


@dataclass
class FieldChange:
    field: str
    before: str
    after: str


def field_diff(before, after, *, fields=None):
    """The fields whose values differ, in ``after``'s order (or ``fields``)."""
    before, after = before or {}, after or {}
    names = fields or list(dict.fromkeys([*after, *before]))
    return [FieldChange(name, display(before.get(name)), display(after.get(name)))
            for name in names if display(before.get(name)) != display(after.get(name))]


@dataclass
class ItemChange:
    """One item of a part: ``added`` (only ``after``), ``removed`` (only ``before``) or ``changed`` (both,
    with ``fields``: the keys whose values differ)."""

    kind: str
    before: object = None
    after: object = None
    fields: list = field(default_factory=list)


@dataclass
class Difference:
    """One field of the record that differs: its values before and after, and for a list its items."""

    field: str
    before: object
    after: object
    items: list = field(default_factory=list)  # ItemChange, for lists

    @property
    def is_list(self):
        return isinstance(self.before, list) or isinstance(self.after, list)


def same(a, b):
    return display(a) == display(b)


def version_diff(before, after):
    """The differences from ``before`` to ``after`` (two versions in the interchange shape), in
    ``after``'s field order; a field present on one side only counts as empty on the other."""
    before, after = before or {}, after or {}
    differences = []
    for name in dict.fromkeys([*after, *before]):
        old, new = before.get(name), after.get(name)
        if same(old, new):
            continue
        difference = Difference(name, old, new)
        if difference.is_list:
            difference.items = list_diff(old or [], new or [])
        differences.append(difference)
    return differences


def identity(item):
    return tuple(item.get(key) for key in IDENTITY_KEYS if key in item)


def list_diff(before, after):
    """Items removed, changed and added, in that order. Plain values (slugs, names) are added or removed;
    objects equal on both sides are unchanged, then those with the same identity (``IDENTITY_KEYS``) are
    paired in order as changed, and the rest are removed or added."""
    old, new = list(before), list(after)
    for item in list(old):  # unchanged items, counted (two equal items are two)
        match = next((i for i, other in enumerate(new) if same(item, other)), None)
        if match is not None:
            old.remove(item)
            del new[match]
    changes = []
    for item in list(old):
        if not isinstance(item, dict) or not identity(item):
            continue
        match = next((i for i, other in enumerate(new) if isinstance(other, dict) and identity(other) == identity(item)),
                     None)
        if match is not None:
            other = new.pop(match)
            old.remove(item)
            keys = [key for key in dict.fromkeys([*other, *item]) if not same(item.get(key), other.get(key))]
            changes.append(ItemChange("changed", item, other, keys))
    return ([ItemChange("removed", before=item) for item in old] + changes
            + [ItemChange("added", after=item) for item in new])
