"""Facets: a list's filters as checkbox groups, each value with the number of results it would give under
the other active filters (standard faceting: a group's counts ignore its own selection, so ticking a value
gives exactly its count, and ticking several gives their union).

A list declares its facets (``RecordListView.facets``): a filter's name alone for a column of the record,
counted by one GROUP BY on the column; or a ``Facet`` saying how a record meets a value through its links
(``links``: querysets of (record, value) pairs, e.g. an agreement's parties), whether the values are records
(``model``: the top ``top`` by count, with a text field taking any other by name or slug, so that the page
does not grow with the number of vendors), and whether an agency also counts the records of the agencies
below it (``tree``, as the filters do). Every group is ONE query, whatever the number of rows or values.

The FilterSet is untouched: it reads the same parameters as the API and the CSV. The text fields
(``<filter>_text``) are the page's own: the list view resolves them and redirects to the query with the slug.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, F, Q

from registry.filters import is_records

# Counts above this are shown as "1,000+": past a thousand the exact number says nothing a reader needs.
CAP = 1000
# A group with more values than this is folded in a <details> (open when one of its values is chosen).
FOLD_AFTER = 6
# A group counts its values only when the results it counts over (those of the other filters) are at most this
# many: counting by value reads every one of them, and must not grow with the registry. Past it, the page lists
# the values without counts (a vendor or agency facet: the most frequent among this many of the first results).
SCAN = CAP


def count_label(count):
    """12 -> "12", 1234 -> "1,000+" (a count is never shown above CAP)."""
    return f"{CAP:,}+" if count > CAP else f"{count:,}"


def pairs(queryset, record, value):
    """The (record, value) pairs of ``queryset`` a linked facet counts: ``record`` and ``value`` are paths from
    its model, e.g. ``pairs(AgreementParty.objects.filter(agreement__in=ids), "agreement_id", "vendor_id")``."""
    value = value if hasattr(value, "resolve_expression") else F(value)
    return (queryset.order_by().annotate(facet_record=F(record), facet_value=value)
            .filter(facet_value__isnull=False).values_list("facet_record", "facet_value"))


@dataclass(frozen=True)
class Facet:
    name: str                      # the FilterSet's filter
    links: Callable = None         # ids -> [pairs(...)]; None: the filter's column of the record
    model: type = None             # values are public records of this model, by slug
    label_fields: tuple = ("name",)  # the model's fields naming a value (and matched by the text field)
    tree: str = None               # "and_below": a value counts its sub-agencies' records; "below": only theirs
    top: int = 10                  # how many values of a model facet are listed (by count)

    @property
    def text_name(self):
        return f"{self.name}_text" if self.model else None


def own(model, field_name):
    """The links of a record to the value in one of its own columns (a designation's vendor)."""
    return lambda ids: [pairs(model.objects.filter(pk__in=ids), "pk", field_name)]


def as_facet(declared):
    return declared if isinstance(declared, Facet) else Facet(declared)


@dataclass
class Option:
    value: str
    label: str
    count: int = None
    checked: bool = False
    id: str = ""

    @property
    def count_label(self):
        return None if self.count is None else count_label(self.count)


@dataclass
class Group:
    """One facet as the template shows it."""

    facet: Facet
    label: str
    help_text: str
    options: list
    errors: list = field(default_factory=list)
    text_value: str = ""
    text_errors: list = field(default_factory=list)
    counted: bool = True
    is_facet = True

    @property
    def name(self):
        return self.facet.name

    @property
    def help_id(self):
        return f"id_{self.name}_helptext"

    @property
    def text_name(self):
        return self.facet.text_name

    @property
    def text_id(self):
        return f"id_{self.text_name}"

    @property
    def chosen(self):
        return sum(option.checked for option in self.options)

    @property
    def folded(self):
        return len(self.options) > FOLD_AFTER

    @property
    def open(self):
        return bool(self.chosen or self.errors or self.text_errors or self.text_value)


# --- counting ----------------------------------------------------------------------------------

def without(filterset, skipped):
    """The FilterSet's records under every active filter but ``skipped`` (and the ordering), from its
    cleaned data: no slug is looked up again."""
    queryset = filterset.queryset
    for name, value in filterset.form.cleaned_data.items():
        if name not in (skipped, "ordering"):
            queryset = filterset.filters[name].filter(queryset, value)
    return queryset


def column_counts(filterset, facet, ids):
    """{value: count} of the facet's column among ``ids``: one GROUP BY."""
    column = filterset.filters[facet.name].field_name
    rows = (filterset.queryset.model.objects.filter(pk__in=ids).order_by().values_list(column)
            .annotate(facet_count=Count("pk")))
    return {str(value): count for value, count in rows if value not in (None, "")}


def compiled(queryset):
    return queryset.query.get_compiler(using=queryset.db).as_sql()


def linked_counts(facet, ids, selected, using):
    """[(value, label, count)] through the facet's links among ``ids``: one GROUP BY over the union of the
    links (and, for a tree, over each agency's ancestors). A model facet returns the top values by count
    after the selected ones (always listed, so that they can be unticked); a choice facet every value."""
    quote = connections[using].ops.quote_name
    branches, params = [], []
    for number, branch in enumerate(facet.links(ids)):
        sql, branch_params = compiled(branch)
        branches.append(f"SELECT facet_record, facet_value FROM ({sql}) branch_{number}")  # noqa: S608 - compiled queryset SQL, its values in params
        params.extend(branch_params)
    source = f"({' UNION ALL '.join(branches)}) facet_pairs"
    value = "facet_pairs.facet_value"
    prefix = ""
    if facet.tree:
        table, parent = quote(facet.model._meta.db_table), quote(facet.model._meta.get_field("parent").column)
        pk = quote(facet.model._meta.pk.column)
        seed = (f"SELECT {pk}, {pk} FROM {table}" if facet.tree == "and_below"  # noqa: S608 - quoted names from _meta
                else f"SELECT {pk}, {parent} FROM {table} WHERE {parent} IS NOT NULL")  # noqa: S608 - quoted names from _meta
        prefix = (f"WITH RECURSIVE facet_up(descendant, ancestor) AS ({seed} UNION SELECT facet_up.descendant, "  # noqa: S608 - quoted names from _meta
                  f"t.{parent} FROM facet_up JOIN {table} t ON t.{pk} = facet_up.ancestor "
                  f"WHERE t.{parent} IS NOT NULL) ")
        source += " JOIN facet_up ON facet_up.descendant = facet_pairs.facet_value"
        value = "facet_up.ancestor"
    count = "COUNT(DISTINCT facet_pairs.facet_record)"
    if facet.model is None:
        sql = f"{prefix}SELECT {value}, {count} FROM {source} GROUP BY {value}"  # noqa: S608 - SQL pieces built above from code; values in params
    else:
        fields = ("slug", *facet.label_fields)
        records_sql, records_params = compiled(facet.model.objects.public().order_by().values("pk", *fields))
        params.extend(records_params)
        pk = quote("pk")  # the compiled values() name their columns: "pk", "slug", "name"…
        named = ", ".join(f"v.{quote(name)}" for name in fields)
        order = ""
        if selected:
            order = f"CASE WHEN v.{quote('slug')} IN ({', '.join(['%s'] * len(selected))}) THEN 0 ELSE 1 END, "
            params.extend(selected)
        sql = (f"{prefix}SELECT {named}, {count} FROM {source} JOIN ({records_sql}) v ON v.{pk} = {value} "  # noqa: S608 - names from code; values in params
               f"GROUP BY v.{pk}, {named} ORDER BY {order}{count} DESC, v.{quote(facet.label_fields[0])}, v.{pk} "
               f"LIMIT {int(facet.top) + len(selected)}")
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if facet.model is None:
        return [(str(value), None, count) for value, count in rows]
    return [(row[0], record_label(row[1:-1]), row[-1]) for row in rows]


def record_label(values):
    """"Department of Defense (DoD)" from a record's label fields: the first, then the others in brackets."""
    first, *others = [value for value in values if value]
    return f"{first} ({', '.join(others)})" if others else first


# --- groups for the page -----------------------------------------------------------------------

def groups(declared, filterset, text_errors=None, *, counted=True, total=None):
    """The template's groups, one per declared facet, in the form's field order. ``counted``: the
    FilterSet is valid, so counts can be computed (otherwise the values are listed without counts).
    ``total``: how many results the page has (a registry.pages.Total, or a number), so that the groups whose
    own filter is not in use know their base is too large to count without reading it."""
    text_errors = text_errors or {}
    data = filterset.data if filterset.data is not None else {}
    bases = Bases(filterset, total) if counted else None
    result = {}
    for facet in map(as_facet, declared):
        field_ = filterset.form.fields[facet.name]
        selected = [value for value in data.getlist(facet.name) if value] if hasattr(data, "getlist") else []
        ids, exact = bases.ids(facet) if counted else ([], False)
        if exact or (counted and facet.model is not None):
            options = options_of(facet, filterset, selected, ids, exact=exact)
        else:
            options = uncounted_options(facet, field_, selected, chosen_records(filterset, facet.name))
        for number, option in enumerate(options):
            option.id = f"id_{facet.name}_{number}"
        bound = filterset.form[facet.name] if filterset.form.is_bound else None
        result[facet.name] = Group(
            facet=facet, label=field_.label or facet.name, help_text=field_.help_text, options=options,
            errors=list(bound.errors) if bound is not None else [], counted=exact,
            text_value=data.get(facet.text_name, "") if facet.text_name and hasattr(data, "get") else "",
            text_errors=text_errors.get(facet.text_name, []))
    return result


class Bases:
    """The ids each group counts over (the results of every filter but its own), read once per base as a list:
    one query of at most SCAN + 1 ids in the page's order says both whether the base is small enough to count
    exactly and, when it is not, which first SCAN results a model facet samples. The groups whose own filter is
    not in use share one base, the page's results. A list of ids rather than a subquery: for
    ``IN (SELECT … LIMIT 1000)`` PostgreSQL hashed the whole link table (agreement parties: a cost that grew
    with the registry), for a list it reads the link table's index (the vendor facet at 100,000 agreements:
    28 → 11 ms)."""

    def __init__(self, filterset, total):
        self.filterset, self.total, self.read = filterset, total, {}

    def ids(self, facet):
        """(ids, exact): every id of the base when it holds at most SCAN, else its first SCAN in the page's
        order; ([], False) without a query when a choice facet's base is known to be larger (nothing to sample)."""
        in_use = bool(self.filterset.form.cleaned_data.get(facet.name))
        if not in_use and facet.model is None and self.too_many():
            return [], False
        key = facet.name if in_use else None
        if key not in self.read:
            base = without(self.filterset, facet.name)  # its own filter, when not in use, filters nothing
            ordering = self.filterset.keyset_ordering
            ids = list(base.order_by(*ordering.order_by()).values_list("pk", flat=True)[: SCAN + 1])
            self.read[key] = (ids[:SCAN], len(ids) <= SCAN)
        return self.read[key]

    def too_many(self):
        total = self.total
        return total is not None and (getattr(total, "more", False) or total > SCAN)


def options_of(facet, filterset, selected, ids, *, exact=True):
    """The group's values with their counts among ``ids``; not ``exact`` (``ids`` are then the first SCAN
    results in the page's order): a model facet's most frequent values among them, listed without counts."""
    field_ = filterset.form.fields[facet.name]
    if facet.model is not None:
        chosen = {record.slug: str(record) for record in filterset.form.cleaned_data.get(facet.name) or ()}
        rows = linked_counts(facet, ids, list(chosen), filterset.queryset.db) if ids else []
        options = [Option(slug, label, count if exact else None, slug in chosen) for slug, label, count in rows]
        listed = {option.value for option in options}
        # A chosen value with no result under the other filters is still listed, to be unticked.
        options += [Option(slug, label, 0 if exact else None, True) for slug, label in chosen.items()
                    if slug not in listed]
        return options
    if not ids:
        counts = {}
    elif facet.links is None:
        counts = column_counts(filterset, facet, ids)
    else:
        counts = {value: count for value, _, count in linked_counts(facet, ids, [], filterset.queryset.db)}
    return [Option(str(value), str(label), counts.get(str(value), 0), str(value) in selected)
            for value, label in field_.choices if value not in (None, "")
            and (counts.get(str(value)) or str(value) in selected)]


def chosen_records(filterset, name):
    """{slug: label} of the records a filter chose, from the form's own validation (no query); {} when unread."""
    records = getattr(filterset.form, "cleaned_data", {}).get(name) or ()
    return {record.slug: str(record) for record in records} if is_records(records) else {}


def uncounted_options(facet, field_, selected, chosen=None):
    """The values of a group without counts (the filters cannot be read, or the page does not count): every
    choice, or only the chosen records (named when the form could read them) — never every vendor."""
    if facet.model is not None:
        chosen = chosen or {}
        return [Option(slug, chosen.get(slug, slug), None, True) for slug in selected]
    return [Option(str(value), str(label), None, str(value) in selected)
            for value, label in field_.choices if value not in (None, "")]


def record_facets(filterset_class):
    """A model facet (chosen values and a text field; no counts, no list of every record) for each visible
    record filter of a FilterSet that has no facets of its own (the timeline, whose vendor, agency and
    designation filters other apps add)."""
    declared = []
    for name, filter_ in filterset_class.base_filters.items():
        queryset = getattr(filter_, "queryset", None)
        widget = filter_.extra.get("widget")
        if queryset is None or getattr(widget, "input_type", None) == "hidden":
            continue
        model = queryset.model
        names = {field_.name for field_ in model._meta.fields}
        label_fields = tuple(name for name in ("name", "title", "acronym") if name in names)
        declared.append(Facet(name, model=model, label_fields=label_fields or ("slug",)))
    return tuple(declared)


# --- the text fields: any vendor or agency, by name or slug ---------------------------------------

def resolve_texts(declared, query):
    """({text field: [errors]}, query with each typed name or slug turned into its slug) for the facets'
    text fields present in ``query`` (a QueryDict); ``({}, None)`` when there is none. One query per text typed."""
    present = [facet for facet in map(as_facet, declared) if facet.text_name and facet.text_name in query]
    if not present:
        return {}, None
    errors, resolved = {}, query.copy()
    for facet in present:
        texts = [text.strip() for text in resolved.pop(facet.text_name) if text.strip()]
        for text in texts:
            slugs, error = find(facet, text)
            if error:
                errors.setdefault(facet.text_name, []).append(error)
            existing = resolved.getlist(facet.name)
            resolved.setlist(facet.name, existing + [slug for slug in slugs if slug not in existing])
    return errors, resolved


def find(facet, text):
    """([slug], error) of the public record whose slug, or one of whose label fields, is ``text``."""
    model = facet.model
    match = Q(slug=text)
    for name in facet.label_fields:
        match |= Q(**{f"{name}__iexact": text})
    slugs = list(model.objects.public().filter(match).order_by("slug").values_list("slug", flat=True)[:6])
    noun = model._meta.verbose_name
    if not slugs:
        return [], f"No {noun} has the name or slug “{text}”."
    if len(slugs) > 1 and text not in slugs:
        return [], f"Several {model._meta.verbose_name_plural} are named “{text}”: type the slug of one " \
                   f"({', '.join(slugs[:5])})."
    return [text if text in slugs else slugs[0]], None
