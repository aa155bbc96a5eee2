"""Field-by-field differences between versions of a record in the interchange shape, for the
submitter's preview and the moderator's review: two-way (``field_diff``, from registry/diff.py, which
the history pages' diff extends to parts), and three-way when the record changed since the
submission was written."""

from dataclasses import dataclass

from registry.diff import FieldChange, display, field_diff

__all__ = ["FieldChange", "ThreeWayRow", "display", "field_diff", "three_way"]


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


def three_way(base, current, changes):
    """Rows for every field the submission changes or the record changed since ``base``."""
    base, current = base or {}, current or {}
    proposed = {**current, **changes}
    names = [name for name in dict.fromkeys([*current, *changes])
             if name in changes or display(base.get(name)) != display(current.get(name))]
    return [ThreeWayRow(name, display(base.get(name)), display(current.get(name)), display(proposed.get(name)))
            for name in names]
