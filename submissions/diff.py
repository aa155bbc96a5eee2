"""Field-by-field differences between versions of a record in the interchange shape, for the
submitter's preview and the moderator's review (two-way, and three-way when the record changed
since the submission was written)."""

import json
from dataclasses import dataclass


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


@dataclass
class ThreeWayRow:
    field: str
    base: str
    current: str
    proposed: str

    @property
    def changed_since(self):
        """The record changed this field after the submitter read it."""
        return self.base != self.current

    @property
    def conflict(self):
        """Both the record (since) and the submission change this field, to different values."""
        return self.changed_since and self.proposed != self.base and self.proposed != self.current


def field_diff(before, after, *, fields=None):
    """The fields whose values differ, in ``after``'s order (or ``fields``)."""
    before, after = before or {}, after or {}
    names = fields or list(dict.fromkeys([*after, *before]))
    return [FieldChange(name, display(before.get(name)), display(after.get(name)))
            for name in names if display(before.get(name)) != display(after.get(name))]


def three_way(base, current, changes):
    """Rows for every field the submission changes or the record changed since ``base``."""
    base, current = base or {}, current or {}
    proposed = {**current, **changes}
    names = [name for name in dict.fromkeys([*current, *changes])
             if name in changes or display(base.get(name)) != display(current.get(name))]
    return [ThreeWayRow(name, display(base.get(name)), display(current.get(name)), display(proposed.get(name)))
            for name in names]
