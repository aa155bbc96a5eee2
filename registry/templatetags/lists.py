"""Template filters of the list pages: short link labels and term excerpts."""

import re

from django import template

register = template.Library()

# What joins a record's own title to its parent's name: "Domestic surveillance restriction — Frontier AI
# prototypes (Anthropic)", "DoD: Procurement prohibition".
SEPARATORS = (" — ", " – ", " - ", ": ")


def parent_names(parent):
    names = [getattr(parent, attribute, "") for attribute in ("title", "name", "acronym")]
    return [name for name in names if name]


@register.filter
def short_title(record, parent):
    """The record's title without its parent's name repeated, where the title carries it ("Domestic
    surveillance restriction (reported)" under its agreement); else the whole title. A link beside or
    under the parent need not say the parent again."""
    title = str(record)
    if parent is None or parent == "":
        return title
    for name in parent_names(parent):
        for separator in SEPARATORS:
            for shorter in (title.removesuffix(separator + name), title.removeprefix(name + separator)):
                if shorter != title and shorter.strip():
                    return shorter.strip()
    return title


@register.filter
def term_label(term):
    """A term's own label, with its parent (agreement, agency or vendor) left out: its title shortened, or
    "Domestic surveillance — restricts" when its title is only its parent's name."""
    parent = term.agreement or term.agency or term.vendor
    label = short_title(term, parent)
    if parent is not None and label in parent_names(parent):
        return f"{term.get_category_display()} — {term.get_effect_display().lower()}"
    return label


@register.filter
def excerpt(text, words=40):
    """The first ``words`` words of ``text`` (whitespace folded), with "…" when cut."""
    parts = re.split(r"\s+", (text or "").strip())
    if len(parts) <= int(words):
        return " ".join(parts)
    return " ".join(parts[: int(words)]).rstrip(",;:.") + " …"
