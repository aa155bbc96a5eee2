"""Fast INSERTs and UPDATEs for the bulk write path (``registry.services.write_records``).

Django's ``bulk_create``/``bulk_update`` compile every value of every row through the query compiler (and
``bulk_update`` writes a CASE per column); at a few hundred thousand rows that is most of a load's time. Here
each row's values go through the same field methods (``pre_save``, ``get_db_prep_save``) into one statement per
model, run with ``executemany`` (SQLite) or as multi-row VALUES (PostgreSQL). New ids: PostgreSQL returns them
(RETURNING, in the rows' order, as bulk_create reads them); on SQLite they are taken first, above the largest id
ever given (the caller's transaction holds SQLite's write lock). Below ``FAST_FROM`` rows Django's own bulk
methods are used (fewer queries for a small write).

History rows are built the way ``simple_history``'s ``bulk_history_create`` builds them, as plain rows, without
making a model instance per row.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db import models as fields_
from django.db.models import Field
from django.db.models.fields import AutoFieldMixin
from simple_history.utils import get_change_reason_from_object


# The connection itself, not django.db.connection: that proxy looks it up again on every attribute read, which
# at a million values is seconds.
def _connection():
    return connections[DEFAULT_DB_ALIAS]


# Values per PostgreSQL statement (well under its 65,535 parameters), rows per SQLite executemany call.
POSTGRES_VALUES = 20_000
UNNEST_ROWS = 2_000
SQLITE_ROWS = 2_000


# Below this many rows Django's bulk_create (one INSERT … RETURNING) costs fewer queries than taking ids first.
FAST_FROM = 50


def supports(model, count=FAST_FROM):
    """Whether to write ``count`` rows of ``model`` here: a plain table with an auto-incremented id, and enough
    rows for it to pay; else use bulk_create."""
    meta = model._meta
    return count >= FAST_FROM and not meta.parents and isinstance(meta.pk, AutoFieldMixin)


def take_ids(model, count):
    """``count`` new ids for ``model``'s table, ascending."""
    connection = _connection()
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [connection.ops.quote_name(table), column, count])
            return sorted(row[0] for row in cursor.fetchall())
        # AUTOINCREMENT never gives an id again, even one whose row was deleted: above both the largest id and
        # the table's counter (Django's tables are AUTOINCREMENT, so sqlite_sequence exists).
        cursor.execute(f"SELECT max(coalesce((SELECT max({connection.ops.quote_name(column)}) "  # noqa: S608 - quoted names from _meta; the table name is a parameter
                       f"FROM {connection.ops.quote_name(table)}), 0), "
                       "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))", [table])
        largest = cursor.fetchone()[0]
    return list(range(largest + 1, largest + 1 + count))


def _insertable(model):
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def _custom_pre_save(field):
    return type(field).pre_save is not Field.pre_save


# Fields whose stored value is the Python value itself when it has this exact type (or is None): their
# get_db_prep_save, a chain of calls per value, is skipped for those.
PLAIN = {fields_.CharField: str, fields_.TextField: str, fields_.SlugField: str, fields_.URLField: str,
         fields_.EmailField: str, fields_.IntegerField: int, fields_.BigIntegerField: int,
         fields_.SmallIntegerField: int, fields_.PositiveIntegerField: int, fields_.PositiveSmallIntegerField: int,
         fields_.PositiveBigIntegerField: int, fields_.AutoField: int, fields_.BigAutoField: int,
         fields_.BooleanField: bool}


def _preparer(field, connection):
    """value -> what the database gets, as ``field.get_db_prep_save`` gives it."""
    plain = PLAIN.get(type(field))
    if plain is None and type(field) in (fields_.ForeignKey, fields_.OneToOneField):
        plain = PLAIN.get(type(field.target_field))

    def prepare(value):
        return field.get_db_prep_save(value, connection)

    if plain is None:
        return prepare
    return lambda value: value if value is None or type(value) is plain else prepare(value)


def _prepared_rows(objs, fields, connection, *, add, operation_name):
    """Each object's values for ``fields``, ready for the database, as {attname: value}."""
    preparers = [(f.attname, _preparer(f, connection), f if _custom_pre_save(f) else None) for f in fields]
    rows = []
    checked = fields if operation_name == "bulk_update" else None  # as bulk_create and bulk_update check them
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name=operation_name, fields=checked)
        rows.append({attname: prepare(field.pre_save(obj, add) if field is not None else getattr(obj, attname))
                     for attname, prepare, field in preparers})
    return rows


def insert(model, objs):
    """INSERT ``objs`` (new instances of ``model``), giving each its id as bulk_create does. Returns the values
    written, {attname: value} per object (their history rows reuse them)."""
    connection = _connection()
    if not objs:
        return []
    fields = _insertable(model)
    missing = [obj for obj in objs if obj.pk is None]
    if _returning(connection) and len(missing) == len(objs):  # PostgreSQL gives the ids back, in order
        fields = [f for f in fields if not f.primary_key]
        rows = _prepared_rows(objs, fields, connection, add=True, operation_name="bulk_create")
        ids = _insert_rows(model, fields, [list(row.values()) for row in rows],
                           returning=model._meta.pk.column)
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
    else:
        for obj, pk in zip(missing, take_ids(model, len(missing)) if missing else [], strict=True):
            obj.pk = pk
        rows = _prepared_rows(objs, fields, connection, add=True, operation_name="bulk_create")
        _insert_rows(model, fields, [list(row.values()) for row in rows])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return rows


def insert_history(model, objs, *, update, default_user, default_change_reason, default_date, written=None):
    """The history rows of ``objs`` (just written, ``written`` their values as ``insert``/``update`` return
    them), as ``model.history.bulk_history_create`` makes them. Returns their history ids, in order."""
    connection = _connection()
    history = model.history.model
    fields = _insertable(history)
    tracked = {f.attname for f in history.tracked_fields}
    known = tracked | {history._meta.pk.attname, "history_date", "history_change_reason", "history_type",
                       "history_user_id"}
    if not supports(history, len(objs)) or any(f.attname not in known for f in fields):
        rows = model.history.bulk_history_create(objs, update=update, default_user=default_user,
                                                 default_change_reason=default_change_reason,
                                                 default_date=default_date, batch_size=500)
        return [row.history_id for row in rows]
    history_type = "~" if update else "+"
    returning = _returning(connection)
    if returning:  # PostgreSQL gives the ids back
        fields = [f for f in fields if not f.primary_key]
        ids = [None] * len(objs)
    else:
        ids = take_ids(history, len(objs))
    fallback_user = None
    rows = []
    preparers = [(f.attname, _preparer(f, connection)) for f in fields]
    for number, (obj, history_id) in enumerate(zip(objs, ids, strict=True)):
        if hasattr(obj, "_history_user"):
            user = obj._history_user
        elif default_user:
            user = default_user
        else:
            if fallback_user is None:  # the request's user, as simple_history finds it (the same for every row)
                fallback_user = (history.get_default_history_user(obj),)
            user = fallback_user[0]
        values = {history._meta.pk.attname: history_id,
                  "history_date": getattr(obj, "_history_date", default_date),
                  "history_change_reason": get_change_reason_from_object(obj) or default_change_reason,
                  "history_type": history_type,
                  "history_user_id": getattr(user, "pk", user)}
        stored = written[number] if written else {}
        rows.append([stored[attname] if attname in stored and attname not in values
                     else prepare(values[attname] if attname in values else getattr(obj, attname))
                     for attname, prepare in preparers])
    written_ids = _insert_rows(history, fields, rows,
                               returning=history._meta.pk.column if returning else None)
    return written_ids if returning else ids


def update(model, objs, field_names):
    """UPDATE each of ``objs`` (stored instances of ``model``) with its ``field_names``: one statement, run for
    every row (bulk_update's CASE per column is slow at scale)."""
    connection = _connection()
    if not objs:
        return []
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "  # noqa: S608 - quoted names from _meta; every value is a parameter
           f"WHERE {quote(model._meta.pk.column)} = %s")
    rows = _prepared_rows(objs, fields, connection, add=False, operation_name="bulk_update")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), SQLITE_ROWS):
            cursor.executemany(sql, [[*row.values(), obj.pk] for row, obj in
                                     zip(rows[start:start + SQLITE_ROWS], objs[start:start + SQLITE_ROWS], strict=True)])
    return rows


def _returning(connection):
    return connection.vendor == "postgresql"


def _insert_rows(model, fields, rows, *, returning=None):
    """INSERT the rows (values of ``fields``); with ``returning`` (PostgreSQL), the values of that column, in the
    rows' order (as Django's bulk_create reads them)."""
    connection = _connection()
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {quote(returning)}" if returning else ""
    returned = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column (a short statement, parsed once): psycopg parses a long VALUES list's
            # placeholders again for every statement, which was a third of a load's time.
            types = [f.db_type(connection) for f in fields]
            unnest = not any(t is None or t.endswith("]") for t in types)
            sql = (head + f"SELECT * FROM unnest({', '.join(f'%s::{t}[]' for t in types)})" + tail) if unnest else None  # noqa: S608 - types from the fields; values in params
            per_statement = UNNEST_ROWS if unnest else max(1, POSTGRES_VALUES // max(1, len(fields)))
            for start in range(0, len(rows), per_statement):
                batch = rows[start:start + per_statement]
                if unnest:
                    cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
                else:
                    cursor.execute(head + "VALUES " + ", ".join([one] * len(batch)) + tail,
                                   [value for row in batch for value in row])
                if returning:
                    returned.extend(row[0] for row in cursor.fetchall())
        else:
            for start in range(0, len(rows), SQLITE_ROWS):
                cursor.executemany(head + "VALUES " + one, rows[start:start + SQLITE_ROWS])
    return returned
