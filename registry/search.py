"""Full-text search with one syntax on both databases: words, "exact phrases", OR, -exclusion.

PostgreSQL: one ``SearchVector(..., config="english")`` expression per type, with a GIN index over
exactly that expression (created by a migration step that runs only on PostgreSQL), queried with
``websearch_to_tsquery``. SQLite: the same syntax translated to ``icontains``. Highlights escape the
text first, then mark matches with <mark>.

Both databases read a query the same way, through ``parse_query``: space-separated groups are
AND-ed, ``OR`` joins neighbours into one group, ``-`` excludes. So ``surveillance OR weapons
-Anthropic`` is (surveillance OR weapons) AND NOT Anthropic, as in a web search engine. (Handing the
raw text to ``websearch_to_tsquery`` would bind AND tighter than OR: surveillance OR (weapons AND NOT
Anthropic), a different answer from SQLite's.) On PostgreSQL each term is one
``websearch_to_tsquery`` of the quoted term, combined with ``&``, ``|`` and ``!!``.
"""

import re
import shlex
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.html import escape
from django.utils.safestring import mark_safe

SEARCH_CONFIG = "english"
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Term:
    text: str
    negated: bool = False


def clean_query(text):
    """The query as searched: control characters (PostgreSQL refuses NUL) out, at most 200 characters."""
    text = "".join(c if c.isprintable() else " " for c in str(text or ""))
    return text.strip()[:MAX_QUERY_LENGTH]


def parse_query(text):
    """AND-ed groups of OR-ed terms, as a web search engine reads them: [[Term, …], …]."""
    text = clean_query(text)
    try:
        tokens = shlex.split(text.replace("'", " "))
    except ValueError:  # an unbalanced quote: read the words as they are
        tokens = text.replace('"', " ").replace("'", " ").split()
    groups, joining = [], False
    for token in tokens:
        if token.upper() == "OR" and groups:
            joining = True
            continue
        negated = token.startswith("-") and len(token) > 1
        term = Term(token[1:] if negated else token, negated)
        if not term.text.strip("-"):
            continue
        if joining:
            groups[-1].append(term)
        else:
            groups.append([term])
        joining = False
    return groups


def search_vector(fields):
    return SearchVector(*fields, config=SEARCH_CONFIG)


def search(queryset, text):
    """Records of ``queryset`` matching ``text``; the model lists its ``search_fields``."""
    groups = parse_query(text)
    if not groups:
        return queryset
    fields = queryset.model.search_fields
    if connection.vendor == "postgresql":
        return queryset.annotate(search_document=search_vector(fields)).filter(search_document=search_query(groups))
    return _search_with_icontains(queryset, fields, groups)


def search_query(groups):
    """The PostgreSQL query of parsed groups: AND of ORs, each term a quoted websearch (a phrase)."""

    def term_query(term):
        phrase = term.text.replace('"', " ")
        query = SearchQuery(f'"{phrase}"', search_type="websearch", config=SEARCH_CONFIG)
        return ~query if term.negated else query

    combined = None
    for group in groups:
        either = None
        for term in group:
            either = term_query(term) if either is None else either | term_query(term)
        combined = either if combined is None else combined & either
    return combined


def _search_with_icontains(queryset, fields, groups):
    json_fields = [f for f in fields if queryset.model._meta.get_field(f).get_internal_type() == "JSONField"]
    queryset = queryset.annotate(**{f"{f}_text": Cast(f, TextField()) for f in json_fields})
    columns = [f"{f}_text" if f in json_fields else f for f in fields]

    def matches(term):
        found = Q()
        for column in columns:
            found |= Q(**{f"{column}__icontains": term.text})
        return ~found if term.negated else found

    for group in groups:
        either = Q()
        for term in group:
            either |= matches(term)
        queryset = queryset.filter(either)
    return queryset


def highlight(text, query, *, width=240):
    """An escaped excerpt of ``text`` around the first match, with matches in <mark>."""
    text = str(text or "")
    words = [t.text for group in parse_query(query) for t in group if not t.negated]
    if not words:
        return escape(text[:width])
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, first.start() - width // 3) if first else 0
    excerpt = text[start:start + width]
    pieces, last = [], 0
    for match in pattern.finditer(excerpt):
        pieces.append(escape(excerpt[last:match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(excerpt[last:]))
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # every piece escaped above
