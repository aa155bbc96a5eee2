"""Full-text search with one syntax on both databases: words, "exact phrases", OR, -exclusion.

PostgreSQL: a stored generated ``tsvector`` column ``search_vector`` per type, holding exactly the
``SearchVector(..., config="english")`` of the type's ``search_fields``, with a GIN index over it (both
added by a migration step that runs only on PostgreSQL: ``add_stored_vector``), queried with
``websearch_to_tsquery``. The column is not a model field (SQLite has none): ``search`` reaches it
through ``StoredSearchVector``. Stored rather than computed, because with an expression index every row
the index finds was read again and its ``to_tsvector`` recomputed to check it (docs/search.md).
SQLite: an FTS5 external-content table per type (``<table>_fts``, tokenizer ``porter unicode61``)
kept in step by INSERT/UPDATE/DELETE triggers, created by a migration step that runs only on SQLite
(``install_fts``); the query is translated to an FTS5 MATCH expression in which
every term is a quoted string, so no user input is ever read as FTS5 syntax. Both databases match
whole words, with English stemming ("contracts" finds "contract"); neither matches inside a word.
Highlights escape the text first, then mark whole matching words with <mark>.

Both databases read a query the same way, through ``parse_query``: space-separated groups are
AND-ed, ``OR`` joins neighbours into one group, ``-`` excludes. So ``surveillance OR weapons
-Anthropic`` is (surveillance OR weapons) AND NOT Anthropic, as in a web search engine. (Handing the
raw text to ``websearch_to_tsquery`` would bind AND tighter than OR: surveillance OR (weapons AND NOT
Anthropic), a different answer from SQLite's.) On PostgreSQL each term is one
``websearch_to_tsquery`` of the quoted term, combined with ``&``, ``|`` and ``!!``.
"""

import re
import shlex
import unicodedata
from dataclasses import dataclass
from functools import cache

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import Func, IntegerField, Q, Subquery
from django.db.models.expressions import Col, Expression, RawSQL
from django.db.models.sql import Query
from django.utils.html import escape
from django.utils.safestring import mark_safe

SEARCH_CONFIG = "english"
SEARCH_VECTOR_COLUMN = "search_vector"  # PostgreSQL only: see add_stored_vector
MAX_QUERY_LENGTH = 200
# A word, as both databases' tokenizers read one: letters and digits ("§", "-", "*" and quotes are not).
WORD = re.compile(r"[^\W_]+")


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
        if not WORD.search(term.text):  # "§", "-", "*": nothing either database could find
            joining = False
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
    if connection.vendor == "postgresql":
        # alias(), not annotate(): the vector is matched (and may be ranked: F("search_document")), never
        # fetched with each row.
        return queryset.alias(search_document=StoredSearchVector()).filter(search_document=search_query(groups))
    return _search_with_fts(queryset, groups)


def with_total(queryset, name="total", limit=None):
    """``queryset`` with each row carrying how many rows it holds (``total_of``)."""
    return queryset.annotate(**{name: total_of(queryset, limit)})


def total_of(queryset, limit=None):
    """How many rows ``queryset`` holds, as a scalar subquery counted once. Cheaper than ``Window(Count("pk"))``,
    which keeps every matching row, whole, before the first ten are taken: 2–3× on a common word on both
    databases (docs/search.md). With ``limit``: counting at most ``limit`` + 1 of them (a word in every public
    term matched 490,000 rows at 100,000 agreements: their count alone took 0.6 s)."""
    counted = queryset.order_by().values("pk")
    if limit is None:
        return Subquery(counted.values(n=Func("pk", function="COUNT")), output_field=IntegerField())
    sql, params = counted[: limit + 1].query.get_compiler(using=queryset.db).as_sql()
    return RawSQL(f"SELECT COUNT(*) FROM ({sql}) capped_count", params, output_field=IntegerField())  # noqa: S608, S611 - compiled queryset SQL, its values in params


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


# --- PostgreSQL: the stored column ---------------------------------------------------------------


class StoredSearchVector(Expression):
    """The ``search_vector`` column of the query's own table (not a model field: SQLite has no such column)."""

    output_field = SearchVectorField()

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        # A Col follows the table's alias when the query is relabelled (used as a subquery).
        return Col(query.get_initial_alias(), _vector_column(query.model))


@cache
def _vector_column(model):
    field = SearchVectorField()
    field.set_attributes_from_name(SEARCH_VECTOR_COLUMN)
    field.model = model
    return field


def search_vector_sql(schema_editor, model, fields):
    """The SQL of ``search_vector(fields)`` over ``model``'s unqualified columns, parameters inlined — the
    expression the GIN indexes of the 0003 migrations were built over, so the stored column holds the very
    same vectors."""
    query = Query(model, alias_cols=False)
    compiler = query.get_compiler(connection=schema_editor.connection)
    sql, params = compiler.compile(search_vector(fields).resolve_expression(query))
    return sql % tuple(schema_editor.quote_value(p) for p in params)


def add_stored_vector(schema_editor, model, fields, index_name, replaces=None):
    """Add ``model``'s generated column, computed by PostgreSQL on every INSERT and UPDATE however the row
    is written (save, bulk_create, bulk_update, raw SQL), and a GIN index over it; drop the expression
    index ``replaces`` it makes useless."""
    table, quote = model._meta.db_table, schema_editor.quote_name
    schema_editor.execute(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(SEARCH_VECTOR_COLUMN)} tsvector "
                          f"GENERATED ALWAYS AS ({search_vector_sql(schema_editor, model, fields)}) STORED")
    schema_editor.execute(f"CREATE INDEX {quote(index_name)} ON {quote(table)} USING gin ({quote(SEARCH_VECTOR_COLUMN)})")
    if replaces:
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(replaces)}")


def remove_stored_vector(schema_editor, model, fields, index_name, replaces=None):
    """The reverse of ``add_stored_vector``: the expression index back, the column (and its index) gone."""
    from django.contrib.postgres.indexes import GinIndex

    if replaces:
        schema_editor.add_index(model, GinIndex(search_vector(fields), name=replaces))
    quote = schema_editor.quote_name
    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(index_name)}")
    schema_editor.execute(f"ALTER TABLE {quote(model._meta.db_table)} DROP COLUMN IF EXISTS {quote(SEARCH_VECTOR_COLUMN)}")


# --- SQLite: FTS5 ---------------------------------------------------------------------------------

FTS_TOKENIZER = "porter unicode61"


def fts_table(model):
    return f"{model._meta.db_table}_fts"


def _fts_phrase(term):
    """An FTS5 string: whatever the user typed is read as words, never as FTS5 syntax."""
    return '"' + term.text.replace('"', '""') + '"'


def _fts_matching(queryset, expression):
    table = fts_table(queryset.model)
    return Q(pk__in=RawSQL(f'SELECT rowid FROM "{table}" WHERE "{table}" MATCH %s', [expression]))  # noqa: S608, S611 - table name from _meta; the search text is a parameter


def fts_expression(groups):
    """The FTS5 MATCH expression of groups without exclusions: ("a" OR "b c") AND "d"."""
    return " AND ".join("(" + " OR ".join(_fts_phrase(t) for t in group) + ")" for group in groups)


def _search_with_fts(queryset, groups):
    """Groups of words only go into one MATCH; a group with an exclusion becomes its own condition
    (FTS5's NOT is binary, so "-x" alone is "not among the rows matching x")."""
    plain = [group for group in groups if not any(t.negated for t in group)]
    if plain:
        queryset = queryset.filter(_fts_matching(queryset, fts_expression(plain)))
    for group in groups:
        if group in plain:
            continue
        either = Q(pk__in=[])
        words = [t for t in group if not t.negated]
        if words:
            either |= _fts_matching(queryset, fts_expression([words]))
        for term in group:
            if term.negated:
                either |= ~_fts_matching(queryset, _fts_phrase(term))
        queryset = queryset.filter(either)
    return queryset


def _fts_value(model, field_name, row):
    """The SQL of one indexed value of ``row`` ("new", "old" or the table): a JSON list (aliases) as its
    strings joined by spaces, so that the index holds the words and not the JSON escapes (\\u00e9)."""
    field = model._meta.get_field(field_name)
    column = f'{row}."{field.column}"'
    if field.get_internal_type() != "JSONField":
        return column
    return (f"(SELECT group_concat(value, ' ') FROM json_each(CASE WHEN json_valid({column}) THEN {column} "  # noqa: S608 - column name from _meta
            f"ELSE json_array({column}) END))")


def fts_statements(model, fields):
    """{name: SQL} of the FTS5 table and its three triggers for ``model``'s searched ``fields``."""
    table, fts = model._meta.db_table, fts_table(model)
    pk = model._meta.pk.column
    columns = ", ".join(f'"{model._meta.get_field(f).column}"' for f in fields)

    def values(row):
        return ", ".join(_fts_value(model, f, row) for f in fields)

    insert = f'INSERT INTO "{fts}"(rowid, {columns}) VALUES (new."{pk}", {values("new")});'  # noqa: S608 - names from _meta
    delete = f'INSERT INTO "{fts}"("{fts}", rowid, {columns}) VALUES (\'delete\', old."{pk}", {values("old")});'  # noqa: S608 - names from _meta
    return {
        fts: f'CREATE VIRTUAL TABLE "{fts}" USING fts5({columns}, content="{table}", content_rowid="{pk}", '
             f"tokenize='{FTS_TOKENIZER}')",
        f"{fts}_insert": f'CREATE TRIGGER "{fts}_insert" AFTER INSERT ON "{table}" BEGIN {insert} END',
        f"{fts}_delete": f'CREATE TRIGGER "{fts}_delete" AFTER DELETE ON "{table}" BEGIN {delete} END',
        f"{fts}_update": f'CREATE TRIGGER "{fts}_update" AFTER UPDATE ON "{table}" BEGIN {delete} {insert} END',
    }


def install_fts(connection, model, fields):
    """Create (or re-create) ``model``'s FTS5 table and triggers and index every existing row."""
    statements = fts_statements(model, fields)
    fts, pk = fts_table(model), model._meta.pk.column
    columns = ", ".join(f'"{model._meta.get_field(f).column}"' for f in fields)
    values = ", ".join(_fts_value(model, f, f'"{model._meta.db_table}"') for f in fields)
    with connection.cursor() as cursor:
        uninstall_fts(connection, model, cursor=cursor)
        for sql in statements.values():
            cursor.execute(sql)
        cursor.execute(f'INSERT INTO "{fts}"(rowid, {columns}) '  # noqa: S608 - names from _meta
                       f'SELECT "{pk}", {values} FROM "{model._meta.db_table}"')


def uninstall_fts(connection, model, cursor=None):
    fts = fts_table(model)
    if cursor is None:
        with connection.cursor() as cursor:
            return uninstall_fts(connection, model, cursor=cursor)
    for trigger in ("insert", "delete", "update"):
        cursor.execute(f'DROP TRIGGER IF EXISTS "{fts}_{trigger}"')
    cursor.execute(f'DROP TABLE IF EXISTS "{fts}"')


def fts_in_step(connection, model, fields):
    """True when ``model``'s FTS5 table and triggers are exactly the ones ``fields`` need."""
    statements = fts_statements(model, fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE name IN ({', '.join(['%s'] * len(statements))})",  # noqa: S608 - %s marks only; the names are parameters
                       list(statements))
        existing = dict(cursor.fetchall())
    return existing == statements


def repair_fts(sender, using="default", apps=None, **kwargs):
    """post_migrate: on SQLite, re-create an FTS5 table whose triggers or columns are not the ones the
    model's ``search_fields`` need — SQLite's schema editor rebuilds a table for most ALTERs, which
    drops its triggers — and index its rows again. Creating the tables is the migrations' job: a type
    without one (a database migrated backwards) is left alone."""
    from django.db import connections

    from registry.interchange import record_types

    connection = connections[using]
    if connection.vendor != "sqlite" or getattr(sender, "name", None) != "registry" or apps is None:
        return
    tables = set(connection.introspection.table_names())
    for record_type in record_types():
        # The model as the migrations left it (the migration state's registry), not as the code has it.
        meta = record_type.model._meta
        model = apps.all_models.get(meta.app_label, {}).get(meta.model_name)
        if model is None:
            continue
        fields = record_type.model.search_fields
        if fts_table(model) not in tables or not all(_has_field(model, f) for f in fields):
            continue
        if not fts_in_step(connection, model, fields):
            install_fts(connection, model, fields)


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except LookupError:
        return False
    return True


# --- highlights -----------------------------------------------------------------------------------


def _fold(word):
    """Lower case without diacritics, as unicode61 reads a word ("Café" is "cafe")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _stem(word):
    """A light English stem, for marking: "contracts", "contracted" → "contract". The databases decide
    what matches (Porter on SQLite, Snowball on PostgreSQL); this only finds the words to mark."""
    word = _fold(word)
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def _searched_phrases(query):
    """The stems of each searched word or phrase of ``query``, longest first; exclusions left out."""
    phrases = {tuple(_stem(w) for w in WORD.findall(t.text)) for group in parse_query(query) for t in group
               if not t.negated}
    return sorted((p for p in phrases if p), key=len, reverse=True)


def match_spans(text, query):
    """(start, end) of each whole word or phrase of ``text`` that ``query`` searches for."""
    phrases = _searched_phrases(query)
    if not phrases:
        return []
    words = [(m.start(), m.end(), _stem(m.group())) for m in WORD.finditer(str(text or ""))]
    spans, i = [], 0
    while i < len(words):
        length = next((len(p) for p in phrases if tuple(w[2] for w in words[i:i + len(p)]) == p), 0)
        if length:
            spans.append((words[i][0], words[i + length - 1][1]))
            i += length
        else:
            i += 1
    return spans


def mentions(text, query):
    """Whether ``text`` holds a searched word or phrase, as a whole word (not "war" in "award")."""
    return bool(match_spans(text, query))


def highlight(text, query, *, width=240):
    """An escaped excerpt of ``text`` around the first match, with whole matching words in <mark>."""
    text = str(text or "")
    spans = match_spans(text, query)
    start = max(0, spans[0][0] - width // 3) if spans else 0
    if start:  # begin at a word
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = start + width
    pieces, last = [], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(text[last:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        last = span_end
    pieces.append(escape(text[last:end]))
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece escaped above
